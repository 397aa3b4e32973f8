/*
 * The multiboot v1 loader (loader/multiboot1.c: ELF32 and the a.out
 * kludge, kvm-unit-tests' .flat files) on any file a user hands make run
 * KERNEL=: planned with two modules and a command line into RAM in two
 * pieces (plan_check.h), and through image_plan()'s dispatch.
 */
#include "plan_check.h"

static const char env[] = "NR_CPUS=1\nMEMSIZE=64\n";
static const u8 second[0x1800] = { 0x33 };
static const struct load_module modules[] = {
	{ env, sizeof(env) - 1, "env" }, { second, sizeof(second), NULL },
};

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	static struct load_plan plan;
	struct load_config cfg = {
		.ram = fuzz_ram, .nr_ram = ARRAY_SIZE(fuzz_ram),
		.reserved = fuzz_reserved, .nr_reserved = ARRAY_SIZE(fuzz_reserved),
		.cmdline = "tsc.flat arg1 arg2",
		.modules = modules, .nr_modules = ARRAY_SIZE(modules),
	};

	check_identify(data, size);
	check_plan(mb1_plan(data, size, &cfg, &plan), &plan, data, size, &cfg);
	cfg.nr_modules = 0;
	cfg.cmdline = NULL;
	check_plan(image_plan(data, size, &cfg, &plan), &plan, data, size, &cfg);
	return 0;
}
