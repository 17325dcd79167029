/* Consoles: where printk's text goes (COM1 and VGA text mode). */
#ifndef HILO_CONSOLE_H
#define HILO_CONSOLE_H

#include <hilo/types.h>

void serial_init(void);
void serial_write(const char *s, size_t n);
void vga_init(void);
void vga_write(const char *s, size_t n);

/* Write to every console (no log buffer, no level). */
void console_write(const char *s, size_t n);

#endif
