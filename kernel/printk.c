/*
 * printk: format a message, keep it in the log buffer, show it on the
 * consoles.  The log buffer is a plain ring of bytes (log_buf, log_head
 * bytes written so far) so GDB can read it after a hang.
 *
 * Interrupts are disabled around the buffer and console writes so lines
 * from an interrupt handler don't tear a line in progress.  SMP will add
 * a spinlock here.
 */
#include <asm/processor.h>
#include <hilo/console.h>
#include <hilo/printk.h>

#define PRINTK_LINE_MAX 512

char log_buf[LOG_BUF_SIZE];
u32 log_head;
int console_loglevel = 7;	/* show levels below 7: all but KERN_DEBUG */

/** console_write - write to every console.  Any context. */
void console_write(const char *s, size_t n)
{
	serial_write(s, n);
	vga_write(s, n);
}

static void log_store(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		log_buf[(log_head + i) % LOG_BUF_SIZE] = s[i];
	log_head += n;
}

/* Strip a KERN_<LEVEL> prefix; returns the level. */
static int printk_level(const char **fmt)
{
	const char *f = *fmt;

	if (f[0] == KERN_SOH[0] && f[1] >= '0' && f[1] <= '7') {
		*fmt = f + 2;
		return f[1] - '0';
	}
	return LOGLEVEL_DEFAULT;
}

/**
 * vprintk - print a message to the log buffer and, when its level is
 * below console_loglevel (as in Linux), to the consoles.  Any context, including
 * interrupts and panic.  Lines longer than 511 bytes are cut.
 * Returns the number of bytes stored.
 */
int vprintk(const char *fmt, va_list ap)
{
	char line[PRINTK_LINE_MAX];
	unsigned long flags;
	int level, n;

	level = printk_level(&fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	if (n >= (int)sizeof(line))
		n = sizeof(line) - 1;

	flags = read_eflags();
	local_irq_disable();
	log_store(line, (size_t)n);
	if (level < console_loglevel)
		console_write(line, (size_t)n);
	if (flags & X86_EFLAGS_IF)
		local_irq_enable();
	return n;
}

int printk(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintk(fmt, ap);
	va_end(ap);
	return n;
}
