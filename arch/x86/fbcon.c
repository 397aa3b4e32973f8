/*
 * The screen console's renderer: characters on a direct-colour framebuffer
 * (8 to 32 bits per pixel, any field positions: multiboot2 spec 3.6.12,
 * framebuffer_type 1) or an EGA text buffer (type 2: a character byte and
 * an attribute byte per cell).
 *
 * The text on the screen is kept in fc->grid, and the framebuffer is only
 * ever written: reading a framebuffer back is slow on real hardware
 * (uncached or write-combining memory), so scrolling moves the grid and
 * redraws just the cells whose character changed.  No hardware access
 * beyond the stores, so the host tests draw into a buffer.
 */
#include "arch/x86/fbcon.h"
#include "lib/errno.h"
#include "lib/string.h"

#define ASCII_BS	0x08
#define ASCII_TAB	0x09
#define ASCII_LF	0x0a
#define ASCII_CR	0x0d
#define ASCII_ESC	0x1b
#define ASCII_DEL	0x7f
/* ECMA-48 5.4: a control sequence ends with a byte in 0x40-0x7e. */
#define CSI_FINAL_FIRST	0x40
#define CSI_FINAL_LAST	0x7e

/* One colour channel: its top size bits, at pos. */
static u32 pack_channel(u32 value8, u8 pos, u8 size)
{
	return (value8 >> (8 - size)) << pos;
}

u32 fbcon_pack_rgb(const struct boot_framebuffer *fb, u32 rgb)
{
	const struct mb2_framebuffer_rgb *c = &fb->rgb;

	return pack_channel((rgb >> 16) & 0xff, c->red_pos, c->red_size) |
	       pack_channel((rgb >> 8) & 0xff, c->green_pos, c->green_size) |
	       pack_channel(rgb & 0xff, c->blue_pos, c->blue_size);
}

/* Little-endian, as the framebuffer's fields are numbered from bit 0 of byte 0. */
static void put_pixel(u8 *p, unsigned int bytes, u32 v)
{
	switch (bytes) {
	case 4:
		*(u32 *)p = v;
		break;
	case 3:
		p[0] = (u8)v;
		p[1] = (u8)(v >> 8);
		p[2] = (u8)(v >> 16);
		break;
	case 2:
		*(u16 *)p = (u16)v;
		break;
	default:
		*p = (u8)v;
		break;
	}
}

static void draw_cell(struct fbcon *fc, unsigned int col, unsigned int row, char c)
{
	const struct boot_framebuffer *fb = &fc->fb;
	u8 *line;

	if (fb->type == MB2_FRAMEBUFFER_TYPE_EGA_TEXT) {
		u8 *cell = fc->base + (size_t)row * fb->pitch + (size_t)col * 2;

		cell[0] = (u8)c;
		cell[1] = FBCON_EGA_ATTR;
		return;
	}
	line = fc->base + (size_t)row * fc->cell_h * fb->pitch + (size_t)col * fc->cell_w * fc->bytes;
	for (unsigned int y = 0; y < fc->cell_h; y++, line += fb->pitch) {
		u8 bits = font_glyph_row(c, y / (FONT_Y_STRETCH * fc->scale));
		u8 *p = line;

		for (unsigned int x = 0; x < fc->cell_w; x++, p += fc->bytes) {
			bool ink = bits & (0x80 >> (x / fc->scale));

			put_pixel(p, fc->bytes, ink ? fc->fg : fc->bg);
		}
	}
}

/* Put c at (col, row) unless it is there already. */
static void set_cell(struct fbcon *fc, unsigned int col, unsigned int row, char c)
{
	char *g = &fc->grid[(size_t)row * fc->cols + col];

	if (*g == c)
		return;
	*g = c;
	draw_cell(fc, col, row, c);
}

static void clear_screen(struct fbcon *fc)
{
	const struct boot_framebuffer *fb = &fc->fb;

	memset(fc->grid, ' ', sizeof(fc->grid));
	if (fb->type == MB2_FRAMEBUFFER_TYPE_EGA_TEXT) {
		for (unsigned int row = 0; row < fb->height; row++)
			for (unsigned int col = 0; col < fb->width; col++)
				draw_cell(fc, col, row, ' ');
		return;
	}
	/* The whole screen, also the margin right of and below the grid. */
	for (unsigned int y = 0; y < fb->height; y++) {
		u8 *p = fc->base + (size_t)y * fb->pitch;

		for (unsigned int x = 0; x < fb->width; x++, p += fc->bytes)
			put_pixel(p, fc->bytes, fc->bg);
	}
}

/* Every line one up, a blank one at the bottom; redraw what changed. */
static void scroll(struct fbcon *fc)
{
	for (unsigned int row = 0; row + 1 < fc->rows; row++)
		for (unsigned int col = 0; col < fc->cols; col++)
			set_cell(fc, col, row, fc->grid[(size_t)(row + 1) * fc->cols + col]);
	for (unsigned int col = 0; col < fc->cols; col++)
		set_cell(fc, col, fc->rows - 1, ' ');
}

static void newline(struct fbcon *fc)
{
	fc->x = 0;
	if (fc->y + 1 < fc->rows)
		fc->y++;
	else
		scroll(fc);
}

static void put_char(struct fbcon *fc, char c)
{
	if (fc->x == fc->cols)
		newline(fc);
	set_cell(fc, fc->x, fc->y, c);
	fc->x++;
}

/* Skip ESC c and ESC [ params final; true while inside one. */
static bool skip_escape(struct fbcon *fc, u8 c)
{
	switch (fc->esc) {
	case FBCON_ESC_START:
		fc->esc = c == '[' ? FBCON_ESC_CSI : FBCON_ESC_NONE;
		return true;
	case FBCON_ESC_CSI:
		if (c >= CSI_FINAL_FIRST && c <= CSI_FINAL_LAST)
			fc->esc = FBCON_ESC_NONE;
		return true;
	default:
		if (c != ASCII_ESC)
			return false;
		fc->esc = FBCON_ESC_START;
		return true;
	}
}

static void write_byte(struct fbcon *fc, u8 c)
{
	if (skip_escape(fc, c))
		return;
	switch (c) {
	case ASCII_LF:
		newline(fc);
		break;
	case ASCII_CR:
		fc->x = 0;
		break;
	case ASCII_BS:
		/*
		 * After a full line the cursor waits past the last column; back
		 * onto it, so that the monitor's "\b \b" erases the last
		 * character typed there.
		 */
		if (fc->x == fc->cols)
			fc->x--;
		else if (fc->x)
			fc->x--;
		break;
	case ASCII_TAB:
		do {
			put_char(fc, ' ');
		} while (fc->x % FBCON_TAB && fc->x < fc->cols);
		break;
	default:
		if (c < FONT_FIRST || c == ASCII_DEL)
			break;	/* other control bytes draw nothing */
		put_char(fc, c > FONT_LAST ? FONT_REPLACEMENT : (char)c);
		break;
	}
}

void fbcon_write(struct fbcon *fc, const char *s, size_t n)
{
	if (!fc->base)
		return;
	for (size_t i = 0; i < n; i++)
		write_byte(fc, (u8)s[i]);
}

char fbcon_char_at(const struct fbcon *fc, unsigned int col, unsigned int row)
{
	if (col >= fc->cols || row >= fc->rows)
		return '\0';
	return fc->grid[(size_t)row * fc->cols + col];
}

int fbcon_init(struct fbcon *fc, const struct boot_framebuffer *fb, void *base)
{
	memset(fc, 0, offsetof(struct fbcon, grid));
	if (!fb->valid || !base)
		return -EINVAL;
	fc->fb = *fb;
	if (fb->type == MB2_FRAMEBUFFER_TYPE_EGA_TEXT) {
		fc->scale = 1;
		fc->cell_w = 1;
		fc->cell_h = 1;
		fc->bytes = 2;
	} else {
		fc->scale = fb->width >= FBCON_SCALE2_WIDTH ? 2 : 1;
		fc->cell_w = FONT_WIDTH * fc->scale;
		fc->cell_h = FONT_HEIGHT * FONT_Y_STRETCH * fc->scale;
		fc->bytes = (fb->bpp + 7) / 8;
		fc->fg = fbcon_pack_rgb(fb, FBCON_FG_RGB);
		fc->bg = fbcon_pack_rgb(fb, FBCON_BG_RGB);
	}
	fc->cols = MIN(fb->width / fc->cell_w, (u32)FBCON_MAX_COLS);
	fc->rows = MIN(fb->height / fc->cell_h, (u32)FBCON_MAX_ROWS);
	if (!fc->cols || !fc->rows)
		return -EINVAL;
	fc->base = base;
	clear_screen(fc);
	return 0;
}
