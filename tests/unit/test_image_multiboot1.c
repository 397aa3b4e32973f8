/* mb1_plan on multiboot v1 kernels built in the test: ELF32 and a.out kludge. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/errno.h"
#include "loader/multiboot1.h"
#include "image_test.h"
#include "read_file.h"

/* kvm-unit-tests' shape: text at 4 MiB + headers, data with a large bss. */
#define TEXT_OFF 0x1000
#define TEXT_PADDR 0x400000
#define TEXT_LEN 0x200
#define DATA_OFF 0x2000
#define DATA_PADDR 0x401000
#define DATA_FILESZ 0x40
#define DATA_MEMSZ 0x3000
#define ELF_LEN (DATA_OFF + DATA_FILESZ)
#define ENTRY (TEXT_PADDR + 0x20)

static u8 elf[0x4000];
static u64 elf_len;
static struct load_plan *plan;

static void phdr(unsigned int i, u32 type, u32 off, u32 vaddr, u32 paddr, u32 filesz, u32 memsz)
{
	u8 *p = elf + 52 + i * 32;

	put32(p, type);
	put32(p + 4, off);
	put32(p + 8, vaddr);
	put32(p + 12, paddr);
	put32(p + 16, filesz);
	put32(p + 20, memsz);
	put32(p + 24, 7);
	put32(p + 28, 0x1000);
}

static void mb_header(u64 off, u32 flags)
{
	put32(elf + off, MB1_HEADER_MAGIC);
	put32(elf + off + 4, flags);
	put32(elf + off + 8, -(MB1_HEADER_MAGIC + flags));
}

/* An ELF32 i386 executable with two PT_LOADs and a multiboot header at the text's start. */
static void elf_build(void)
{
	memset(elf, 0, sizeof(elf));
	memcpy(elf, "\x7f" "ELF\x01\x01\x01", 7);
	put16(elf + 16, 2);		/* ET_EXEC */
	put16(elf + 18, 3);		/* EM_386 */
	put32(elf + 20, 1);
	put32(elf + 24, ENTRY);
	put32(elf + 28, 52);		/* e_phoff */
	put16(elf + 40, 52);
	put16(elf + 42, 32);		/* e_phentsize */
	put16(elf + 44, 3);		/* e_phnum: two loads and a note */
	phdr(0, 1, TEXT_OFF, TEXT_PADDR, TEXT_PADDR, TEXT_LEN, TEXT_LEN);
	phdr(1, 1, DATA_OFF, DATA_PADDR, DATA_PADDR, DATA_FILESZ, DATA_MEMSZ);
	phdr(2, 4, 0, 0, 0, 0, 0);	/* PT_NOTE: ignored */
	mb_header(TEXT_OFF, 0);
	for (unsigned int i = 12; i < TEXT_LEN; i++)
		elf[TEXT_OFF + i] = (u8)(0x90 + i);
	for (unsigned int i = 0; i < DATA_FILESZ; i++)
		elf[DATA_OFF + i] = (u8)(i + 1);
	elf_len = ELF_LEN;
}

static int setup(void **state)
{
	plan = plan_new();
	elf_build();
	return 0;
}

static int teardown(void **state)
{
	free(plan);
	free(guest_ram);
	guest_ram = NULL;
	return 0;
}

static int run(const struct load_config *cfg)
{
	return image_plan(elf, elf_len, cfg, plan);
}

static const struct mb1_info *info_of(const u8 *ram)
{
	return (const struct mb1_info *)(ram + plan->cpu.rbx);
}

static void elf_layout(void **state)
{
	static const char env[] = "NR_CPUS=1\nMEMSIZE=64\n";
	static u8 second[0x1800];
	struct load_module mods[2] = { { env, sizeof(env) - 1, "env" }, { second, sizeof(second), NULL } };
	struct load_config cfg = test_config();
	const struct mb1_module *m;
	const struct mb1_mmap_entry *mm;
	const struct mb1_info *info;
	u8 *ram;

	memset(second, 0x33, sizeof(second));
	cfg.cmdline = "msr.flat arg1 arg2";
	cfg.modules = mods;
	cfg.nr_modules = 2;
	assert_int_equal(run(&cfg), 0);
	assert_int_equal(plan->format, IMAGE_MULTIBOOT1);
	assert_int_equal(plan->cpu.mode, LOAD_CPU_PROT32);
	assert_int_equal(plan->cpu.rip, ENTRY);
	assert_int_equal(plan->cpu.rax, 0x2BADB002);
	assert_non_null(load_plan_find(plan, "segment 0"));
	assert_int_equal(load_plan_find(plan, "segment 1")->len, DATA_FILESZ);
	assert_non_null(load_plan_find(plan, "bss 1"));
	assert_int_equal(load_plan_find(plan, "bss 1")->gpa, DATA_PADDR + DATA_FILESZ);
	assert_int_equal(load_plan_find(plan, "bss 1")->kind, LOAD_COPY_ZERO);
	assert_null(load_plan_find(plan, "bss 0"));

	ram = plan_apply(plan);
	assert_memory_equal(ram + TEXT_PADDR, elf + TEXT_OFF, TEXT_LEN);
	assert_memory_equal(ram + DATA_PADDR, elf + DATA_OFF, DATA_FILESZ);
	for (u64 a = DATA_PADDR + DATA_FILESZ; a < DATA_PADDR + DATA_MEMSZ; a++)
		assert_int_equal(ram[a], 0);		/* bss zeroed over the poison */
	/* The information low at 0x9000 (after the GDT), as QEMU puts it; modules after the kernel. */
	assert_int_equal(plan->cpu.rbx, 0x9000 + 32);
	assert_int_equal(load_plan_find(plan, "boot information")->gpa, 0x9000);
	assert_int_equal(plan->cpu.gdt_base, 0x9000);
	info = info_of(ram);
	assert_int_equal(info->flags, MB1_INFO_MEMORY | MB1_INFO_CMDLINE | MB1_INFO_MODS |
				      MB1_INFO_MEM_MAP | MB1_INFO_BOOT_LOADER_NAME);
	assert_int_equal(info->mem_lower, 640);
	assert_int_equal(info->mem_upper, (TEST_RAM_SIZE - MiB(1)) / 1024);
	assert_string_equal((const char *)ram + info->cmdline, "msr.flat arg1 arg2");
	assert_string_equal((const char *)ram + info->boot_loader_name, "slotvisor");
	assert_int_equal(info->mods_count, 2);
	m = (const struct mb1_module *)(ram + info->mods_addr);
	assert_int_equal(m[0].mod_start, DATA_PADDR + DATA_MEMSZ);	/* the page after the bss */
	assert_int_equal(m[0].mod_end - m[0].mod_start, sizeof(env) - 1);
	assert_memory_equal(ram + m[0].mod_start, env, sizeof(env) - 1);
	assert_string_equal((const char *)ram + m[0].string, "env");
	assert_int_equal(m[1].mod_start % 4096, 0);
	assert_true(m[1].mod_start >= m[0].mod_end);
	assert_memory_equal(ram + m[1].mod_start, second, sizeof(second));
	assert_string_equal((const char *)ram + m[1].string, "");
	assert_int_equal(info->mmap_length, 3 * 24);
	mm = (const struct mb1_mmap_entry *)(ram + info->mmap_addr);
	assert_int_equal(mm[0].size, 20);
	assert_int_equal(mm[0].addr, 0);
	assert_int_equal(mm[0].len, 0xa0000);
	assert_int_equal(mm[0].type, 1);
	assert_int_equal(mm[1].type, 2);
	assert_int_equal(mm[2].addr, 0x100000);
	assert_int_equal(mm[2].len, TEST_RAM_SIZE - 0x100000);
	/* A flat 32-bit GDT for the entry state. */
	assert_int_equal(get64(ram + plan->cpu.gdt_base + 0x10), 0x00cf9b000000ffffULL);
	assert_int_equal(get64(ram + plan->cpu.gdt_base + 0x18), 0x00cf93000000ffffULL);
	assert_int_equal(plan->cpu.cs, 0x10);
	assert_int_equal(plan->cpu.ds, 0x18);
}

/* Like kvm-unit-tests' realmode.flat, linked at 0x8000: the information goes after it. */
static void low_kernel(void **state)
{
	struct load_config cfg = test_config();
	const struct mb1_info *info;
	u8 *ram;

	phdr(0, 1, TEXT_OFF, 0x8000, 0x8000, TEXT_LEN, TEXT_LEN);
	phdr(1, 1, DATA_OFF, 0x9000, 0x9000, DATA_FILESZ, DATA_MEMSZ);
	put32(elf + 24, 0x8020);
	cfg.cmdline = "realmode.flat";
	assert_int_equal(run(&cfg), 0);
	assert_int_equal(load_plan_find(plan, "boot information")->gpa, 0xc000);
	ram = plan_apply(plan);
	info = info_of(ram);
	assert_string_equal((const char *)ram + info->cmdline, "realmode.flat");
	assert_int_equal(info->mmap_length, 3 * 24);
}

static void no_modules_no_cmdline(void **state)
{
	struct load_config cfg = test_config();
	const struct mb1_info *info;
	u8 *ram;

	assert_int_equal(run(&cfg), 0);
	ram = plan_apply(plan);
	info = info_of(ram);
	assert_false(info->flags & MB1_INFO_MODS);
	assert_int_equal(info->mods_count, 0);
	assert_string_equal((const char *)ram + info->cmdline, "");
}

/* A higher-half style ELF: vaddr differs from paddr; the entry moves with it. */
static void entry_translated(void **state)
{
	struct load_config cfg = test_config();

	phdr(0, 1, TEXT_OFF, 0xc0400000, TEXT_PADDR, TEXT_LEN, TEXT_LEN);
	put32(elf + 24, 0xc0400020);
	assert_int_equal(run(&cfg), 0);
	assert_int_equal(plan->cpu.rip, ENTRY);
	assert_int_equal(load_plan_find(plan, "segment 0")->gpa, TEXT_PADDR);
	/* An entry in no segment */
	put32(elf + 24, 0x12345678);
	assert_plan_error(run(&cfg), plan, -ENOEXEC, "entry point 0x12345678");
}

static void header_rules(void **state)
{
	struct load_config cfg = test_config();
	char desc[128];

	put32(elf + TEXT_OFF + 8, 0x1234);
	assert_plan_error(run(&cfg), plan, -ENOEXEC, "bad checksum");
	elf_build();
	mb_header(TEXT_OFF, MB1_PAGE_ALIGN | MB1_MEMORY_INFO);
	assert_int_equal(run(&cfg), 0);
	mb_header(TEXT_OFF, MB1_VIDEO_MODE);
	assert_plan_error(run(&cfg), plan, -ENOEXEC, "video mode");
	mb_header(TEXT_OFF, BIT(5));
	assert_plan_error(run(&cfg), plan, -ENOEXEC, "features 0x20");
	/* Unknown optional bits (16-31 other than the kludge) are fine. */
	mb_header(TEXT_OFF, BIT(20));
	assert_int_equal(run(&cfg), 0);
	/* Only 4-byte aligned headers count. */
	memset(elf + TEXT_OFF, 0, 12);
	mb_header(TEXT_OFF + 2, 0);
	assert_int_equal(image_identify(elf, elf_len, desc, sizeof(desc)), -ENOEXEC);
	assert_string_equal(desc, "ELF32 i386 executable without a multiboot v1 header");
	/* Past the first 8192 bytes: not found either. */
	elf_build();
	memset(elf + TEXT_OFF, 0, 12);
	mb_header(0x2000, 0);
	assert_plan_error(run(&cfg), plan, -ENOEXEC, "without a multiboot v1 header");
	mb_header(0x2000 - 12, 0);
	assert_int_equal(image_identify(elf, elf_len, desc, sizeof(desc)), IMAGE_MULTIBOOT1);
	assert_string_equal(desc, "multiboot v1 kernel (header at offset 0x1ff4)");
}

static void elf_rules(void **state)
{
	struct load_config cfg = test_config();

	elf[4] = 2;		/* ELFCLASS64 */
	assert_plan_error(run(&cfg), plan, -ENOEXEC, "ELF64 with a multiboot v1 header");
	elf_build();
	put16(elf + 18, 62);	/* EM_X86_64 in an ELF32 */
	assert_plan_error(run(&cfg), plan, -ENOEXEC, "machine 62");
	elf_build();
	memcpy(elf, "\x7f" "ELX", 4);
	assert_plan_error(run(&cfg), plan, -ENOEXEC, "not ELF");
	elf_build();
	put32(elf + 28, 0x3ff0);	/* program headers past the end */
	assert_plan_error(run(&cfg), plan, -EINVAL, "program headers");
	elf_build();
	put16(elf + 42, 16);
	assert_plan_error(run(&cfg), plan, -EINVAL, "program headers");
	elf_build();
	phdr(0, 2, 0, 0, 0, 0, 0);
	phdr(1, 2, 0, 0, 0, 0, 0);
	assert_plan_error(run(&cfg), plan, -ENOEXEC, "without loadable segments");
}

static void segment_errors(void **state)
{
	struct load_config cfg = test_config();

	phdr(1, 1, DATA_OFF, DATA_PADDR, DATA_PADDR, DATA_MEMSZ + 1, DATA_MEMSZ);
	assert_plan_error(run(&cfg), plan, -EINVAL, "segment 1: file size 0x3001 exceeds memory size 0x3000");
	phdr(1, 1, DATA_OFF + 0x10, DATA_PADDR, DATA_PADDR, DATA_FILESZ, DATA_MEMSZ);
	assert_plan_error(run(&cfg), plan, -EINVAL, "beyond the end of the file");
	phdr(1, 1, 0xfffffff0, DATA_PADDR, DATA_PADDR, 0x20, DATA_MEMSZ);
	assert_plan_error(run(&cfg), plan, -EINVAL, "beyond the end of the file");
	/* overlapping segments */
	phdr(1, 1, DATA_OFF, DATA_PADDR, TEXT_PADDR + 0x100, DATA_FILESZ, DATA_MEMSZ);
	assert_plan_error(run(&cfg), plan, -EINVAL, "segment 0 [0x400000, 0x400200) overlaps segment 1");
	/* outside RAM, in the legacy hole, past 4 GiB */
	phdr(1, 1, DATA_OFF, DATA_PADDR, TEST_RAM_SIZE - 0x1000, DATA_FILESZ, DATA_MEMSZ);
	assert_plan_error(run(&cfg), plan, -E2BIG, "segment 1 [0x3fff000, 0x4002000) is not in RAM");
	phdr(1, 1, DATA_OFF, DATA_PADDR, 0xb8000, DATA_FILESZ, DATA_MEMSZ);
	assert_plan_error(run(&cfg), plan, -E2BIG, "not in RAM");
	phdr(1, 1, DATA_OFF, DATA_PADDR, 0xfffff000, DATA_FILESZ, DATA_MEMSZ);
	assert_plan_error(run(&cfg), plan, -E2BIG, "not in RAM");
	/* more segments than a plan holds */
	elf_build();
	put16(elf + 44, 17);
	for (unsigned int i = 0; i < 17; i++)
		phdr(i, 1, DATA_OFF, DATA_PADDR, 0x500000 + i * 0x1000, 0x10, 0x10);
	phdr(0, 1, TEXT_OFF, TEXT_PADDR, TEXT_PADDR, TEXT_LEN, TEXT_LEN);
	assert_plan_error(run(&cfg), plan, -E2BIG, "more than 16 loadable segments");
}

static void info_does_not_fit(void **state)
{
	struct load_config cfg = test_config();
	char *longest = malloc(LOAD_CMDLINE_MAX + 1);
	static u8 mod[16];
	struct load_module mods[LOAD_MAX_MODULES + 1];

	/* The kernel's bss runs to the end of RAM: the information still fits low, a module does not. */
	phdr(1, 1, DATA_OFF, DATA_PADDR, DATA_PADDR, DATA_FILESZ, TEST_RAM_SIZE - DATA_PADDR);
	assert_int_equal(run(&cfg), 0);
	assert_int_equal(load_plan_find(plan, "boot information")->gpa, 0x9000);
	mods[0] = (struct load_module){ mod, sizeof(mod), "m" };
	cfg.modules = mods;
	cfg.nr_modules = 1;
	assert_plan_error(run(&cfg), plan, -E2BIG, "module 0 [0x4001000, 0x4001010) does not fit");
	cfg.nr_modules = 0;
	/* A kernel over the low page too: no room anywhere for the information. */
	phdr(0, 1, TEXT_OFF, 0x1000, 0x1000, TEXT_LEN, 0x9f000);
	put32(elf + 24, 0x1000);
	assert_plan_error(run(&cfg), plan, -E2BIG, "boot information");
	elf_build();
	memset(longest, 'a', LOAD_CMDLINE_MAX);
	longest[LOAD_CMDLINE_MAX] = '\0';
	cfg.cmdline = longest;
	assert_plan_error(run(&cfg), plan, -E2BIG, "command line is at least 4096 bytes");
	longest[LOAD_CMDLINE_MAX - 1] = '\0';
	assert_int_equal(run(&cfg), 0);
	free(longest);
	cfg.cmdline = NULL;
	for (unsigned int i = 0; i < ARRAY_SIZE(mods); i++)
		mods[i] = (struct load_module){ mod, sizeof(mod), "m" };
	cfg.modules = mods;
	cfg.nr_modules = ARRAY_SIZE(mods);
	assert_plan_error(run(&cfg), plan, -E2BIG, "9 modules, at most 8");
	cfg.nr_modules = LOAD_MAX_MODULES;
	assert_int_equal(run(&cfg), 0);
	mods[1].data = NULL;
	assert_plan_error(run(&cfg), plan, -EINVAL, "module 1 has no data");
}

static void truncated(void **state)
{
	struct load_config cfg = test_config();

	check_truncations(elf, elf_len, elf_len, &cfg, plan);
}

/* A raw binary with the a.out kludge: header 0x20 bytes in, loaded at 1 MiB. */
static void aout_kludge(void **state)
{
	struct load_config cfg = test_config();
	u8 *ram;

	memset(elf, 0, sizeof(elf));
	for (unsigned int i = 0; i < 0x300; i++)
		elf[i] = (u8)(i ^ 0x5a);
	mb_header(0x20, MB1_AOUT_KLUDGE);
	put32(elf + 0x2c, 0x100020);	/* header_addr */
	put32(elf + 0x30, 0x100000);	/* load_addr */
	put32(elf + 0x34, 0);		/* load_end_addr: the whole file */
	put32(elf + 0x38, 0x102000);	/* bss_end_addr */
	put32(elf + 0x3c, 0x100040);	/* entry_addr */
	elf_len = 0x300;
	assert_int_equal(run(&cfg), 0);
	assert_int_equal(plan->cpu.rip, 0x100040);
	assert_int_equal(load_plan_find(plan, "segment 0")->len, 0x300);
	assert_int_equal(load_plan_find(plan, "bss 0")->gpa, 0x100300);
	assert_int_equal(load_plan_find(plan, "bss 0")->len, 0x2000 - 0x300);
	ram = plan_apply(plan);
	assert_memory_equal(ram + 0x100000, elf, 0x300);
	assert_int_equal(ram[0x101fff], 0);
	assert_int_equal(load_plan_find(plan, "boot information")->gpa, 0x9000);
	/* load_end_addr 0 takes what the file has: only prefixes without the entry fail. */
	check_truncations(elf, elf_len, 0x41, &cfg, plan);

	put32(elf + 0x34, 0x100200);	/* load part of the file */
	put32(elf + 0x38, 0);		/* no bss */
	assert_int_equal(run(&cfg), 0);
	assert_int_equal(load_plan_find(plan, "segment 0")->len, 0x200);
	assert_null(load_plan_find(plan, "bss 0"));
	put32(elf + 0x30, 0x100030);	/* load_addr above header_addr */
	assert_plan_error(run(&cfg), plan, -EINVAL, "before the file's start");
	put32(elf + 0x30, 0x0fffe0);	/* text would start before the file */
	assert_plan_error(run(&cfg), plan, -EINVAL, "before the file's start");
	put32(elf + 0x30, 0x100000);
	put32(elf + 0x34, 0x100400);	/* load_end beyond the file */
	assert_plan_error(run(&cfg), plan, -EINVAL, "is not in the file");
	put32(elf + 0x34, 0x100200);
	put32(elf + 0x38, 0x100100);	/* bss_end below load_end */
	assert_plan_error(run(&cfg), plan, -EINVAL, "bss_end_addr 0x100100 below");
	put32(elf + 0x38, 0);
	put32(elf + 0x3c, 0x200000);	/* entry outside */
	assert_plan_error(run(&cfg), plan, -ENOEXEC, "entry point");
}

/*
 * kvm-unit-tests binaries named in $SLOTVISOR_FLAT (space separated): an
 * opt-in check (docs/testing.md), registered only when the variable is set.
 */
static void real_flat(void **state)
{
	static const char env[] = "NR_CPUS=1\nMEMSIZE=64\n";
	struct load_module m = { env, sizeof(env) - 1, NULL };
	struct load_config cfg = test_config();
	const char *list = getenv("SLOTVISOR_FLAT");
	char path[512], desc[128];

	assert_true(list && *list);
	cfg.modules = &m;
	cfg.nr_modules = 1;
	while (sscanf(list, "%511s", path) == 1) {
		FILE *f = fopen(path, "rb");
		u8 *img;
		long len;

		assert_non_null(f);
		img = read_whole_file(f, &len);
		assert_non_null(img);
		assert_int_equal(image_identify(img, len, desc, sizeof(desc)), IMAGE_MULTIBOOT1);
		cfg.cmdline = path;
		if (image_plan(img, len, &cfg, plan))
			fail_msg("%s: %s", path, plan->error);
		printf("# %s: %s, entry 0x%llx, info at 0x%llx,", path, desc, plan->cpu.rip,
		       plan->cpu.rbx);
		for (unsigned int i = 0; i < plan->nr_copies; i++)
			printf(" %s [0x%llx, +0x%llx)", plan->copies[i].what, plan->copies[i].gpa,
			       plan->copies[i].len);
		printf("\n");
		free(img);
		list = strstr(list, path) + strlen(path);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(elf_layout, setup, teardown),
		cmocka_unit_test_setup_teardown(no_modules_no_cmdline, setup, teardown),
		cmocka_unit_test_setup_teardown(low_kernel, setup, teardown),
		cmocka_unit_test_setup_teardown(entry_translated, setup, teardown),
		cmocka_unit_test_setup_teardown(header_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(elf_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(segment_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(info_does_not_fit, setup, teardown),
		cmocka_unit_test_setup_teardown(truncated, setup, teardown),
		cmocka_unit_test_setup_teardown(aout_kludge, setup, teardown),
		cmocka_unit_test_setup_teardown(real_flat, setup, teardown),	/* last */
	};
	const char *flat = getenv("SLOTVISOR_FLAT");
	size_t n = sizeof(tests) / sizeof(tests[0]);

	return _cmocka_run_group_tests("image_multiboot1", tests, flat && *flat ? n : n - 1, NULL,
				       NULL);
}
