/* Boot information: what the loader told us, as the rest of the boot used it. */
#include "arch/acpi.h"
#include "arch/memory.h"
#include "arch/x86/setup.h"
#include "ktest.h"
#include "lib/string.h"

/* The runner's test ISO carries this module (scripts/mkiso.sh). */
#define TEST_MODULE_CMDLINE "slotvisor-test-module"
#define TEST_MODULE_TEXT "slotvisor test module\n"

KTEST(test_boot_info_parsed, "boot.info")
{
	const struct boot_info *bi = &boot_info;
	u64 avail_above_1m = 0;

	KT_ASSERT(t, strstr(bi->loader_name, "GRUB"),
		  "expected a GRUB loader name, saw \"%s\"", bi->loader_name);
	KT_ASSERT(t, strstr(bi->cmdline, "slotvisor.test="),
		  "expected slotvisor.test= in the command line, saw \"%s\"", bi->cmdline);
	KT_ASSERT(t, bi->nr_mmap > 0, "expected memory map entries, saw none");
	for (unsigned int i = 0; i < bi->nr_mmap; i++) {
		const struct boot_mmap_entry *e = &bi->mmap[i];

		if (e->type == MB2_MEMORY_AVAILABLE && e->addr + e->len > MiB(1))
			avail_above_1m += e->addr + e->len - MAX(e->addr, MiB(1));
	}
	KT_ASSERT(t, avail_above_1m >= MiB(64),
		  "expected >= 64 MiB available above 1 MiB, saw %llu KiB",
		  (unsigned long long)(avail_above_1m >> 10));
}

KTEST(test_boot_module, "boot.module")
{
	const struct boot_info *bi = &boot_info;
	const struct boot_module *m = NULL;

	for (unsigned int i = 0; i < bi->nr_modules; i++) {
		if (!strcmp(bi->modules[i].cmdline, TEST_MODULE_CMDLINE))
			m = &bi->modules[i];
	}
	KT_ASSERT(t, m, "expected a module with command line \"%s\", saw %u modules",
		  TEST_MODULE_CMDLINE, bi->nr_modules);
	KT_ASSERT(t, m->end - m->start == strlen(TEST_MODULE_TEXT),
		  "expected a %zu-byte module, saw %llu bytes", strlen(TEST_MODULE_TEXT),
		  (unsigned long long)(m->end - m->start));
	KT_ASSERT(t, !memcmp(phys_to_virt(m->start), TEST_MODULE_TEXT, strlen(TEST_MODULE_TEXT)),
		  "expected the module to hold \"slotvisor test module\", it differs");
}

KTEST(test_boot_acpi, "boot.acpi")
{
	struct acpi_pm pm;
	int err;

	KT_ASSERT(t, boot_info.rsdp, "expected an ACPI RSDP tag from the loader, saw none");
	err = acpi_get_pm(&pm);
	KT_ASSERT(t, err == 0, "expected the FADT and \\_S5 to be found, saw error %d", err);
	KT_ASSERT(t, pm.pm1a_cnt != 0, "expected a PM1a control port, saw 0");
}
