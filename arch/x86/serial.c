/*
 * The 16550 UART on COM1: 115200 baud, 8N1, polled.  Serial is hilo's main
 * console: the self-tests' KTAP and every panic go out here.
 */
#include <asm/io.h>
#include <hilo/console.h>

#define COM1      0x3F8
#define UART_THR  0	/* transmit holding register */
#define UART_IER  1	/* interrupt enable */
#define UART_DLL  0	/* divisor latch, low (DLAB=1) */
#define UART_DLM  1	/* divisor latch, high (DLAB=1) */
#define UART_FCR  2	/* FIFO control */
#define UART_LCR  3	/* line control */
#define UART_MCR  4	/* modem control */
#define UART_LSR  5	/* line status */
#define LSR_THRE  0x20	/* transmit holding register empty */
#define LCR_DLAB  0x80
#define LCR_8N1   0x03

/** serial_init - program COM1 for 115200 8N1 with FIFOs, no interrupts. */
void serial_init(void)
{
	outb(COM1 + UART_IER, 0x00);
	outb(COM1 + UART_LCR, LCR_DLAB);
	outb(COM1 + UART_DLL, 1);		/* 115200 / 1 */
	outb(COM1 + UART_DLM, 0);
	outb(COM1 + UART_LCR, LCR_8N1);
	outb(COM1 + UART_FCR, 0xC7);		/* enable, clear, 14-byte threshold */
	outb(COM1 + UART_MCR, 0x03);		/* DTR, RTS */
}

static void serial_putc(char c)
{
	unsigned int spins = 0;

	/* Bounded wait: a missing UART must not hang the kernel. */
	while (!(inb(COM1 + UART_LSR) & LSR_THRE) && ++spins < 100000)
		;
	outb(COM1 + UART_THR, (u8)c);
}

/** serial_write - write n bytes, turning "\n" into "\r\n". Any context. */
void serial_write(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			serial_putc('\r');
		serial_putc(s[i]);
	}
}
