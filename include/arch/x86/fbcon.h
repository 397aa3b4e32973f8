/*
 * The screen console: text drawn on the framebuffer the boot loader set
 * up (multiboot2 tag 8, struct boot_framebuffer), beside the serial one.
 *
 * The renderer (arch/x86/fbcon.c) only writes memory it is given, so the
 * host tests drive it against a buffer; arch/x86/console.c owns the one
 * instance behind arch_console_write() and arch/x86/setup.c maps the
 * framebuffer for it.
 */
#pragma once

#include <stddef.h>

#include "boot/multiboot2.h"
#include "types.h"

/* The font (arch/x86/font.c): printable ASCII, 8x8, drawn 8x16. */
#define FONT_WIDTH		8
#define FONT_HEIGHT		8
#define FONT_FIRST		0x20
#define FONT_LAST		0x7e
#define FONT_GLYPHS		(FONT_LAST - FONT_FIRST + 1)
#define FONT_REPLACEMENT	'?'	/* drawn for bytes outside the font */
#define FONT_Y_STRETCH		2	/* each font row is drawn twice */

/* Bit 7 is the glyph's leftmost pixel; c outside the font gives '?'. */
u8 font_glyph_row(char c, unsigned int row);

/* Screens at least this wide draw every pixel of the font 2x2. */
#define FBCON_SCALE2_WIDTH	2560
/* The largest text grid kept; a larger screen uses its top-left part. */
#define FBCON_MAX_COLS		256
#define FBCON_MAX_ROWS		128
#define FBCON_TAB		8
/* Colours: light grey on black; the attribute byte for EGA text. */
#define FBCON_FG_RGB		0xc0c0c0
#define FBCON_BG_RGB		0x000000
#define FBCON_EGA_ATTR		0x07

/* Where an escape sequence being skipped stands. */
enum fbcon_esc {
	FBCON_ESC_NONE,
	FBCON_ESC_START,	/* after ESC */
	FBCON_ESC_CSI,		/* after ESC [: parameters until a final byte */
};

struct fbcon {
	u8 *base;		/* the framebuffer, mapped */
	struct boot_framebuffer fb;
	unsigned int scale;	/* pixels per font pixel across (1 or 2) */
	unsigned int cell_w;	/* a character cell in pixels */
	unsigned int cell_h;
	unsigned int bytes;	/* per pixel; 2 per cell for EGA text */
	unsigned int cols;	/* the text grid */
	unsigned int rows;
	unsigned int x;		/* the cursor; x == cols: wrap before the next character */
	unsigned int y;
	u32 fg;			/* packed pixel values */
	u32 bg;
	enum fbcon_esc esc;
	char grid[FBCON_MAX_ROWS * FBCON_MAX_COLS];	/* what is on the screen */
};

/*
 * Set fc up to draw on fb, mapped at base, and clear the screen; 0, or
 * -EINVAL if fb is not valid or too small for one character.
 */
int fbcon_init(struct fbcon *fc, const struct boot_framebuffer *fb, void *base);

/*
 * Draw n bytes as the UART would show them: '\n' starts a new line,
 * '\r', '\b' and '\t' move the cursor, a full line wraps, the last line
 * scrolls up, other control bytes and ANSI escape sequences are skipped,
 * bytes outside printable ASCII show as '?'.  The caller serialises calls.
 */
void fbcon_write(struct fbcon *fc, const char *s, size_t n);

/* The pixel value of colour 0xRRGGBB in fb's format (direct colour only). */
u32 fbcon_pack_rgb(const struct boot_framebuffer *fb, u32 rgb);

/* The character at (col, row) of the text grid, as drawn. */
char fbcon_char_at(const struct fbcon *fc, unsigned int col, unsigned int row);
