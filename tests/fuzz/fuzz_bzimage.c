/*
 * The Linux bzImage loader (loader/bzimage.c) and the format check in
 * front of it (loader/image.c) on any file a user hands make run KERNEL=:
 * planned with an initrd and a command line, by the default, 32-bit and
 * 64-bit boot protocols, into RAM in two pieces (plan_check.h).
 */
#include "plan_check.h"

static const u8 initrd[0x1000] = { 0x1f, 0x8b };
static const struct load_module initrd_module = { initrd, sizeof(initrd), NULL };
static const enum linux_entry entries[] = { LINUX_ENTRY_DEFAULT, LINUX_ENTRY_32, LINUX_ENTRY_64 };

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	static struct load_plan plan;
	struct load_config cfg = {
		.ram = fuzz_ram, .nr_ram = ARRAY_SIZE(fuzz_ram),
		.reserved = fuzz_reserved, .nr_reserved = ARRAY_SIZE(fuzz_reserved),
		.cmdline = "console=ttyS0 root=/dev/vda",
		.modules = &initrd_module, .nr_modules = 1,
		.acpi_rsdp = 0xe0000,
	};

	check_identify(data, size);
	for (unsigned int i = 0; i < ARRAY_SIZE(entries); i++) {
		cfg.linux_entry = entries[i];
		check_plan(bzimage_plan(data, size, &cfg, &plan), &plan, data, size, &cfg);
	}
	cfg.nr_modules = 0;
	check_plan(image_plan(data, size, &cfg, &plan), &plan, data, size, &cfg);
	return 0;
}
