/* mb2_parse on boot information built in the test, good and malformed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "capture.h"
#include "boot/multiboot2.h"
#include "lib/errno.h"

/* A boot information buffer being built, 8-aligned like the loader's. */
struct mbi {
	u64 words[2048];
	u32 len;
};

static struct mbi mbi;
static struct boot_info bi;

static u8 *mb_bytes(void)
{
	return (u8 *)mbi.words;
}

static struct mb2_tag *mb_at(u32 off)
{
	return (struct mb2_tag *)(mb_bytes() + off);
}

static void mb_begin(void)
{
	memset(&mbi, 0, sizeof(mbi));
	mbi.len = sizeof(struct mb2_info_header);
}

/* Append a tag of n payload bytes, padded to 8; returns its offset. */
static u32 mb_tag(u32 type, const void *payload, u32 n)
{
	struct mb2_tag t = { .type = type, .size = sizeof(t) + n };
	u32 off = mbi.len;

	assert_true(off + ALIGN_UP(t.size, 8u) <= sizeof(mbi.words));
	memcpy(mb_bytes() + off, &t, sizeof(t));
	if (n) {
		memcpy(mb_bytes() + off + sizeof(t), payload, n);
	}
	mbi.len += ALIGN_UP(t.size, 8u);
	return off;
}

static u32 mb_string(u32 type, const char *s)
{
	return mb_tag(type, s, strlen(s) + 1);
}

static u32 mb_module(u32 start, u32 end, const char *cmdline)
{
	u8 buf[256];
	size_t n = strlen(cmdline) + 1;

	memcpy(buf, &start, 4);
	memcpy(buf + 4, &end, 4);
	memcpy(buf + 8, cmdline, n);
	return mb_tag(MB2_TAG_MODULE, buf, 8 + n);
}

/* A memory map of n entries spaced entry_size apart (>= 24 unless testing). */
static u32 mb_mmap(const struct mb2_mmap_entry *e, u32 n, u32 entry_size)
{
	static u8 buf[8 + 200 * 32];
	u32 version = 0, i;

	assert_true(n <= 200 && entry_size <= 32);
	memset(buf, 0, sizeof(buf));
	memcpy(buf, &entry_size, 4);
	memcpy(buf + 4, &version, 4);
	for (i = 0; i < n; i++) {
		memcpy(buf + 8 + i * entry_size, &e[i], MIN(entry_size, (u32)sizeof(*e)));
	}
	return mb_tag(MB2_TAG_MMAP, buf, 8 + n * entry_size);
}

static void mb_set_total(u32 total)
{
	memcpy(mb_bytes(), &total, 4);
}

/* Append the end tag and set total_size to cover everything. */
static u32 mb_end(void)
{
	u32 off = mb_tag(MB2_TAG_END, NULL, 0);

	mb_set_total(mbi.len);
	return off;
}

static int parse(void)
{
	return mb2_parse(mbi.words, sizeof(mbi.words), &bi);
}

static const struct mb2_mmap_entry qemu_mmap[] = {
	{ 0x0, 0x9fc00, MB2_MEMORY_AVAILABLE, 0 },
	{ 0x9fc00, 0x400, MB2_MEMORY_RESERVED, 0 },
	{ 0xf0000, 0x10000, MB2_MEMORY_RESERVED, 0 },
	{ 0x100000, 0x7ee0000, MB2_MEMORY_AVAILABLE, 0 },
	{ 0x7fe0000, 0x20000, MB2_MEMORY_ACPI_RECLAIMABLE, 0 },
	{ 0xfffc0000, 0x40000, MB2_MEMORY_RESERVED, 0 },
	{ 0x100000000ull, 0x40000000ull, MB2_MEMORY_AVAILABLE, 0 },
};

/* A minimal valid info: a memory map and the end tag. */
static u32 mb_minimal_mmap(void)
{
	return mb_mmap(qemu_mmap, ARRAY_SIZE(qemu_mmap), 24);
}

static u8 rsdp_v1[20] = "RSD PTR ";
static u8 rsdp_v2[36] = "RSD PTR ";

static void expect_error(const char *substring)
{
	assert_int_equal(parse(), -EINVAL);
	if (!strstr(bi.error, substring)) {
		fail_msg("error \"%s\" lacks \"%s\"", bi.error, substring);
	}
}

static bool inside_mbi(const void *p)
{
	return (const u8 *)p >= mb_bytes() && (const u8 *)p < mb_bytes() + mbi.len;
}

static void good_info(void **state)
{
	u8 fb[24] = { 0 };
	u32 name_off, acpi_off;
	unsigned int i;

	mb_begin();
	mb_string(MB2_TAG_CMDLINE, "slotvisor.test=boot.* quiet");
	name_off = mb_string(MB2_TAG_LOADER_NAME, "GRUB 2.06");
	mb_tag(MB2_TAG_FRAMEBUFFER, fb, sizeof(fb));
	mb_minimal_mmap();
	mb_module(0x200000, 0x201234, "guest.bin slot=0");
	mb_module(0x202000, 0x202000, "");
	mb_tag(MB2_TAG_ACPI_OLD, rsdp_v1, sizeof(rsdp_v1));
	acpi_off = mb_tag(MB2_TAG_ACPI_NEW, rsdp_v2, sizeof(rsdp_v2));
	mb_end();

	assert_int_equal(parse(), 0);
	assert_string_equal(bi.error, "");
	assert_int_equal(bi.total_size, mbi.len);
	assert_string_equal(bi.cmdline, "slotvisor.test=boot.* quiet");
	assert_true(inside_mbi(bi.cmdline));
	assert_ptr_equal(bi.loader_name, mb_bytes() + name_off + 8);
	assert_int_equal(bi.nr_mmap, ARRAY_SIZE(qemu_mmap));
	for (i = 0; i < ARRAY_SIZE(qemu_mmap); i++) {
		assert_int_equal(bi.mmap[i].addr, qemu_mmap[i].addr);
		assert_int_equal(bi.mmap[i].len, qemu_mmap[i].len);
		assert_int_equal(bi.mmap[i].type, qemu_mmap[i].type);
	}
	assert_int_equal(bi.nr_modules, 2);
	assert_int_equal(bi.modules[0].start, 0x200000);
	assert_int_equal(bi.modules[0].end, 0x201234);
	assert_string_equal(bi.modules[0].cmdline, "guest.bin slot=0");
	assert_true(inside_mbi(bi.modules[0].cmdline));
	assert_int_equal(bi.modules[1].start, bi.modules[1].end);
	assert_string_equal(bi.modules[1].cmdline, "");
	assert_ptr_equal(bi.rsdp, mb_bytes() + acpi_off + 8);
	assert_int_equal(bi.rsdp_len, 36);
	assert_true(bi.rsdp_v2);
	assert_int_equal(bi.dropped, 0);
}

static void defaults(void **state)
{
	mb_begin();
	mb_minimal_mmap();
	mb_end();
	assert_int_equal(parse(), 0);
	assert_string_equal(bi.cmdline, "");
	assert_string_equal(bi.loader_name, "");
	assert_null(bi.rsdp);
	assert_int_equal(bi.rsdp_len, 0);
	assert_int_equal(bi.nr_modules, 0);
}

static void acpi_tags(void **state)
{
	u32 off;

	/* Only the old tag: a 20-byte copy. */
	mb_begin();
	mb_minimal_mmap();
	off = mb_tag(MB2_TAG_ACPI_OLD, rsdp_v1, sizeof(rsdp_v1));
	mb_end();
	assert_int_equal(parse(), 0);
	assert_ptr_equal(bi.rsdp, mb_bytes() + off + 8);
	assert_int_equal(bi.rsdp_len, 20);
	assert_false(bi.rsdp_v2);

	/* The new tag wins even when the old one comes after it. */
	mb_begin();
	off = mb_tag(MB2_TAG_ACPI_NEW, rsdp_v2, sizeof(rsdp_v2));
	mb_tag(MB2_TAG_ACPI_OLD, rsdp_v1, sizeof(rsdp_v1));
	mb_minimal_mmap();
	mb_end();
	assert_int_equal(parse(), 0);
	assert_ptr_equal(bi.rsdp, mb_bytes() + off + 8);
	assert_true(bi.rsdp_v2);

	/* A "new" tag too short for a v2 RSDP. */
	mb_begin();
	mb_minimal_mmap();
	mb_tag(MB2_TAG_ACPI_NEW, rsdp_v2, 20);
	mb_end();
	expect_error("ACPI tag type 15");
}

static void unknown_tags_skipped(void **state)
{
	u8 junk[13] = "not a string";

	mb_begin();
	mb_tag(0x1234, junk, sizeof(junk));	/* size 21, padded to 24 */
	mb_tag(MB2_TAG_ELF_SECTIONS, junk, 5);
	mb_string(MB2_TAG_CMDLINE, "after");
	mb_minimal_mmap();
	mb_end();
	assert_int_equal(parse(), 0);
	assert_string_equal(bi.cmdline, "after");
	assert_int_equal(bi.nr_mmap, ARRAY_SIZE(qemu_mmap));
}

static void tag_past_end(void **state)
{
	char want[128];
	u32 off;

	mb_begin();
	mb_string(MB2_TAG_CMDLINE, "x");
	off = mb_minimal_mmap();
	mb_end();
	mb_at(off)->size = 0x400;
	snprintf(want, sizeof(want),
		 "multiboot2: tag type 6 at offset 0x%x has size 0x400 past the end of the info (0x%x bytes)",
		 off, mbi.len);
	assert_int_equal(parse(), -EINVAL);
	assert_string_equal(bi.error, want);

	/* One byte over is as bad as a kilobyte. */
	mb_at(off)->size = mbi.len - off + 1;
	expect_error("past the end of the info");

	/* Fitting but swallowing the end tag leaves the info without one. */
	mb_at(off)->size = mbi.len - off - 8 + 1;
	expect_error("no end tag");
}

static void tag_too_small(void **state)
{
	u32 off;

	mb_begin();
	off = mb_string(MB2_TAG_CMDLINE, "x");
	mb_minimal_mmap();
	mb_end();
	mb_at(off)->size = 4;
	expect_error("less than its 8-byte header");
}

static void bad_total_size(void **state)
{
	mb_begin();
	mb_minimal_mmap();
	mb_end();

	mb_set_total(4);
	expect_error("multiboot2: total_size 0x4 is smaller than the header");
	mb_set_total(8);	/* a header but no room for the end tag */
	expect_error("total_size 0x8 is smaller than the header");
	mb_set_total(mbi.len + 4);
	expect_error("is not a multiple of 8");
	mb_set_total(mbi.len);
	assert_int_equal(mb2_parse(mbi.words, mbi.len - 8, &bi), -EINVAL);
	assert_non_null(strstr(bi.error, "larger than the"));
	assert_int_equal(mb2_parse(mbi.words, 4, &bi), -EINVAL);
	assert_non_null(strstr(bi.error, "less than the 8-byte header"));
	assert_int_equal(mb2_parse(mbi.words, mbi.len, &bi), 0);
}

static void bad_pointer(void **state)
{
	mb_begin();
	mb_minimal_mmap();
	mb_end();
	assert_int_equal(mb2_parse(NULL, 4096, &bi), -EINVAL);
	assert_non_null(strstr(bi.error, "NULL"));
	assert_int_equal(mb2_parse(mb_bytes() + 4, 4096, &bi), -EINVAL);
	assert_non_null(strstr(bi.error, "not 8-byte aligned"));
}

static void no_end_tag(void **state)
{
	mb_begin();
	mb_minimal_mmap();
	mb_set_total(mbi.len);
	expect_error("multiboot2: no end tag");

	/* An end tag must be exactly 8 bytes. */
	mb_begin();
	mb_minimal_mmap();
	mb_tag(MB2_TAG_END, "\0\0\0\0\0\0\0", 8);
	mb_set_total(mbi.len);
	expect_error("end tag at offset");
}

static void end_tag_stops_walk(void **state)
{
	u32 off;

	/* Whatever follows the end tag is not looked at. */
	mb_begin();
	mb_minimal_mmap();
	mb_end();
	off = mb_tag(0x77, NULL, 0);
	mb_at(off)->size = 0xffffffff;
	mb_set_total(mbi.len);
	assert_int_equal(parse(), 0);
}

static void no_mmap(void **state)
{
	mb_begin();
	mb_string(MB2_TAG_CMDLINE, "quiet");
	mb_end();
	expect_error("multiboot2: no memory map (tag type 6 or 17)");
}

static void module_end_before_start(void **state)
{
	mb_begin();
	mb_minimal_mmap();
	mb_module(0x200000, 0x201000, "a");
	mb_module(0x300000, 0x300000, "b");
	mb_module(0x400000, 0x3fffff, "c");
	mb_end();
	expect_error("multiboot2: module 2 ends before it starts");
}

static void bad_mmap_entry_size(void **state)
{
	mb_begin();
	mb_mmap(qemu_mmap, 2, 16);
	mb_end();
	expect_error("multiboot2: mmap entry_size 0x10 is smaller than 24");

	mb_begin();
	mb_mmap(qemu_mmap, 2, 28);
	mb_end();
	expect_error("mmap entry_size 0x1c is not a multiple of 8");
}

static void larger_mmap_entries(void **state)
{
	mb_begin();
	mb_mmap(qemu_mmap, ARRAY_SIZE(qemu_mmap), 32);
	mb_end();
	assert_int_equal(parse(), 0);
	assert_int_equal(bi.nr_mmap, ARRAY_SIZE(qemu_mmap));
	assert_int_equal(bi.mmap[3].addr, 0x100000);
	assert_int_equal(bi.mmap[6].len, 0x40000000ull);
	assert_int_equal(bi.mmap[4].type, MB2_MEMORY_ACPI_RECLAIMABLE);
}

static void unterminated_strings(void **state)
{
	u8 mod[8 + 3] = { 0, 0, 0x20, 0, 0, 0, 0x21, 0, 'a', 'b', 'c' };

	/* The padding after the tag holds NULs: they must not count. */
	mb_begin();
	mb_tag(MB2_TAG_CMDLINE, "abc", 3);
	mb_minimal_mmap();
	mb_end();
	expect_error("tag type 1 at offset 0x8: string is not NUL-terminated");

	mb_begin();
	mb_minimal_mmap();
	mb_tag(MB2_TAG_LOADER_NAME, NULL, 0);	/* no room for even a NUL */
	mb_end();
	expect_error("tag type 2 at offset");

	mb_begin();
	mb_minimal_mmap();
	mb_tag(MB2_TAG_MODULE, mod, sizeof(mod));
	mb_end();
	expect_error("tag type 3 at offset");

	mb_begin();
	mb_minimal_mmap();
	mb_tag(MB2_TAG_MODULE, mod, 4);	/* not even room for mod_end */
	mb_end();
	expect_error("module tag at offset");
}

static void too_many_mmap_entries(void **state)
{
	static struct mb2_mmap_entry many[BOOT_MMAP_MAX + 5];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(many); i++) {
		many[i].addr = (u64)i << 20;
		many[i].len = 0x1000;
		many[i].type = MB2_MEMORY_AVAILABLE;
	}
	mb_begin();
	mb_mmap(many, ARRAY_SIZE(many), 24);
	mb_end();
	assert_int_equal(parse(), 0);
	assert_int_equal(bi.nr_mmap, BOOT_MMAP_MAX);
	assert_int_equal(bi.dropped, 5);
	assert_int_equal(bi.mmap[0].addr, 0);
	assert_int_equal(bi.mmap[BOOT_MMAP_MAX - 1].addr, (u64)(BOOT_MMAP_MAX - 1) << 20);
}

static void too_many_modules(void **state)
{
	char name[16];
	unsigned int i;

	mb_begin();
	mb_minimal_mmap();
	for (i = 0; i < BOOT_MODULES_MAX + 2; i++) {
		snprintf(name, sizeof(name), "m%u", i);
		mb_module(0x1000000 + i * 0x1000, 0x1000000 + i * 0x1000 + 0x800, name);
	}
	mb_end();
	assert_int_equal(parse(), 0);
	assert_int_equal(bi.nr_modules, BOOT_MODULES_MAX);
	assert_int_equal(bi.dropped, 2);
	assert_string_equal(bi.modules[BOOT_MODULES_MAX - 1].cmdline, "m15");
}

static void type_names(void **state)
{
	assert_string_equal(mb2_mmap_type_name(1), "available");
	assert_string_equal(mb2_mmap_type_name(2), "reserved");
	assert_string_equal(mb2_mmap_type_name(3), "ACPI reclaimable");
	assert_string_equal(mb2_mmap_type_name(4), "ACPI NVS");
	assert_string_equal(mb2_mmap_type_name(5), "bad");
	assert_string_equal(mb2_mmap_type_name(0), "reserved");
	assert_string_equal(mb2_mmap_type_name(99), "reserved");
}

static void print_lines(void **state)
{
	static char out[8192];
	static const char *const want[] = {
		"boot: loader \"GRUB 2.06\"\n",
		"boot: command line \"console=ttyS0\"\n",
		"boot:  [mem 0x0000000000000000-0x000000000009fbff] available\n",
		"boot:  [mem 0x0000000007fe0000-0x0000000007ffffff] ACPI reclaimable\n",
		"boot:  [mem 0x0000000100000000-0x000000013fffffff] available\n",
		"boot: module 0 [0x0000000000200000-0x0000000000200fff] 4096 bytes \"guest slot=1\"\n",
	};
	unsigned int i;

	mb_begin();
	mb_string(MB2_TAG_LOADER_NAME, "GRUB 2.06");
	mb_string(MB2_TAG_CMDLINE, "console=ttyS0");
	mb_minimal_mmap();
	mb_module(0x200000, 0x201000, "guest slot=1");
	mb_end();
	assert_int_equal(parse(), 0);
	capture_begin();
	mb2_print(&bi);
	capture_end(out, sizeof(out));
	for (i = 0; i < ARRAY_SIZE(want); i++) {
		if (!strstr(out, want[i])) {
			fail_msg("mb2_print output lacks %s---\n%s", want[i], out);
		}
	}
}

/* A framebuffer-info tag (spec 3.6.12): the common part, then n colour bytes. */
static u32 mb_fb(u64 addr, u32 pitch, u32 w, u32 h, u8 bpp, u8 type, const u8 *color, u32 n)
{
	u8 buf[24 + 16] = { 0 };

	assert_true(n <= 16);
	memcpy(buf, &addr, 8);
	memcpy(buf + 8, &pitch, 4);
	memcpy(buf + 12, &w, 4);
	memcpy(buf + 16, &h, 4);
	buf[20] = bpp;
	buf[21] = type;
	if (n)
		memcpy(buf + 24, color, n);
	return mb_tag(MB2_TAG_FRAMEBUFFER, buf, 24 + n);
}

static const u8 xrgb8888[6] = { 16, 8, 8, 8, 0, 8 };
static const u8 rgb565[6] = { 11, 5, 5, 6, 0, 5 };

/* QEMU std-vga's modes through GRUB, and GRUB's text-mode tag. */
static void framebuffer_tags(void **state)
{
	static char out[8192];

	mb_begin();
	mb_minimal_mmap();
	mb_fb(0xfd000000, 2400, 800, 600, 24, MB2_FRAMEBUFFER_TYPE_RGB, xrgb8888, 6);
	mb_end();
	assert_int_equal(parse(), 0);
	assert_true(bi.fb.valid);
	assert_string_equal(bi.fb_error, "");
	assert_int_equal(bi.fb.addr, 0xfd000000);
	assert_int_equal(bi.fb.size, 2400 * 600);
	assert_int_equal(bi.fb.width, 800);
	assert_int_equal(bi.fb.height, 600);
	assert_int_equal(bi.fb.pitch, 2400);
	assert_int_equal(bi.fb.bpp, 24);
	assert_int_equal(bi.fb.type, MB2_FRAMEBUFFER_TYPE_RGB);
	assert_int_equal(bi.fb.rgb.red_pos, 16);
	assert_int_equal(bi.fb.rgb.green_size, 8);
	assert_int_equal(bi.fb.rgb.blue_pos, 0);
	capture_begin();
	mb2_print(&bi);
	capture_end(out, sizeof(out));
	assert_non_null(strstr(out, "boot: framebuffer: 800x600 24 bpp at 0xfd000000, pitch 2400, "
				    "red 16:8 green 8:8 blue 0:8\n"));

	/* 16 bpp 5:6:5 above 4 GiB, padded pitch. */
	mb_begin();
	mb_fb(0x800000000ull, 2048, 1000, 700, 16, MB2_FRAMEBUFFER_TYPE_RGB, rgb565, 6);
	mb_minimal_mmap();
	mb_end();
	assert_int_equal(parse(), 0);
	assert_true(bi.fb.valid);
	assert_int_equal(bi.fb.addr, 0x800000000ull);
	assert_int_equal(bi.fb.rgb.red_pos, 11);
	assert_int_equal(bi.fb.rgb.green_size, 6);

	/* EGA text: 80x25 characters at 0xb8000, two bytes each; no colour info. */
	mb_begin();
	mb_minimal_mmap();
	mb_fb(0xb8000, 160, 80, 25, 16, MB2_FRAMEBUFFER_TYPE_EGA_TEXT, NULL, 0);
	mb_end();
	assert_int_equal(parse(), 0);
	assert_true(bi.fb.valid);
	assert_int_equal(bi.fb.type, MB2_FRAMEBUFFER_TYPE_EGA_TEXT);
	assert_int_equal(bi.fb.size, 160 * 25);
	capture_begin();
	mb2_print(&bi);
	capture_end(out, sizeof(out));
	assert_non_null(strstr(out, "boot: framebuffer: EGA text 80x25 at 0xb8000, pitch 160\n"));
}

/* A tag the console cannot use: refused with the reason, and the boot goes on. */
static void expect_fb_refused(const char *substring)
{
	static char out[8192];

	mb_minimal_mmap();
	mb_end();
	assert_int_equal(parse(), 0);
	assert_false(bi.fb.valid);
	assert_int_equal(bi.fb.addr, 0);
	if (!strstr(bi.fb_error, substring))
		fail_msg("framebuffer error \"%s\" lacks \"%s\"", bi.fb_error, substring);
	capture_begin();
	mb2_print(&bi);
	capture_end(out, sizeof(out));
	assert_non_null(strstr(out, "boot: framebuffer tag refused: "));
}

static void framebuffer_refused(void **state)
{
	static const u8 overlap[6] = { 8, 8, 8, 8, 0, 8 };
	static const u8 outside[6] = { 16, 8, 8, 8, 0, 8 };
	static const u8 empty[6] = { 16, 8, 8, 0, 0, 8 };
	u8 common[16] = { 0 };

	mb_begin();
	mb_tag(MB2_TAG_FRAMEBUFFER, common, sizeof(common));
	expect_fb_refused("has size 0x18, less than 32");
	mb_begin();
	mb_fb(0xfd000000, 800, 800, 600, 8, MB2_FRAMEBUFFER_TYPE_INDEXED, NULL, 0);
	expect_fb_refused("indexed colour (8 bpp) is not supported");
	mb_begin();
	mb_fb(0xfd000000, 3200, 800, 600, 32, MB2_FRAMEBUFFER_TYPE_RGB, xrgb8888, 2);
	expect_fb_refused("too small for its colour fields");
	mb_begin();
	mb_fb(0xfd000000, 3200, 0, 600, 32, MB2_FRAMEBUFFER_TYPE_RGB, xrgb8888, 6);
	expect_fb_refused("0x600 is not between 1x1");
	mb_begin();
	mb_fb(0xfd000000, 3200, 800, 20000, 32, MB2_FRAMEBUFFER_TYPE_RGB, xrgb8888, 6);
	expect_fb_refused("800x20000 is not between");
	mb_begin();
	mb_fb(0xfd000000, 3200, 800, 600, 12, MB2_FRAMEBUFFER_TYPE_RGB, xrgb8888, 6);
	expect_fb_refused("12 bits per pixel is not 8, 15, 16, 24 or 32");
	mb_begin();
	mb_fb(0xfd000000, 3196, 800, 600, 32, MB2_FRAMEBUFFER_TYPE_RGB, xrgb8888, 6);
	expect_fb_refused("pitch 3196 is less than 800 pixels of 4 bytes");
	mb_begin();
	mb_fb(0xfd000000, 3200, 800, 600, 32, MB2_FRAMEBUFFER_TYPE_RGB, overlap, 6);
	expect_fb_refused("green field at bit 8 overlaps another colour field");
	mb_begin();
	mb_fb(0xfd000000, 1600, 800, 600, 16, MB2_FRAMEBUFFER_TYPE_RGB, outside, 6);
	expect_fb_refused("red field at bit 16, 8 bits, does not fit 1..8 bits inside 16 bpp");
	mb_begin();
	mb_fb(0xfd000000, 3200, 800, 600, 32, MB2_FRAMEBUFFER_TYPE_RGB, empty, 6);
	expect_fb_refused("green field at bit 8, 0 bits");
	mb_begin();
	mb_fb(0, 3200, 800, 600, 32, MB2_FRAMEBUFFER_TYPE_RGB, xrgb8888, 6);
	expect_fb_refused("[0x0, +0x1d4c00) is not a physical range");
	mb_begin();
	mb_fb(0xfffffffffff00000ull, 3200, 800, 600, 32, MB2_FRAMEBUFFER_TYPE_RGB, xrgb8888, 6);
	expect_fb_refused("is not a physical range");
	mb_begin();
	mb_fb((1ull << 52) - 0x100000, 3200, 800, 600, 32, MB2_FRAMEBUFFER_TYPE_RGB, xrgb8888, 6);
	expect_fb_refused("is not a physical range");
	mb_begin();
	mb_fb(0xb8000, 160, 80, 25, 8, MB2_FRAMEBUFFER_TYPE_EGA_TEXT, NULL, 0);
	expect_fb_refused("EGA text with 8 bits per character, not 16");
	mb_begin();
	mb_fb(0xb8000, 120, 80, 25, 16, MB2_FRAMEBUFFER_TYPE_EGA_TEXT, NULL, 0);
	expect_fb_refused("pitch 120 is less than 80 pixels of 2 bytes");
	mb_begin();
	mb_fb(0xfd000000, 3200, 800, 600, 32, 7, NULL, 0);
	expect_fb_refused("unknown framebuffer type 7");
}

/* An EFI memory map tag (17) of n descriptors spaced descr_size apart. */
static u32 mb_efi_mmap(const struct efi_memory_descriptor *d, u32 n, u32 descr_size)
{
	static u8 buf[8 + 200 * 64];
	u32 version = 1, i;

	assert_true(n <= 200 && descr_size <= 64);
	memset(buf, 0xa5, sizeof(buf));	/* bytes past the 40 known ones are ignored */
	memcpy(buf, &descr_size, 4);
	memcpy(buf + 4, &version, 4);
	for (i = 0; i < n; i++) {
		memcpy(buf + 8 + i * descr_size, &d[i], MIN(descr_size, (u32)sizeof(*d)));
	}
	return mb_tag(MB2_TAG_EFI_MMAP, buf, 8 + n * descr_size);
}

#define EFI_D(type, start, pages) { (type), 0, (start), 0, (pages), 0 }

/* Shaped like OVMF's map under QEMU q35 with 512 MiB. */
static const struct efi_memory_descriptor ovmf_map[] = {
	EFI_D(EFI_BOOT_SERVICES_CODE, 0x0, 1),
	EFI_D(EFI_CONVENTIONAL_MEMORY, 0x1000, 0x9f),		/* merges with the one above */
	EFI_D(EFI_LOADER_CODE, 0x100000, 0x100),
	EFI_D(EFI_LOADER_DATA, 0x200000, 0x600),
	EFI_D(EFI_ACPI_MEMORY_NVS, 0x800000, 0x8),
	EFI_D(EFI_BOOT_SERVICES_DATA, 0x808000, 0x8),
	EFI_D(EFI_CONVENTIONAL_MEMORY, 0x900000, 0x1e000),	/* not touching: a new entry */
	EFI_D(EFI_RUNTIME_SERVICES_CODE, 0x1f000000, 0x10),
	EFI_D(EFI_RUNTIME_SERVICES_DATA, 0x1f010000, 0x10),	/* merges: both reserved */
	EFI_D(EFI_ACPI_RECLAIM_MEMORY, 0x1f020000, 0x12),
	EFI_D(EFI_RESERVED_MEMORY_TYPE, 0x1f032000, 0x0),	/* empty: dropped */
	EFI_D(EFI_UNUSABLE_MEMORY, 0x1f100000, 0x1),
	EFI_D(EFI_MEMORY_MAPPED_IO, 0xb0000000, 0x10000),
	EFI_D(EFI_PERSISTENT_MEMORY, 0x100000000ull, 0x100),
	EFI_D(99, 0x100100000ull, 0x1),			/* unknown: reserved */
};

static const struct boot_mmap_entry ovmf_converted[] = {
	{ 0x0, 0xa0000, MB2_MEMORY_AVAILABLE },
	{ 0x100000, 0x700000, MB2_MEMORY_AVAILABLE },
	{ 0x800000, 0x8000, MB2_MEMORY_NVS },
	{ 0x808000, 0x8000, MB2_MEMORY_AVAILABLE },
	{ 0x900000, 0x1e000000, MB2_MEMORY_AVAILABLE },
	{ 0x1f000000, 0x20000, MB2_MEMORY_RESERVED },
	{ 0x1f020000, 0x12000, MB2_MEMORY_ACPI_RECLAIMABLE },
	{ 0x1f100000, 0x1000, MB2_MEMORY_BADRAM },
	{ 0xb0000000, 0x10000000, MB2_MEMORY_RESERVED },
	{ 0x100000000ull, 0x101000, MB2_MEMORY_RESERVED },
};

static void expect_mmap(const struct boot_mmap_entry *want, unsigned int n)
{
	unsigned int i;

	assert_int_equal(bi.nr_mmap, n);
	for (i = 0; i < n; i++) {
		if (bi.mmap[i].addr != want[i].addr || bi.mmap[i].len != want[i].len ||
		    bi.mmap[i].type != want[i].type) {
			fail_msg("entry %u: 0x%llx+0x%llx type %u, want 0x%llx+0x%llx type %u", i,
				 (unsigned long long)bi.mmap[i].addr, (unsigned long long)bi.mmap[i].len,
				 bi.mmap[i].type, (unsigned long long)want[i].addr,
				 (unsigned long long)want[i].len, want[i].type);
		}
	}
}

/* GRUB-EFI without a multiboot2 mmap tag: the EFI map is converted and merged. */
static void efi_mmap_converted(void **state)
{
	u32 sizes[] = { 40, 48, 64 }, i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		mb_begin();
		mb_efi_mmap(ovmf_map, ARRAY_SIZE(ovmf_map), sizes[i]);
		mb_end();
		assert_int_equal(parse(), 0);
		assert_true(bi.mmap_from_efi);
		expect_mmap(ovmf_converted, ARRAY_SIZE(ovmf_converted));
	}
}

/* With both, the multiboot2 mmap tag wins, in either order. */
static void efi_mmap_loses_to_mmap_tag(void **state)
{
	mb_begin();
	mb_efi_mmap(ovmf_map, ARRAY_SIZE(ovmf_map), 48);
	mb_minimal_mmap();
	mb_end();
	assert_int_equal(parse(), 0);
	assert_false(bi.mmap_from_efi);
	assert_int_equal(bi.nr_mmap, ARRAY_SIZE(qemu_mmap));

	mb_begin();
	mb_minimal_mmap();
	mb_efi_mmap(ovmf_map, ARRAY_SIZE(ovmf_map), 48);
	mb_end();
	assert_int_equal(parse(), 0);
	assert_false(bi.mmap_from_efi);
	assert_int_equal(bi.mmap[6].addr, 0x100000000ull);
}

static void efi_mmap_type_mapping(void **state)
{
	assert_int_equal(efi_memory_type_to_mb2(EFI_CONVENTIONAL_MEMORY), MB2_MEMORY_AVAILABLE);
	assert_int_equal(efi_memory_type_to_mb2(EFI_LOADER_CODE), MB2_MEMORY_AVAILABLE);
	assert_int_equal(efi_memory_type_to_mb2(EFI_LOADER_DATA), MB2_MEMORY_AVAILABLE);
	assert_int_equal(efi_memory_type_to_mb2(EFI_BOOT_SERVICES_CODE), MB2_MEMORY_AVAILABLE);
	assert_int_equal(efi_memory_type_to_mb2(EFI_BOOT_SERVICES_DATA), MB2_MEMORY_AVAILABLE);
	assert_int_equal(efi_memory_type_to_mb2(EFI_ACPI_RECLAIM_MEMORY), MB2_MEMORY_ACPI_RECLAIMABLE);
	assert_int_equal(efi_memory_type_to_mb2(EFI_ACPI_MEMORY_NVS), MB2_MEMORY_NVS);
	assert_int_equal(efi_memory_type_to_mb2(EFI_UNUSABLE_MEMORY), MB2_MEMORY_BADRAM);
	assert_int_equal(efi_memory_type_to_mb2(EFI_RESERVED_MEMORY_TYPE), MB2_MEMORY_RESERVED);
	assert_int_equal(efi_memory_type_to_mb2(EFI_RUNTIME_SERVICES_CODE), MB2_MEMORY_RESERVED);
	assert_int_equal(efi_memory_type_to_mb2(EFI_RUNTIME_SERVICES_DATA), MB2_MEMORY_RESERVED);
	assert_int_equal(efi_memory_type_to_mb2(EFI_MEMORY_MAPPED_IO), MB2_MEMORY_RESERVED);
	assert_int_equal(efi_memory_type_to_mb2(EFI_MEMORY_MAPPED_IO_PORT_SPACE), MB2_MEMORY_RESERVED);
	assert_int_equal(efi_memory_type_to_mb2(EFI_PAL_CODE), MB2_MEMORY_RESERVED);
	assert_int_equal(efi_memory_type_to_mb2(EFI_PERSISTENT_MEMORY), MB2_MEMORY_RESERVED);
	assert_int_equal(efi_memory_type_to_mb2(0x80000000u), MB2_MEMORY_RESERVED);
}

static void efi_mmap_malformed(void **state)
{
	struct efi_memory_descriptor d[2] = {
		EFI_D(EFI_CONVENTIONAL_MEMORY, 0x100000, 0x100),
		EFI_D(EFI_CONVENTIONAL_MEMORY, 0x200000, 0x100),
	};
	u32 off;

	mb_begin();
	mb_efi_mmap(d, 2, 32);
	mb_end();
	expect_error("multiboot2: EFI memory map descriptor size 0x20 is smaller than 40");

	mb_begin();
	mb_efi_mmap(d, 2, 0);
	mb_end();
	expect_error("EFI memory map descriptor size 0x0 is smaller than 40");

	mb_begin();
	mb_efi_mmap(d, 2, 44);
	mb_end();
	expect_error("EFI memory map descriptor size 0x2c is not a multiple of 8");

	/* 1.5 descriptors: the tag ends inside the second one. */
	mb_begin();
	off = mb_efi_mmap(d, 2, 48);
	mb_at(off)->size -= 24;
	mb_end();
	expect_error("EFI memory map of 0x48 bytes is not a whole number of 0x30-byte descriptors");

	/* A tag too short for its own fields. */
	mb_begin();
	mb_tag(MB2_TAG_EFI_MMAP, "\x30\0\0", 4);
	mb_end();
	expect_error("EFI memory map tag at offset 0x8 has size 0xc, less than 16");

	d[1].nr_pages = 1ULL << 53;
	mb_begin();
	mb_efi_mmap(d, 2, 48);
	mb_end();
	expect_error("EFI memory map descriptor 1 (0x200000, 0x20000000000000 pages) runs past 2^64");

	d[1].nr_pages = 0xffffffffffffull;
	d[1].phys_start = 0xfffff00000000000ull;
	mb_begin();
	mb_efi_mmap(d, 2, 48);
	mb_end();
	expect_error("EFI memory map descriptor 1 (0xfffff00000000000, 0xffffffffffff pages) runs past 2^64");

	d[1].nr_pages = 1;
	d[1].phys_start = 0x200800;
	mb_begin();
	mb_efi_mmap(d, 2, 48);
	mb_end();
	expect_error("EFI memory map descriptor 1 starts at 0x200800, not 4 KiB aligned");

	/* An empty EFI map is a memory map with nothing in it, not a parse error. */
	mb_begin();
	mb_efi_mmap(d, 0, 48);
	mb_end();
	assert_int_equal(parse(), 0);
	assert_int_equal(bi.nr_mmap, 0);
}

/* More descriptors than BOOT_MMAP_MAX after merging: the rest are counted as dropped. */
static void efi_mmap_too_many(void **state)
{
	static struct efi_memory_descriptor d[200];
	u32 i;

	for (i = 0; i < 200; i++) {
		/* Alternating types, so that nothing merges. */
		d[i] = (struct efi_memory_descriptor)EFI_D(i % 2 ? EFI_ACPI_MEMORY_NVS :
							     EFI_CONVENTIONAL_MEMORY,
							     (u64)i << 12, 1);
	}
	mb_begin();
	mb_efi_mmap(d, 200, 40);
	mb_end();
	assert_int_equal(parse(), 0);
	assert_int_equal(bi.nr_mmap, BOOT_MMAP_MAX);
	assert_int_equal(bi.dropped, 200 - BOOT_MMAP_MAX);
}

/* The EFI tags: system table and image handle read, boot services noted, short tags refused. */
static void efi_tags(void **state)
{
	static char out[8192];
	u64 st = 0x1f9ee018;

	mb_begin();
	mb_tag(MB2_TAG_EFI64, &st, 8);
	mb_tag(MB2_TAG_EFI64_IH, &st, 8);
	mb_efi_mmap(ovmf_map, ARRAY_SIZE(ovmf_map), 48);
	mb_end();
	assert_int_equal(parse(), 0);
	assert_true(bi.efi64);
	assert_int_equal(bi.efi_system_table, st);
	assert_false(bi.efi_bs_active);
	capture_begin();
	mb2_print(&bi);
	capture_end(out, sizeof(out));
	if (!strstr(out, "boot: UEFI: system table at 0x1f9ee018, boot services terminated\n") ||
	    !strstr(out, "boot: memory map, 10 entries (from the EFI memory map):\n")) {
		fail_msg("mb2_print output lacks the EFI lines---\n%s", out);
	}

	mb_begin();
	mb_tag(MB2_TAG_EFI_BS, NULL, 0);
	mb_minimal_mmap();
	mb_end();
	assert_int_equal(parse(), 0);
	assert_true(bi.efi_bs_active);

	mb_begin();
	mb_minimal_mmap();
	mb_tag(MB2_TAG_EFI64, &st, 4);
	mb_end();
	expect_error("multiboot2: EFI tag type 12 at offset");
	assert_non_null(strstr(bi.error, "has size 0xc, less than 16"));

	mb_begin();
	mb_minimal_mmap();
	mb_tag(MB2_TAG_EFI64_IH, &st, 0);
	mb_end();
	expect_error("has size 0x8, less than 16");
}

/* boot_find_module(): the nth module whose first word is the role, and its arguments. */
static void modules_by_role(void **state)
{
	struct boot_info bi = { .nr_modules = 5 };
	const char *args = NULL;

	bi.modules[0].cmdline = "kernel vmlinuz console=ttyS0";
	bi.modules[1].cmdline = "kernelx not a kernel";
	bi.modules[2].cmdline = "module env";
	bi.modules[3].cmdline = "module";
	bi.modules[4].cmdline = "initrd";
	assert_ptr_equal(boot_find_module(&bi, "kernel", &args, 0), &bi.modules[0]);
	assert_string_equal(args, "vmlinuz console=ttyS0");
	assert_null(boot_find_module(&bi, "kernel", &args, 1));	/* "kernelx" is another word */
	assert_ptr_equal(boot_find_module(&bi, "module", &args, 1), &bi.modules[3]);
	assert_string_equal(args, "");
	assert_ptr_equal(boot_find_module(&bi, "initrd", &args, 0), &bi.modules[4]);
	assert_null(boot_find_module(&bi, "module", &args, 2));
	assert_null(boot_find_module(NULL, "kernel", &args, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(good_info),
		cmocka_unit_test(defaults),
		cmocka_unit_test(acpi_tags),
		cmocka_unit_test(unknown_tags_skipped),
		cmocka_unit_test(tag_past_end),
		cmocka_unit_test(tag_too_small),
		cmocka_unit_test(bad_total_size),
		cmocka_unit_test(bad_pointer),
		cmocka_unit_test(no_end_tag),
		cmocka_unit_test(end_tag_stops_walk),
		cmocka_unit_test(no_mmap),
		cmocka_unit_test(module_end_before_start),
		cmocka_unit_test(bad_mmap_entry_size),
		cmocka_unit_test(larger_mmap_entries),
		cmocka_unit_test(unterminated_strings),
		cmocka_unit_test(too_many_mmap_entries),
		cmocka_unit_test(too_many_modules),
		cmocka_unit_test(type_names),
		cmocka_unit_test(print_lines),
		cmocka_unit_test(modules_by_role),
		cmocka_unit_test(framebuffer_tags),
		cmocka_unit_test(framebuffer_refused),
		cmocka_unit_test(efi_mmap_converted),
		cmocka_unit_test(efi_mmap_loses_to_mmap_tag),
		cmocka_unit_test(efi_mmap_type_mapping),
		cmocka_unit_test(efi_mmap_malformed),
		cmocka_unit_test(efi_mmap_too_many),
		cmocka_unit_test(efi_tags),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
