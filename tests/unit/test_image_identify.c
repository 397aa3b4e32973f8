/* image_identify and image_plan on files that are not kernels slotvisor loads. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/errno.h"
#include "image_test.h"

static char desc[160];

static int identify(const void *p, u64 len)
{
	/* An exact-size copy: any read past len is an ASan report. */
	void *copy = malloc(len ? len : 1);
	int r;

	memcpy(copy, p, len);
	r = image_identify(copy, len, desc, sizeof(desc));
	free(copy);
	return r;
}

static void expect(const void *p, u64 len, const char *what)
{
	assert_int_equal(identify(p, len), -ENOEXEC);
	assert_string_equal(desc, what);
}

static void compressed_and_archives(void **state)
{
	expect("\x1f\x8b\x08\x00", 4, "gzip data");
	expect("\xfd" "7zXZ\0\0\0", 8, "xz data");
	expect("\x28\xb5\x2f\xfd\x00", 5, "zstd data");
	expect("BZh91AY", 7, "bzip2 data");
	expect("070701000000", 12, "a cpio archive (newc): an initramfs, not a kernel");
	expect("#!/bin/sh\n", 10, "a script");
	expect("", 0, "an empty file");
}

static void elf_without_multiboot(void **state)
{
	u8 e[64] = { 0x7f, 'E', 'L', 'F', 2, 1, 1 };

	put16(e + 16, 2);
	put16(e + 18, 62);
	expect(e, sizeof(e), "ELF64 x86-64 executable without a multiboot v1 header");
	put16(e + 16, 3);
	expect(e, sizeof(e), "ELF64 x86-64 shared object or PIE without a multiboot v1 header");
	e[4] = 1;
	put16(e + 16, 1);
	put16(e + 18, 3);
	expect(e, sizeof(e), "ELF32 i386 relocatable object without a multiboot v1 header");
	put16(e + 18, 183);
	put16(e + 16, 2);
	expect(e, sizeof(e), "ELF32 non-x86 executable without a multiboot v1 header");
	/* Too short for e_machine: still no overread. */
	assert_int_equal(identify(e, 8), -ENOEXEC);
}

static void pe_and_multiboot2(void **state)
{
	static u8 buf[0x3000];

	memset(buf, 0, sizeof(buf));
	memcpy(buf, "MZ", 2);
	expect(buf, sizeof(buf), "a PE/COFF (MZ) executable without a Linux setup header");
	/* An EFI-stub bzImage is MZ too, but has HdrS: that wins. */
	memcpy(buf + 0x202, "HdrS", 4);
	put16(buf + 0x206, 0x020f);
	assert_int_equal(identify(buf, sizeof(buf)), IMAGE_BZIMAGE);
	assert_string_equal(desc, "Linux bzImage, boot protocol 2.15");
	memset(buf, 0, sizeof(buf));
	put32(buf + 0x1000, 0xe85250d6);
	expect(buf, sizeof(buf), "a multiboot2 kernel (slotvisor loads multiboot v1)");
}

static void unknown_bytes(void **state)
{
	expect("\xde\xad\xbe\xef\x01", 5, "an unknown format, first bytes: de ad be ef 01");
	expect("0123456789abcdefXYZ", 19,
	       "an unknown format, first bytes: 30 31 32 33 34 35 36 37 38 39 61 62 63 64 65 66");
}

static void plan_names_what_was_found(void **state)
{
	struct load_plan *plan = plan_new();
	struct load_config cfg = test_config();

	assert_plan_error(image_plan("\x1f\x8b\x08", 3, &cfg, plan), plan, -ENOEXEC,
			  "not a bzImage or multiboot v1 kernel: gzip data");
	free(plan);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(compressed_and_archives),
		cmocka_unit_test(elf_without_multiboot),
		cmocka_unit_test(pe_and_multiboot2),
		cmocka_unit_test(unknown_bytes),
		cmocka_unit_test(plan_names_what_was_found),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
