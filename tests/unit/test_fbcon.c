/*
 * The screen console's renderer (arch/x86/fbcon.c) against framebuffers in
 * memory: 32 bpp XRGB, 24 bpp, 16 bpp 5:6:5, 15 bpp, 8 bpp 3:3:2, the 2x
 * scale of large screens and EGA text.  Every check of the picture reads
 * each pixel back and compares it with the font (font_glyph_row()), so a
 * stale cell after a scroll, a byte written past a line or a wrong pixel
 * format fails.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "arch/x86/fbcon.h"
#include "lib/errno.h"

#define SENTINEL 0x5a	/* fills the buffer: the pitch's padding must keep it */

static struct fbcon fc;

static struct boot_framebuffer rgb_fb(u32 w, u32 h, u8 bpp, u32 pitch, const u8 fields[6])
{
	struct boot_framebuffer fb = {
		.valid = true, .type = MB2_FRAMEBUFFER_TYPE_RGB, .bpp = bpp,
		.addr = 0xfd000000, .size = (u64)pitch * h, .pitch = pitch,
		.width = w, .height = h,
	};

	memcpy(&fb.rgb, fields, 6);
	return fb;
}

static u8 *new_buffer(const struct boot_framebuffer *fb)
{
	u8 *buf = malloc(fb->size);

	assert_non_null(buf);
	memset(buf, SENTINEL, fb->size);
	return buf;
}

static u32 get_pixel(const u8 *p, unsigned int bytes)
{
	u32 v = 0;

	for (unsigned int i = 0; i < bytes; i++)
		v |= (u32)p[i] << (8 * i);
	return v;
}

/* The cell at (col, row) shows c, pixel for pixel. */
static void check_cell(const u8 *buf, unsigned int col, unsigned int row, char c)
{
	const struct boot_framebuffer *fb = &fc.fb;

	for (unsigned int y = 0; y < fc.cell_h; y++) {
		u8 bits = font_glyph_row(c, y / (FONT_Y_STRETCH * fc.scale));

		for (unsigned int x = 0; x < fc.cell_w; x++) {
			const u8 *p = buf + (size_t)(row * fc.cell_h + y) * fb->pitch +
				      (size_t)(col * fc.cell_w + x) * fc.bytes;
			u32 want = bits & (0x80 >> (x / fc.scale)) ? fc.fg : fc.bg;
			u32 got = get_pixel(p, fc.bytes);

			if (got != want)
				fail_msg("cell (%u, %u) '%c': pixel (%u, %u) is 0x%x, not 0x%x",
					 col, row, c, x, y, got, want);
		}
	}
}

/* The whole screen: every cell as the grid says, the padding untouched. */
static void check_screen(const u8 *buf)
{
	const struct boot_framebuffer *fb = &fc.fb;

	for (unsigned int row = 0; row < fc.rows; row++)
		for (unsigned int col = 0; col < fc.cols; col++)
			check_cell(buf, col, row, fbcon_char_at(&fc, col, row));
	for (unsigned int y = 0; y < fb->height; y++)
		for (size_t i = (size_t)fb->width * fc.bytes; i < fb->pitch; i++)
			assert_int_equal(buf[(size_t)y * fb->pitch + i], SENTINEL);
}

/* Row row of the grid reads s, then blanks. */
static void check_row(unsigned int row, const char *s)
{
	for (unsigned int col = 0; col < fc.cols; col++) {
		char want = *s ? *s++ : ' ';

		if (fbcon_char_at(&fc, col, row) != want)
			fail_msg("row %u col %u is '%c', not '%c'", row, col,
				 fbcon_char_at(&fc, col, row), want);
	}
}

static void put(const char *s)
{
	fbcon_write(&fc, s, strlen(s));
}

static const u8 xrgb8888[6] = { 16, 8, 8, 8, 0, 8 };
static const u8 rgb565[6] = { 11, 5, 5, 6, 0, 5 };
static const u8 rgb555[6] = { 10, 5, 5, 5, 0, 5 };
static const u8 rgb332[6] = { 5, 3, 2, 3, 0, 2 };
static const u8 bgr888[6] = { 0, 8, 8, 8, 16, 8 };

static void pixel_values(void **state)
{
	struct boot_framebuffer fb = rgb_fb(8, 16, 32, 32, xrgb8888);

	assert_int_equal(fbcon_pack_rgb(&fb, 0xc0c0c0), 0xc0c0c0);
	assert_int_equal(fbcon_pack_rgb(&fb, 0x123456), 0x123456);
	fb = rgb_fb(8, 16, 24, 24, bgr888);
	assert_int_equal(fbcon_pack_rgb(&fb, 0x123456), 0x563412);
	fb = rgb_fb(8, 16, 16, 16, rgb565);
	assert_int_equal(fbcon_pack_rgb(&fb, 0xc0c0c0), (24 << 11) | (48 << 5) | 24);
	assert_int_equal(fbcon_pack_rgb(&fb, 0xffffff), 0xffff);
	fb = rgb_fb(8, 16, 15, 16, rgb555);
	assert_int_equal(fbcon_pack_rgb(&fb, 0xffffff), 0x7fff);
	fb = rgb_fb(8, 16, 8, 8, rgb332);
	assert_int_equal(fbcon_pack_rgb(&fb, 0xc0c0c0), (6 << 5) | (6 << 2) | 3);
}

/* Text, a wrapped line and a scroll in one pixel format. */
static void text_wrap_scroll(u8 bpp, const u8 fields[6], u32 pitch_pad)
{
	unsigned int bytes = (bpp + 7) / 8;
	struct boot_framebuffer fb = rgb_fb(85, 70, bpp, 85 * bytes + pitch_pad, fields);
	u8 *buf = new_buffer(&fb);
	char line[32];

	assert_int_equal(fbcon_init(&fc, &fb, buf), 0);
	assert_int_equal(fc.cols, 10);	/* 85 / 8, the 5 pixels left over stay background */
	assert_int_equal(fc.rows, 4);	/* 70 / 16 */
	assert_int_equal(fc.fg, fbcon_pack_rgb(&fb, FBCON_FG_RGB));
	check_screen(buf);

	put("Hi, #0~");
	check_row(0, "Hi, #0~");
	check_screen(buf);
	/* Ten characters fill the line; the eleventh wraps. */
	put("\r0123456789ab");
	check_row(0, "0123456789");
	check_row(1, "ab");
	check_screen(buf);
	/* Two more lines fill the screen, the next scrolls it. */
	put("\nline 2\nline 3\nline 4");
	check_row(0, "ab");
	check_row(3, "line 4");
	check_screen(buf);
	for (int i = 5; i < 12; i++) {
		snprintf(line, sizeof(line), "\nline %d", i);
		put(line);
	}
	check_row(0, "line 8");
	check_row(1, "line 9");
	check_row(2, "line 10");
	check_row(3, "line 11");
	check_screen(buf);
	/* A line ending exactly at the width: the newline does not add a blank line. */
	put("\nXXXXXXXXXX\nY");
	check_row(2, "XXXXXXXXXX");
	check_row(3, "Y");
	check_screen(buf);
	free(buf);
}

static void xrgb8888_32bpp(void **state)
{
	text_wrap_scroll(32, xrgb8888, 12);
}

static void rgb888_24bpp(void **state)
{
	text_wrap_scroll(24, bgr888, 1);
}

static void rgb565_16bpp(void **state)
{
	text_wrap_scroll(16, rgb565, 6);
}

static void rgb555_15bpp(void **state)
{
	text_wrap_scroll(15, rgb555, 0);
}

static void rgb332_8bpp(void **state)
{
	text_wrap_scroll(8, rgb332, 3);
}

/* CR, backspace, tab, ANSI escapes, bytes outside the font. */
static void control_bytes(void **state)
{
	struct boot_framebuffer fb = rgb_fb(160, 64, 32, 640, xrgb8888);
	u8 *buf = new_buffer(&fb);

	assert_int_equal(fbcon_init(&fc, &fb, buf), 0);
	assert_int_equal(fc.cols, 20);
	put("abc\rX\b\bYZ\n");
	check_row(0, "YZc");
	put("\tT\tU\n");
	check_row(1, "        T       U");
	put("\x1b[1;31mred\x1b[0m \x1b" "7ok\x1b[K\n");
	check_row(2, "red ok");
	put("\x01\x7f\xc3\xa9!\n");
	check_row(2, "?" "?!");	/* the newline scrolled */
	/* Backspace after a full line moves back from its end. */
	put("01234567890123456789\bZ");
	check_row(0, "        T       U");
	check_row(1, "red ok");
	check_row(2, "?" "?!");
	check_row(3, "0123456789012345678Z");
	check_screen(buf);
	free(buf);
}

/* From FBCON_SCALE2_WIDTH across, every font pixel is 2x2. */
static void large_screen_scale2(void **state)
{
	struct boot_framebuffer fb = rgb_fb(FBCON_SCALE2_WIDTH, 64, 32, FBCON_SCALE2_WIDTH * 4,
					    xrgb8888);
	u8 *buf = new_buffer(&fb);

	assert_int_equal(fbcon_init(&fc, &fb, buf), 0);
	assert_int_equal(fc.scale, 2);
	assert_int_equal(fc.cell_w, 16);
	assert_int_equal(fc.cell_h, 32);
	assert_int_equal(fc.cols, FBCON_SCALE2_WIDTH / 16);
	assert_int_equal(fc.rows, 2);
	put("slotvisor\nok\nscrolled");
	check_row(0, "ok");
	check_row(1, "scrolled");
	check_screen(buf);
	free(buf);
}

/* EGA text: a character and an attribute byte per cell. */
static void ega_text(void **state)
{
	struct boot_framebuffer fb = {
		.valid = true, .type = MB2_FRAMEBUFFER_TYPE_EGA_TEXT, .bpp = 16,
		.addr = 0xb8000, .size = 160 * 25, .pitch = 160, .width = 80, .height = 25,
	};
	u8 *buf = new_buffer(&fb);

	assert_int_equal(fbcon_init(&fc, &fb, buf), 0);
	assert_int_equal(fc.cols, 80);
	assert_int_equal(fc.rows, 25);
	for (size_t i = 0; i < fb.size; i += 2) {
		assert_int_equal(buf[i], ' ');
		assert_int_equal(buf[i + 1], FBCON_EGA_ATTR);
	}
	put("A\nBC");
	assert_int_equal(buf[0], 'A');
	assert_int_equal(buf[1], FBCON_EGA_ATTR);
	assert_int_equal(buf[160], 'B');
	assert_int_equal(buf[162], 'C');
	for (int i = 0; i < 24; i++)
		put("\n");
	/* Scrolled: B C on row 0, the last row blank. */
	assert_int_equal(buf[0], 'B');
	assert_int_equal(buf[2], 'C');
	assert_int_equal(buf[160], ' ');
	for (unsigned int row = 0; row < fc.rows; row++)
		for (unsigned int col = 0; col < fc.cols; col++)
			assert_int_equal(buf[row * 160 + col * 2], fbcon_char_at(&fc, col, row));
	free(buf);
}

/* A framebuffer too small for a character, or none: no screen, writes are no-ops. */
static void refused(void **state)
{
	struct boot_framebuffer fb = rgb_fb(7, 100, 32, 28, xrgb8888);
	struct boot_framebuffer none = { 0 };
	u8 *buf = new_buffer(&fb);

	assert_int_equal(fbcon_init(&fc, &fb, buf), -EINVAL);
	put("nothing");
	for (size_t i = 0; i < fb.size; i++)
		assert_int_equal(buf[i], SENTINEL);
	assert_int_equal(fbcon_init(&fc, &none, buf), -EINVAL);
	put("nothing");
	assert_int_equal(buf[0], SENTINEL);
	free(buf);
}

/* The font: every printable character has a glyph of its own. */
static void font_glyphs_differ(void **state)
{
	for (int a = FONT_FIRST; a <= FONT_LAST; a++) {
		for (int b = a + 1; b <= FONT_LAST; b++) {
			bool same = true;

			for (unsigned int r = 0; r < FONT_HEIGHT && same; r++)
				same = font_glyph_row((char)a, r) == font_glyph_row((char)b, r);
			if (same)
				fail_msg("'%c' and '%c' have the same glyph", a, b);
		}
	}
	for (unsigned int r = 0; r < FONT_HEIGHT; r++) {
		assert_int_equal(font_glyph_row(' ', r), 0);
		assert_int_equal(font_glyph_row('\x01', r), font_glyph_row('?', r));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pixel_values),
		cmocka_unit_test(xrgb8888_32bpp),
		cmocka_unit_test(rgb888_24bpp),
		cmocka_unit_test(rgb565_16bpp),
		cmocka_unit_test(rgb555_15bpp),
		cmocka_unit_test(rgb332_8bpp),
		cmocka_unit_test(control_bytes),
		cmocka_unit_test(large_screen_scale2),
		cmocka_unit_test(ega_text),
		cmocka_unit_test(refused),
		cmocka_unit_test(font_glyphs_differ),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
