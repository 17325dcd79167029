/*
 * printk: the kernel log.  Every message goes to the log buffer (log_buf,
 * readable from GDB after a hang) and, when its level is below
 * console_loglevel, to every console (serial COM1 and VGA text).
 *
 * A message may start with a level, as in Linux: printk(KERN_ERR "...").
 * Without one it is KERN_DEFAULT (info).
 */
#ifndef HILO_PRINTK_H
#define HILO_PRINTK_H

#include <hilo/compiler.h>
#include <hilo/types.h>

#define KERN_SOH     "\001"
#define KERN_EMERG   KERN_SOH "0"
#define KERN_ALERT   KERN_SOH "1"
#define KERN_CRIT    KERN_SOH "2"
#define KERN_ERR     KERN_SOH "3"
#define KERN_WARNING KERN_SOH "4"
#define KERN_NOTICE  KERN_SOH "5"
#define KERN_INFO    KERN_SOH "6"
#define KERN_DEBUG   KERN_SOH "7"
#define KERN_DEFAULT ""

#define LOGLEVEL_DEFAULT 6
extern int console_loglevel;

int printk(const char *fmt, ...) __printf(1, 2);
int vprintk(const char *fmt, va_list ap);

#define pr_emerg(fmt, ...) printk(KERN_EMERG fmt, ##__VA_ARGS__)
#define pr_err(fmt, ...)   printk(KERN_ERR fmt, ##__VA_ARGS__)
#define pr_warn(fmt, ...)  printk(KERN_WARNING fmt, ##__VA_ARGS__)
#define pr_info(fmt, ...)  printk(KERN_INFO fmt, ##__VA_ARGS__)
#define pr_debug(fmt, ...) printk(KERN_DEBUG fmt, ##__VA_ARGS__)

/*
 * Formatting: %d %i %u %x %X %o %c %s %p %% with flags '-', '0', '+', ' ',
 * '#', a width (or *), a precision for %s, and the length modifiers hh, h,
 * l, ll, z.  %p prints 0x and eight hex digits.  Never writes more than
 * size bytes (including the NUL); returns the length it would have had.
 */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

/* The log buffer: a ring of LOG_BUF_SIZE bytes, log_head bytes written. */
#define LOG_BUF_SIZE (64 * 1024)
extern char log_buf[LOG_BUF_SIZE];
extern u32 log_head;

#endif
