/*
 * printk: format a message, keep it in the log buffer, show it on the
 * consoles.  The log buffer is a plain ring of bytes (log_buf, log_head
 * bytes written so far) so GDB can read it after a hang.
 *
 * Interrupts are disabled around the buffer and console writes so lines
 * from an interrupt handler don't tear a line in progress, and the
 * printk lock keeps other CPUs' lines out of it.  That lock is not a
 * spinlock: printk must work inside spinlock and panic reports.  It
 * records its owner, so a printk that interrupts one on the same CPU (an
 * NMI, a fault while printing) goes ahead unlocked instead of waiting for
 * itself, and during a panic a CPU waits for it at most PRINTK_PANIC_WAIT_MS
 * (its holder may have been stopped).
 */
#include <asm/processor.h>
#include <asm/tsc.h>
#include <hilo/console.h>
#include <hilo/panic.h>
#include <hilo/printk.h>
#include <hilo/smp.h>

#define PRINTK_LINE_MAX 512
#define PRINTK_PANIC_WAIT_MS 100

char log_buf[LOG_BUF_SIZE];
u32 log_head;
int console_loglevel = 7;	/* show levels below 7: all but KERN_DEBUG */

/** console_write - write to every console.  Any context. */
void console_write(const char *s, size_t n)
{
	serial_write(s, n);
	vga_write(s, n);
}

static int printk_owner = -1;		/* the CPU printing, or -1 */

/* Take the printk lock; false when printing without it.  Interrupts off. */
static bool printk_lock(void)
{
	int me = (int)smp_processor_id();
	u64 start = rdtsc();

	if (__atomic_load_n(&printk_owner, __ATOMIC_RELAXED) == me)
		return false;			/* re-entered on this CPU */
	for (;;) {
		int free = -1;

		if (__atomic_compare_exchange_n(&printk_owner, &free, me, false,
						__ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
			return true;
		if (READ_ONCE(panic_in_progress) &&
		    rdtsc() - start > (u64)PRINTK_PANIC_WAIT_MS * tsc_khz)
			return false;
		cpu_relax();
	}
}

static void printk_unlock(bool locked)
{
	if (locked)
		__atomic_store_n(&printk_owner, -1, __ATOMIC_RELEASE);
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
	bool locked;
	int level, n;

	level = printk_level(&fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	if (n >= (int)sizeof(line))
		n = sizeof(line) - 1;

	flags = read_eflags();
	local_irq_disable();
	locked = printk_lock();
	log_store(line, (size_t)n);
	if (level < console_loglevel)
		console_write(line, (size_t)n);
	printk_unlock(locked);
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
