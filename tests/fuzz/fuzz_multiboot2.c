/*
 * The multiboot2 boot information (boot/multiboot2.c), as the boot loader
 * writes it: every tag, the memory map and the EFI memory map's conversion,
 * modules, the framebuffer, the RSDP copy.  The input is the information
 * itself (8-aligned, exactly its size, so ASan sees any read past it).
 */
#include "boot/multiboot2.h"
#include "lib/errno.h"
#include "fuzz.h"

static struct boot_info bi;

static bool in_buf(const void *p, u64 len, const u8 *buf, u64 size)
{
	return (const u8 *)p >= buf && len <= size && (u64)((const u8 *)p - buf) <= size - len;
}

/* A string bi points at lies in the information and ends there. */
static void check_string(const char *s, const u8 *buf, u64 size, const char *what)
{
	if (!*s)
		return;
	FUZZ_CHECK(in_buf(s, 1, buf, size), "%s points outside the information", what);
	FUZZ_CHECK(memchr(s, 0, buf + size - (const u8 *)s), "%s runs past the information", what);
}

static void check_info(const u8 *buf, u64 size)
{
	const char *args;

	FUZZ_CHECK(bi.total_size <= size, "total_size %u of %llu bytes", bi.total_size,
		   (unsigned long long)size);
	FUZZ_CHECK(bi.nr_mmap <= BOOT_MMAP_MAX && bi.nr_modules <= BOOT_MODULES_MAX,
		   "%u mmap entries, %u modules", bi.nr_mmap, bi.nr_modules);
	check_string(bi.cmdline, buf, size, "cmdline");
	check_string(bi.loader_name, buf, size, "loader name");
	for (unsigned int i = 0; i < bi.nr_modules; i++) {
		FUZZ_CHECK(bi.modules[i].start <= bi.modules[i].end,
			   "module %u ends before it starts", i);
		check_string(bi.modules[i].cmdline, buf, size, "module string");
	}
	for (unsigned int i = 0; bi.mmap_from_efi && i < bi.nr_mmap; i++)
		FUZZ_CHECK(bi.mmap[i].addr + bi.mmap[i].len >= bi.mmap[i].addr,
			   "EFI-converted entry %u wraps", i);
	if (bi.rsdp)
		FUZZ_CHECK(in_buf(bi.rsdp, bi.rsdp_len, buf, size),
			   "RSDP copy outside the information");
	if (bi.fb.valid)
		FUZZ_CHECK(bi.fb.size == (u64)bi.fb.pitch * bi.fb.height && bi.fb.width &&
			   bi.fb.height,
			   "framebuffer %ux%u pitch %u size %llu", bi.fb.width, bi.fb.height,
			   bi.fb.pitch, (unsigned long long)bi.fb.size);
	boot_find_module(&bi, "kernel", &args, 0);
	boot_find_module(&bi, "initrd", &args, 1);
	mb2_print(&bi);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	u8 *buf;
	int ret;

	if (size > 0xffffffffULL)	/* max_size is a u32 */
		return 0;
	buf = malloc(size ? size : 1);	/* malloc's alignment is at least the 8 multiboot2 wants */
	if (!buf)
		abort();
	memcpy(buf, data, size);
	ret = mb2_parse(buf, (u32)size, &bi);
	if (ret)
		FUZZ_CHECK(ret == -EINVAL && bi.error[0], "refused (%d) without a message", ret);
	else
		check_info(buf, size);
	free(buf);
	return 0;
}
