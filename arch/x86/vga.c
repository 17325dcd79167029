/*
 * VGA text mode (80x25 at physical 0xB8000, reached through the direct
 * map): a second console for people watching the QEMU window.  Scrolls,
 * no cursor handling beyond the hardware cursor.
 */
#include <asm/io.h>
#include <asm/layout.h>
#include <hilo/console.h>

#define VGA_PHYS  0xB8000UL
#define VGA_COLS  80
#define VGA_ROWS  25
#define VGA_ATTR  0x07		/* light grey on black */

static volatile u16 *const vga = (volatile u16 *)(PAGE_OFFSET + VGA_PHYS);
static unsigned int vga_row, vga_col;

static void vga_clear_row(unsigned int row)
{
	for (unsigned int c = 0; c < VGA_COLS; c++)
		vga[row * VGA_COLS + c] = (VGA_ATTR << 8) | ' ';
}

static void vga_update_cursor(void)
{
	u16 pos = (u16)(vga_row * VGA_COLS + vga_col);

	outb(0x3D4, 0x0F);
	outb(0x3D5, pos & 0xFF);
	outb(0x3D4, 0x0E);
	outb(0x3D5, pos >> 8);
}

/** vga_init - clear the screen. */
void vga_init(void)
{
	for (unsigned int r = 0; r < VGA_ROWS; r++)
		vga_clear_row(r);
	vga_row = vga_col = 0;
	vga_update_cursor();
}

static void vga_newline(void)
{
	vga_col = 0;
	if (++vga_row < VGA_ROWS)
		return;
	for (unsigned int i = 0; i < (VGA_ROWS - 1) * VGA_COLS; i++)
		vga[i] = vga[i + VGA_COLS];
	vga_clear_row(VGA_ROWS - 1);
	vga_row = VGA_ROWS - 1;
}

static void vga_putc(char c)
{
	if (c == '\n') {
		vga_newline();
		return;
	}
	if (c == '\r') {
		vga_col = 0;
		return;
	}
	vga[vga_row * VGA_COLS + vga_col] = (u16)((VGA_ATTR << 8) | (u8)c);
	if (++vga_col == VGA_COLS)
		vga_newline();
}

/** vga_write - write n bytes to the text screen. Any context. */
void vga_write(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		vga_putc(s[i]);
	vga_update_cursor();
}
