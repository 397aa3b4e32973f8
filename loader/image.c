/*
 * Recognising a guest image: a Linux bzImage ("HdrS" at 0x202), a
 * multiboot v1 kernel (its magic, 4-byte aligned, in the first 8192
 * bytes), or a description of what else the file is, so that a user who
 * passed a compressed vmlinux or an ELF64 learns that from the message.
 */
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "loader/image.h"
#include "loader/multiboot1.h"

#define MB2_HEADER_MAGIC 0xe85250d6
#define MB2_SEARCH_LEN 32768
#define ELF_CLASS32 1
#define ELF_CLASS64 2
#define ET_REL 1
#define ET_EXEC 2
#define ET_DYN 3
#define EM_386 3
#define EM_X86_64 62

static u32 rd32(const u8 *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (u32)p[3] << 24;
}

static u16 rd16(const u8 *p)
{
	return p[0] | p[1] << 8;
}

/* The offset of a 4-byte aligned magic in the first `window` bytes, or -1. */
static s64 find_magic(const u8 *p, u64 len, u64 window, u32 magic)
{
	u64 end = MIN(len, window);

	for (u64 off = 0; off + 4 <= end; off += 4) {
		if (rd32(p + off) == magic)
			return (s64)off;
	}
	return -1;
}

static const char *elf_type_name(u16 type)
{
	switch (type) {
	case ET_REL: return "relocatable object";
	case ET_EXEC: return "executable";
	case ET_DYN: return "shared object or PIE";
	default: return "file";
	}
}

static const char *elf_machine_name(u16 machine)
{
	switch (machine) {
	case EM_386: return "i386";
	case EM_X86_64: return "x86-64";
	default: return "non-x86";
	}
}

/* What a file that is neither format is, into desc. */
static void describe_other(const u8 *p, u64 len, char *desc, size_t n)
{
	static const struct {
		const char *magic;
		unsigned int len;
		const char *what;
	} magics[] = {
		{ "\x1f\x8b", 2, "gzip data" },
		{ "\xfd" "7zXZ\0", 6, "xz data" },
		{ "\x28\xb5\x2f\xfd", 4, "zstd data" },
		{ "BZh", 3, "bzip2 data" },
		{ "\x89LZO", 4, "lzop data" },
		{ "070701", 6, "a cpio archive (newc): an initramfs, not a kernel" },
		{ "070702", 6, "a cpio archive (crc): an initramfs, not a kernel" },
		{ "#!", 2, "a script" },
	};

	if (!len) {
		ksnprintf(desc, n, "an empty file");
		return;
	}
	if (len >= 20 && !memcmp(p, "\x7f" "ELF", 4)) {
		u8 cls = p[4];

		ksnprintf(desc, n, "%s %s %s without a multiboot v1 header",
			  cls == ELF_CLASS64 ? "ELF64" : cls == ELF_CLASS32 ? "ELF32" : "ELF",
			  elf_machine_name(rd16(p + 18)), elf_type_name(rd16(p + 16)));
		return;
	}
	if (len >= 2 && p[0] == 'M' && p[1] == 'Z') {
		ksnprintf(desc, n, "a PE/COFF (MZ) executable without a Linux setup header");
		return;
	}
	for (unsigned int i = 0; i < ARRAY_SIZE(magics); i++) {
		if (len >= magics[i].len && !memcmp(p, magics[i].magic, magics[i].len)) {
			ksnprintf(desc, n, "%s", magics[i].what);
			return;
		}
	}
	if (find_magic(p, len, MB2_SEARCH_LEN, MB2_HEADER_MAGIC) >= 0) {
		ksnprintf(desc, n, "a multiboot2 kernel (slotvisor loads multiboot v1)");
		return;
	}
	{
		int at = ksnprintf(desc, n, "an unknown format, first bytes:");

		for (u64 i = 0; i < MIN(len, (u64)16) && at >= 0 && (size_t)at < n; i++)
			at += ksnprintf(desc + at, n - at, " %02x", p[i]);
	}
}

int image_identify(const void *image, u64 len, char *desc, size_t desc_len)
{
	const u8 *p = image;
	s64 mb1;

	if (len >= BZ_HDRS_OFFSET + 6 && rd32(p + BZ_HDRS_OFFSET) == BZ_HDRS_MAGIC) {
		u16 v = rd16(p + BZ_HDRS_OFFSET + 4);

		ksnprintf(desc, desc_len, "Linux bzImage, boot protocol %u.%02u", v >> 8, v & 0xff);
		return IMAGE_BZIMAGE;
	}
	mb1 = find_magic(p, len, MB1_SEARCH_LEN, MB1_HEADER_MAGIC);
	if (mb1 >= 0) {
		ksnprintf(desc, desc_len, "multiboot v1 kernel (header at offset 0x%llx)", mb1);
		return IMAGE_MULTIBOOT1;
	}
	describe_other(p, len, desc, desc_len);
	return -ENOEXEC;
}

int image_plan(const void *image, u64 len, const struct load_config *cfg, struct load_plan *plan)
{
	char desc[LOAD_ERROR_LEN - 40];

	memset(plan, 0, sizeof(*plan));
	switch (image_identify(image, len, desc, sizeof(desc))) {
	case IMAGE_BZIMAGE:
		return bzimage_plan(image, len, cfg, plan);
	case IMAGE_MULTIBOOT1:
		return mb1_plan(image, len, cfg, plan);
	default:
		return load_plan_fail(plan, -ENOEXEC, "not a bzImage or multiboot v1 kernel: %s", desc);
	}
}
