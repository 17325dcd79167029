/*
 * Host shim for include/hilo/highmem.h: highmem pages have no host memory
 * behind them, so clearing one is only counted (tests/host/hilo_host.c).
 */
#ifndef HILO_HIGHMEM_H
#define HILO_HIGHMEM_H

#include <hilo/mm.h>

void clear_highpage(struct page *page);

#endif
