/* bzimage_plan on bzImages built in the test, and a real one if /boot has it. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/errno.h"
#include "image_test.h"
#include "read_file.h"

#define KERNEL_LEN 0x3000
#define PREF 0x1000000
#define INIT_SIZE 0x800000

struct bzi {
	u8 *buf;
	u64 len;
	u64 setup;
};

static struct bzi bzi;
static struct load_plan *plan;

/* A bzImage: setup_sects sectors of setup, then KERNEL_LEN bytes of "kernel". */
static void bz_build(u16 version, u8 setup_sects)
{
	u64 sects = setup_sects ? setup_sects : 4;
	u8 *p;

	free(bzi.buf);
	bzi.setup = (sects + 1) * 512;
	bzi.len = bzi.setup + KERNEL_LEN;
	bzi.buf = p = calloc(1, bzi.len);
	assert_non_null(p);
	p[0x1f1] = setup_sects;
	put32(p + 0x1f4, KERNEL_LEN / 16);		/* syssize */
	put16(p + 0x1fe, 0xaa55);
	p[0x200] = 0xeb;
	p[0x201] = 0x26c - 0x202;			/* the header runs to 0x26c */
	memcpy(p + 0x202, "HdrS", 4);
	put16(p + 0x206, version);
	p[0x211] = BZ_LOADED_HIGH;
	put32(p + 0x214, 0x100000);			/* code32_start */
	put32(p + 0x22c, 0x7fffffff);			/* initrd_addr_max */
	put32(p + 0x230, 0x200000);			/* kernel_alignment */
	p[0x234] = 1;					/* relocatable */
	put16(p + 0x236, BZ_XLF_KERNEL_64 | BZ_XLF_CAN_BE_LOADED_ABOVE_4G);
	put32(p + 0x238, 2047);				/* cmdline_size */
	put64(p + 0x258, PREF);
	put32(p + 0x260, INIT_SIZE);
	for (u64 i = 0; i < KERNEL_LEN; i++)
		p[bzi.setup + i] = (u8)(i * 7 + 1);
}

static int setup(void **state)
{
	plan = plan_new();
	bz_build(0x020f, 1);
	return 0;
}

static int teardown(void **state)
{
	free(plan);
	free(bzi.buf);
	bzi.buf = NULL;
	free(guest_ram);
	guest_ram = NULL;
	return 0;
}

static int run(const struct load_config *cfg)
{
	return image_plan(bzi.buf, bzi.len, cfg, plan);
}

static const struct boot_params *zero_page(const u8 *ram)
{
	return (const struct boot_params *)(ram + plan->cpu.rsi);
}

static void layout_64bit_entry(void **state)
{
	struct load_config cfg = test_config();
	const struct load_copy *k, *r;
	const struct boot_params *bp;
	u8 *ram;

	cfg.cmdline = "console=ttyS0 nokaslr";
	assert_int_equal(run(&cfg), 0);
	assert_int_equal(plan->format, IMAGE_BZIMAGE);
	k = load_plan_find(plan, "kernel");
	assert_non_null(k);
	assert_int_equal(k->gpa, PREF);
	assert_int_equal(k->len, KERNEL_LEN);
	assert_ptr_equal(k->src, bzi.buf + bzi.setup);
	r = load_plan_find(plan, "kernel init_size");
	assert_non_null(r);
	assert_int_equal(r->kind, LOAD_COPY_RESERVE);
	assert_int_equal(r->gpa + r->len, PREF + INIT_SIZE);
	assert_null(load_plan_find(plan, "initrd"));

	ram = plan_apply(plan);
	assert_memory_equal(ram + PREF, bzi.buf + bzi.setup, KERNEL_LEN);
	assert_int_equal(plan->cpu.mode, LOAD_CPU_LONG64);
	assert_int_equal(plan->cpu.rip, PREF + 0x200);
	bp = zero_page(ram);
	assert_int_equal(bp->hdr.version, 0x020f);
	assert_int_equal(bp->hdr.type_of_loader, 0xff);
	assert_int_equal(bp->hdr.code32_start, PREF);
	assert_true(bp->hdr.loadflags & BZ_LOADED_HIGH);
	assert_int_equal(bp->hdr.ramdisk_image, 0);
	assert_int_equal(bp->hdr.ramdisk_size, 0);
	assert_int_equal(bp->sentinel, 0);
	assert_string_equal((const char *)ram + bp->hdr.cmd_line_ptr, "console=ttyS0 nokaslr");
	/* e820: RAM below 640 KiB, the legacy hole reserved, RAM from 1 MiB. */
	assert_int_equal(bp->e820_entries, 3);
	assert_int_equal(bp->e820_table[0].addr, 0);
	assert_int_equal(bp->e820_table[0].size, 0xa0000);
	assert_int_equal(bp->e820_table[0].type, E820_TYPE_RAM);
	assert_int_equal(bp->e820_table[1].addr, 0xa0000);
	assert_int_equal(bp->e820_table[1].size, 0x60000);
	assert_int_equal(bp->e820_table[1].type, E820_TYPE_RESERVED);
	assert_int_equal(bp->e820_table[2].addr, 0x100000);
	assert_int_equal(bp->e820_table[2].size, TEST_RAM_SIZE - 0x100000);
	assert_int_equal(bp->e820_table[2].type, E820_TYPE_RAM);
	/* GDT with 64-bit code at 0x10, flat data at 0x18; identity map. */
	assert_int_equal(plan->cpu.cs, 0x10);
	assert_int_equal(plan->cpu.ds, 0x18);
	assert_int_equal(get64(ram + plan->cpu.gdt_base + 0x10), 0x00af9b000000ffffULL);
	assert_int_equal(get64(ram + plan->cpu.gdt_base + 0x18), 0x00cf93000000ffffULL);
	assert_int_equal(plan->cpu.gdt_limit, 31);
	assert_int_equal(get64(ram + plan->cpu.cr3) & ~0xfffULL, plan->cpu.cr3 + 0x1000);
	{
		u64 pdpt = get64(ram + plan->cpu.cr3) & ~0xfffULL;
		u64 pd3 = get64(ram + pdpt + 3 * 8) & ~0xfffULL;

		assert_int_equal(get64(ram + pd3 + 511 * 8), 0xffe00000ULL | 0x83);
		assert_int_equal(get64(ram + (get64(ram + pdpt) & ~0xfffULL) + 8), 0x200000 | 0x83);
	}
	/* The boot data sits in RAM below 640 KiB, clear of the kernel. */
	for (unsigned int i = 0; i < plan->nr_copies; i++) {
		const struct load_copy *c = &plan->copies[i];

		if (strncmp(c->what, "kernel", 6))
			assert_true(c->gpa + c->len <= 0xa0000);
	}
}

static void layout_32bit_entry(void **state)
{
	struct load_config cfg = test_config();
	u8 *ram;

	cfg.linux_entry = LINUX_ENTRY_32;
	assert_int_equal(run(&cfg), 0);
	ram = plan_apply(plan);
	assert_int_equal(plan->cpu.mode, LOAD_CPU_PROT32);
	assert_int_equal(plan->cpu.rip, PREF);
	assert_int_equal(plan->cpu.rsi, 0x10000);
	assert_null(load_plan_find(plan, "page tables"));
	assert_int_equal(get64(ram + plan->cpu.gdt_base + 0x10), 0x00cf9b000000ffffULL);
	assert_string_equal((const char *)ram + zero_page(ram)->hdr.cmd_line_ptr, "");
}

static void no_kernel64_flag(void **state)
{
	struct load_config cfg = test_config();

	put16(bzi.buf + 0x236, 0);
	assert_int_equal(run(&cfg), 0);
	assert_int_equal(plan->cpu.mode, LOAD_CPU_PROT32);
	cfg.linux_entry = LINUX_ENTRY_64;
	assert_plan_error(run(&cfg), plan, -ENOEXEC, "XLF_KERNEL_64");
	/* Before protocol 2.12 there are no xloadflags: 32-bit only. */
	bz_build(0x020a, 1);
	cfg.linux_entry = LINUX_ENTRY_DEFAULT;
	assert_int_equal(run(&cfg), 0);
	assert_int_equal(plan->cpu.mode, LOAD_CPU_PROT32);
}

static void initrd_placed_high(void **state)
{
	static u8 initrd[0x5000];
	struct load_module m = { initrd, sizeof(initrd), NULL };
	struct load_config cfg = test_config();
	const struct boot_params *bp;
	const struct load_copy *c;
	u8 *ram;

	memset(initrd, 0x17, sizeof(initrd));
	cfg.modules = &m;
	cfg.nr_modules = 1;
	assert_int_equal(run(&cfg), 0);
	c = load_plan_find(plan, "initrd");
	assert_non_null(c);
	assert_int_equal(c->gpa % 4096, 0);
	assert_true(c->gpa + c->len <= TEST_RAM_SIZE);
	assert_true(c->gpa >= TEST_RAM_SIZE - 0x6000);	/* as high as it goes */
	ram = plan_apply(plan);
	bp = zero_page(ram);
	assert_int_equal(bp->hdr.ramdisk_image, c->gpa);
	assert_int_equal(bp->hdr.ramdisk_size, sizeof(initrd));
	assert_memory_equal(ram + c->gpa, initrd, sizeof(initrd));

	/* initrd_addr_max below the end of RAM, just above the kernel's init_size. */
	put32(bzi.buf + 0x22c, PREF + INIT_SIZE + 0x8000 - 1);
	assert_int_equal(run(&cfg), 0);
	c = load_plan_find(plan, "initrd");
	assert_int_equal(c->gpa, PREF + INIT_SIZE + 0x3000);
	/* No room between the kernel and initrd_addr_max: below the kernel instead. */
	put32(bzi.buf + 0x22c, PREF + INIT_SIZE + 0x1000 - 1);
	assert_int_equal(run(&cfg), 0);
	c = load_plan_find(plan, "initrd");
	assert_true(c->gpa + c->len <= PREF);
	assert_true(c->gpa >= 0x100000);
}

static void initrd_errors(void **state)
{
	static u8 a[16], b[16];
	struct load_module two[2] = { { a, sizeof(a), NULL }, { b, sizeof(b), NULL } };
	struct load_module big = { NULL, 0, NULL };
	struct load_config cfg = test_config();

	cfg.modules = two;
	cfg.nr_modules = 2;
	assert_plan_error(run(&cfg), plan, -EINVAL, "one initrd");
	cfg.nr_modules = 1;
	two[0].len = 0;
	assert_plan_error(run(&cfg), plan, -EINVAL, "empty");
	/* Larger than the free RAM under initrd_addr_max. */
	big.data = malloc(MiB(60));
	big.len = MiB(60);
	cfg.modules = &big;
	assert_plan_error(run(&cfg), plan, -E2BIG, "initrd_addr_max");
	put32(bzi.buf + 0x22c, 0x37ffffff);
	big.len = MiB(41);	/* fits in RAM, but not beside the kernel */
	assert_plan_error(run(&cfg), plan, -E2BIG, "initrd");
	free((void *)big.data);
}

static void cmdline_size(void **state)
{
	struct load_config cfg = test_config();
	char *longest = malloc(LOAD_CMDLINE_MAX + 10);

	put32(bzi.buf + 0x238, 16);
	cfg.cmdline = "0123456789abcdef";
	assert_int_equal(run(&cfg), 0);
	cfg.cmdline = "0123456789abcdefg";
	assert_plan_error(run(&cfg), plan, -E2BIG, "command line is 17 bytes, the kernel takes at most 16");
	put32(bzi.buf + 0x238, 0xffffffff);
	memset(longest, 'x', LOAD_CMDLINE_MAX + 9);
	longest[LOAD_CMDLINE_MAX + 9] = '\0';
	cfg.cmdline = longest;
	assert_plan_error(run(&cfg), plan, -E2BIG, "command line");
	free(longest);
}

static void old_protocol_and_zimage(void **state)
{
	struct load_config cfg = test_config();
	char desc[128];

	bz_build(0x0205, 1);
	assert_int_equal(image_identify(bzi.buf, bzi.len, desc, sizeof(desc)), IMAGE_BZIMAGE);
	assert_string_equal(desc, "Linux bzImage, boot protocol 2.05");
	assert_plan_error(run(&cfg), plan, -ENOEXEC, "boot protocol 2.05: slotvisor needs 2.06");
	bz_build(0x020f, 1);
	bzi.buf[0x211] = 0;
	assert_plan_error(run(&cfg), plan, -ENOEXEC, "zImage");
	/* A header that says 2.15 but stops before cmdline_size. */
	bz_build(0x020f, 1);
	bzi.buf[0x201] = 0x20;
	assert_plan_error(run(&cfg), plan, -EINVAL, "setup header of only");
}

static void setup_sects_zero_means_four(void **state)
{
	struct load_config cfg = test_config();

	bz_build(0x020f, 0);
	assert_int_equal(bzi.setup, 5 * 512);
	assert_int_equal(run(&cfg), 0);
	assert_ptr_equal(load_plan_find(plan, "kernel")->src, bzi.buf + 5 * 512);
	assert_int_equal(load_plan_find(plan, "kernel")->len, KERNEL_LEN);
}

static void truncated(void **state)
{
	struct load_config cfg = test_config();

	/* syssize rounds up to 16 bytes: only a cut of 16 or more is visible. */
	check_truncations(bzi.buf, bzi.len, bzi.len - 15, &cfg, plan);
	assert_plan_error(image_plan(bzi.buf, bzi.len - 16, &cfg, plan), plan, -EINVAL, "syssize");
	assert_plan_error(image_plan(bzi.buf, bzi.setup, &cfg, plan), plan, -EINVAL, "setup sectors");
	assert_plan_error(image_plan(bzi.buf, 0x220, &cfg, plan), plan, -EINVAL, "setup header ends at 0x26c");
}

static void kernel_placement(void **state)
{
	struct load_config cfg = test_config();
	static const struct load_range small[] = { { 0, MiB(20) } };

	/* init_size beyond RAM */
	put32(bzi.buf + 0x260, MiB(64));
	assert_plan_error(run(&cfg), plan, -E2BIG, "the kernel needs [0x1000000, 0x5000000)");
	/* Not relocatable: at 1 MiB whatever pref_address says. */
	bz_build(0x020f, 1);
	bzi.buf[0x234] = 0;
	assert_int_equal(run(&cfg), 0);
	assert_int_equal(load_plan_find(plan, "kernel")->gpa, 0x100000);
	assert_int_equal(plan->cpu.rip, 0x100200);
	/* kernel_alignment that is not a power of two, or does not divide pref_address. */
	bz_build(0x020f, 1);
	put32(bzi.buf + 0x230, 0x300000);
	assert_plan_error(run(&cfg), plan, -EINVAL, "kernel_alignment 0x300000");
	put32(bzi.buf + 0x230, 0x2000000);
	assert_plan_error(run(&cfg), plan, -EINVAL, "kernel_alignment");
	/* pref_address above 4 GiB */
	bz_build(0x020f, 1);
	put64(bzi.buf + 0x258, 0x100000000ULL);
	assert_plan_error(run(&cfg), plan, -E2BIG, "below 4 GiB");
	/* RAM too small for init_size */
	bz_build(0x020f, 1);
	cfg.ram = small;
	assert_plan_error(run(&cfg), plan, -E2BIG, "init_size 0x800000");
}

static void memory_map(void **state)
{
	static const struct load_range ram[] = {
		{ 0x100000, MiB(15) }, { 0, 0x9f000 }, { MiB(16), MiB(48) },
		{ GiB(4), GiB(1) },
	};
	static const struct load_range reserved[] = { { MiB(20), 0x1000 } };
	static const struct load_range bad[] = { { ~0ULL - 10, 0x100 } };
	struct load_config cfg = { .ram = ram, .nr_ram = 4, .reserved = reserved, .nr_reserved = 1 };
	static const struct boot_e820_entry want[] = {
		{ 0, 0x9f000, E820_TYPE_RAM },
		{ 0x100000, MiB(20) - 0x100000, E820_TYPE_RAM },	/* two slots merged */
		{ MiB(20), 0x1000, E820_TYPE_RESERVED },
		{ MiB(20) + 0x1000, MiB(44) - 0x1000, E820_TYPE_RAM },
		{ GiB(4), GiB(1), E820_TYPE_RAM },
	};

	memset(plan, 0, sizeof(*plan));
	assert_int_equal(load_plan_build_map(plan, &cfg), 0);
	assert_int_equal(plan->nr_map, ARRAY_SIZE(want));
	for (unsigned int i = 0; i < ARRAY_SIZE(want); i++) {
		assert_int_equal(plan->map[i].addr, want[i].addr);
		assert_int_equal(plan->map[i].size, want[i].size);
		assert_int_equal(plan->map[i].type, want[i].type);
	}
	assert_true(load_plan_in_ram(plan, MiB(2), MiB(2)));
	assert_false(load_plan_in_ram(plan, MiB(20) - 1, 2));	/* into the reserved page */
	assert_false(load_plan_in_ram(plan, 0x9f000, 1));
	assert_false(load_plan_in_ram(plan, ~0ULL, 2));		/* wraps */
	cfg.nr_ram = 0;
	assert_plan_error(load_plan_build_map(plan, &cfg), plan, -EINVAL, "no RAM");
	cfg.ram = bad;
	cfg.nr_ram = 1;
	assert_plan_error(load_plan_build_map(plan, &cfg), plan, -EINVAL, "wraps");
	cfg.ram = ram;
	cfg.nr_ram = LOAD_MAX_RANGES + 1;
	assert_plan_error(load_plan_build_map(plan, &cfg), plan, -EINVAL, "RAM ranges");
}

/* A Debian kernel's path: $SLOTVISOR_VMLINUZ, else /boot/vmlinuz-*; false if none. */
static bool find_vmlinuz(char *path, size_t size)
{
	struct dirent *d;
	DIR *dir;

	path[0] = '\0';
	if (getenv("SLOTVISOR_VMLINUZ")) {
		snprintf(path, size, "%s", getenv("SLOTVISOR_VMLINUZ"));
		return true;
	}
	dir = opendir("/boot");
	while (!path[0] && dir && (d = readdir(dir))) {
		if (!strncmp(d->d_name, "vmlinuz-", 8))
			snprintf(path, size, "/boot/%s", d->d_name);
	}
	if (dir)
		closedir(dir);
	return path[0] != '\0';
}

/*
 * A real Debian kernel planned as make run would load it.  Registered only
 * where there is one: /boot/vmlinuz-*, or $SLOTVISOR_VMLINUZ, which the
 * bochs_linux boot case sets to the kernel it downloaded.
 */
static void real_vmlinuz(void **state)
{
	struct load_config cfg = test_config();
	static const struct load_range ram[] = { { 0, MiB(512) } };
	char path[512], desc[128];
	FILE *f;
	u8 *img;
	long len;

	assert_true(find_vmlinuz(path, sizeof(path)));
	f = fopen(path, "rb");
	if (!f)
		fail_msg("%s: cannot read it", path);
	img = read_whole_file(f, &len);
	assert_non_null(img);
	assert_int_equal(image_identify(img, len, desc, sizeof(desc)), IMAGE_BZIMAGE);
	cfg.ram = ram;
	cfg.cmdline = "console=ttyS0 nokaslr";
	if (image_plan(img, len, &cfg, plan))
		fail_msg("%s: %s", path, plan->error);
	assert_int_equal(plan->cpu.mode, LOAD_CPU_LONG64);
	assert_int_equal(load_plan_find(plan, "kernel")->gpa, 0x1000000);
	assert_non_null(load_plan_find(plan, "kernel init_size"));
	{
		const struct boot_params *bp = load_plan_find(plan, "zero page")->src;

		printf("# %s: %s, %u setup sectors, init_size 0x%x, cmdline_size %u, xloadflags 0x%x\n",
		       path, desc, bp->hdr.setup_sects, bp->hdr.init_size, bp->hdr.cmdline_size,
		       bp->hdr.xloadflags);
	}
	free(img);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(layout_64bit_entry, setup, teardown),
		cmocka_unit_test_setup_teardown(layout_32bit_entry, setup, teardown),
		cmocka_unit_test_setup_teardown(no_kernel64_flag, setup, teardown),
		cmocka_unit_test_setup_teardown(initrd_placed_high, setup, teardown),
		cmocka_unit_test_setup_teardown(initrd_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(cmdline_size, setup, teardown),
		cmocka_unit_test_setup_teardown(old_protocol_and_zimage, setup, teardown),
		cmocka_unit_test_setup_teardown(setup_sects_zero_means_four, setup, teardown),
		cmocka_unit_test_setup_teardown(truncated, setup, teardown),
		cmocka_unit_test_setup_teardown(kernel_placement, setup, teardown),
		cmocka_unit_test_setup_teardown(memory_map, setup, teardown),
		cmocka_unit_test_setup_teardown(real_vmlinuz, setup, teardown),	/* last */
	};
	char path[512];
	size_t n = sizeof(tests) / sizeof(tests[0]);

	return _cmocka_run_group_tests("image_bzimage", tests, find_vmlinuz(path, sizeof(path)) ? n : n - 1,
				       NULL, NULL);
}
