/*
 * The guest's ACPI tables (devices/acpi_build.c), read back with
 * slotvisor's own ACPI reader (arch/x86/acpi_*.c) from the fake physical
 * arena, as a guest would find them: checksums, the XSDT's pointers, the
 * FADT's DSDT, and the MADT's processors and I/O APIC.
 */
#define _GNU_SOURCE	/* memmem() */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "arch/acpi.h"
#include "devices/acpi_build.h"
#include "devices/acpi_pm.h"
#include "fake.h"
#include "lib/errno.h"

#define ARENA_SIZE 0x10000

static u8 *arena;

static const struct acpi_build_config four = {
	.nr_cpus = 4,
	.lapic_base = 0xfee00000,
	.ioapic_id = 4,
	.ioapic_base = 0xfec00000,
	.pcat_compat = true,
};

static int setup(void **state)
{
	arena = fake_mem_init(ARENA_SIZE);
	return 0;
}

static int teardown(void **state)
{
	fake_mem_exit();
	return 0;
}

/* The XSDT's i'th entry (its 64-bit entries follow a 36-byte header: unaligned). */
static const struct acpi_sdt_header *table(const struct acpi_rsdp *r, unsigned int i)
{
	u64 pa;

	memcpy(&pa, arena + (r->xsdt_address - FAKE_PHYS_BASE) + ACPI_SDT_HEADER_LEN + 8 * i,
	       sizeof(pa));
	return (const struct acpi_sdt_header *)(arena + (pa - FAKE_PHYS_BASE));
}

static void every_table_checks_out(void **state)
{
	long n = acpi_build_tables(&four, arena, FAKE_PHYS_BASE, ARENA_SIZE);
	const struct acpi_rsdp *r = (const struct acpi_rsdp *)arena;
	const struct acpi_fadt *f;

	assert_true(n > 0);
	assert_memory_equal(r->signature, "RSD PTR ", 8);
	assert_int_equal(r->revision, 2);
	assert_int_equal(acpi_checksum(r, ACPI_RSDP_V1_LEN), 0);
	assert_int_equal(acpi_checksum(r, ACPI_RSDP_V2_LEN), 0);
	assert_int_equal(r->rsdt_address, 0);
	assert_memory_equal(table(r, 0)->signature, "FACP", 4);
	assert_memory_equal(table(r, 1)->signature, "APIC", 4);
	for (unsigned int i = 0; i < 2; i++)
		assert_int_equal(acpi_checksum(table(r, i), table(r, i)->length), 0);
	f = (const struct acpi_fadt *)table(r, 0);
	const struct acpi_sdt_header *dsdt;
	assert_int_equal(f->header.length, sizeof(struct acpi_fadt));
	assert_int_equal(f->x_dsdt, f->dsdt);
	assert_true(f->flags & BIT(20));	/* hardware-reduced */
	assert_int_equal(f->firmware_ctrl, 0);	/* no FACS, no PM blocks, no SCI */
	assert_int_equal(f->pm1a_cnt_blk, 0);
	assert_int_equal(f->pm_tmr_blk, 0);
	assert_int_equal(f->sci_int, 0);
	/* The RTC's century byte (Linux reads it), and no "CMOS RTC not present" (Table 5.11 bit 5). */
	assert_int_equal(f->century, 0x32);
	assert_false(f->iapc_boot_arch & BIT(5));
	assert_memory_equal(arena + (f->x_dsdt - FAKE_PHYS_BASE), "DSDT", 4);
	dsdt = (const struct acpi_sdt_header *)(arena + (f->x_dsdt - FAKE_PHYS_BASE));
	assert_int_equal(acpi_checksum(dsdt, dsdt->length), 0);
	assert_true((u64)n <= ARENA_SIZE);
}

static void the_reader_finds_every_processor_and_the_ioapic(void **state)
{
	struct acpi_madt_info m;

	assert_true(acpi_build_tables(&four, arena, FAKE_PHYS_BASE, ARENA_SIZE) > 0);
	assert_int_equal(acpi_init(arena, ACPI_RSDP_V2_LEN), 0);
	assert_int_equal(acpi_get_madt(&m), 0);
	assert_int_equal(m.nr_cpus, 4);
	for (unsigned int i = 0; i < 4; i++)
		assert_int_equal(m.apic_id[i], i);
	assert_int_equal(m.lapic_base, 0xfee00000);
	assert_int_equal(m.nr_ioapics, 1);
	assert_int_equal(m.ioapic[0].id, 4);
	assert_int_equal(m.ioapic[0].addr, 0xfec00000);
	assert_int_equal(m.ioapic[0].gsi_base, 0);
	assert_true(m.pcat_compat);
	assert_int_equal(m.dropped, 0);
}

/*
 * The MADT's entries one at a time (*p NULL to start; NULL after the last),
 * each asserted to lie inside the table and the last to end it exactly.
 */
static const struct acpi_madt_entry *madt_next(const struct acpi_sdt_header *h, const u8 **p)
{
	const u8 *end = (const u8 *)h + h->length;
	const struct acpi_madt_entry *e;

	if (!*p)
		*p = (const u8 *)h + sizeof(struct acpi_madt);
	if (*p == end)
		return NULL;
	e = (const void *)*p;
	assert_true(*p < end && e->length >= 2 && *p + e->length <= end);
	*p += e->length;
	return e;
}

/* The MADT's other entries: IRQ 0 -> GSI 2 and the LINT1 NMI of every processor. */
static void the_madt_routes_irq0_to_gsi2(void **state)
{
	const struct acpi_rsdp *r = (const struct acpi_rsdp *)arena;
	const struct acpi_sdt_header *h;
	const struct acpi_madt_entry *e;
	const u8 *p = NULL;
	bool iso = false, nmi = false;

	assert_true(acpi_build_tables(&four, arena, FAKE_PHYS_BASE, ARENA_SIZE) > 0);
	h = table(r, 1);
	while ((e = madt_next(h, &p))) {
		if (e->type == ACPI_MADT_TYPE_ISO) {
			const struct acpi_madt_iso *o = (const void *)e;

			iso = o->source_irq == 0 && o->gsi == 2 && o->bus == 0;
		}
		if (e->type == ACPI_MADT_TYPE_LAPIC_NMI) {
			const struct acpi_madt_lapic_nmi *n = (const void *)e;

			nmi = n->processor_uid == 0xff && n->lint == 1;
		}
	}
	assert_true(iso);
	assert_true(nmi);
}

/* The FADT's DSDT, found as the guest finds it. */
static const struct acpi_sdt_header *dsdt_of(const struct acpi_rsdp *r)
{
	const struct acpi_fadt *f = (const struct acpi_fadt *)table(r, 0);

	return (const struct acpi_sdt_header *)(arena + (f->x_dsdt - FAKE_PHYS_BASE));
}

/*
 * The DSDT's AML, decoded by hand (ACPI 6.5, 20.2): COM1 in \_SB with
 * PNP0501, its eight ports at 0x3f8 and IRQ 4, then the RTC, PNP0B00 with
 * ports 0x70-0x71 and no IRQ, each package's length counting itself and
 * what follows it (the scope's in two bytes: 0x58).
 */
static void the_dsdt_describes_com1_and_the_rtc(void **state)
{
	static const u8 aml[] = {
		0x10, 0x48, 0x05, '\\', '_', 'S', 'B', '_',	/* Scope (\_SB), PkgLength 0x58 */
		0x5b, 0x82, 0x2b, 'C', 'O', 'M', '1',		/* Device (COM1), PkgLength 0x2b */
		0x08, '_', 'H', 'I', 'D', 0x0c, 0x41, 0xd0, 0x05, 0x01,	/* EisaId ("PNP0501") */
		0x08, '_', 'U', 'I', 'D', 0x00,			/* Name (_UID, Zero) */
		0x08, '_', 'C', 'R', 'S', 0x11, 0x10, 0x0a, 0x0d,	/* Buffer (13), PkgLength 0x10 */
		0x47, 0x01, 0xf8, 0x03, 0xf8, 0x03, 0x01, 0x08,	/* IO (Decode16, 0x3f8, 0x3f8, 1, 8) */
		0x22, 0x10, 0x00,				/* IRQNoFlags () {4} */
		0x79, 0x00,					/* EndTag */
		0x5b, 0x82, 0x22, 'R', 'T', 'C', '_',		/* Device (RTC_), PkgLength 0x22 */
		0x08, '_', 'H', 'I', 'D', 0x0c, 0x41, 0xd0, 0x0b, 0x00,	/* EisaId ("PNP0B00") */
		0x08, '_', 'C', 'R', 'S', 0x11, 0x0d, 0x0a, 0x0a,	/* Buffer (10), PkgLength 0x0d */
		0x47, 0x01, 0x70, 0x00, 0x70, 0x00, 0x01, 0x02,	/* IO (Decode16, 0x70, 0x70, 1, 2) */
		0x79, 0x00,					/* EndTag */
	};
	const struct acpi_sdt_header *d;

	assert_true(acpi_build_tables(&four, arena, FAKE_PHYS_BASE, ARENA_SIZE) > 0);
	d = dsdt_of((const struct acpi_rsdp *)arena);
	assert_int_equal(d->length, ACPI_SDT_HEADER_LEN + sizeof(aml));
	assert_memory_equal((const u8 *)(d + 1), aml, sizeof(aml));
}

/*
 * Two virtio-mmio devices after COM1, as Linux's virtio_mmio driver finds
 * them: _HID "LNRO0005", _UID i, a Memory32Fixed window and a level,
 * active-high, exclusive Interrupt on their GSI (ACPI 6.5, 6.4.3.4 and
 * 6.4.3.6); the scope's PkgLength now takes two bytes.
 */
static void the_dsdt_describes_virtio_mmio_devices(void **state)
{
	static const struct acpi_virtio_mmio vdevs[2] = {
		{ .base = 0xd0000000, .size = 0x200, .gsi = 16 },
		{ .base = 0xd0001000, .size = 0x200, .gsi = 17 },
	};
	static const u8 vr01[] = {
		0x5b, 0x82, 0x3b, 'V', 'R', '0', '1',			/* Device (VR01), PkgLength 0x3b */
		0x08, '_', 'H', 'I', 'D', 0x0d, 'L', 'N', 'R', 'O', '0', '0', '0', '5', 0x00,
		0x08, '_', 'U', 'I', 'D', 0x0a, 0x01,			/* Name (_UID, One) */
		0x08, '_', 'C', 'R', 'S', 0x11, 0x1a, 0x0a, 0x17,	/* Buffer (23), PkgLength 0x1a */
		0x86, 0x09, 0x00, 0x01, 0x00, 0x10, 0x00, 0xd0, 0x00, 0x02, 0x00, 0x00,
		0x89, 0x06, 0x00, 0x01, 0x01, 0x11, 0x00, 0x00, 0x00,	/* Interrupt (...) {17} */
		0x79, 0x00,
	};
	struct acpi_build_config c = four;
	const struct acpi_sdt_header *d;
	const u8 *aml;
	u32 body, scope;

	c.virtio = vdevs;
	c.nr_virtio = 2;
	assert_true(acpi_build_tables(&c, arena, FAKE_PHYS_BASE, ARENA_SIZE) > 0);
	d = dsdt_of((const struct acpi_rsdp *)arena);
	assert_int_equal(acpi_checksum(d, d->length), 0);
	aml = (const u8 *)(d + 1);
	body = d->length - ACPI_SDT_HEADER_LEN;
	/* Scope (\_SB) with a two-byte PkgLength covering everything after the opcode. */
	assert_int_equal(aml[0], 0x10);
	assert_int_equal(aml[1] >> 6, 1);
	scope = (aml[1] & 0xf) | ((u32)aml[2] << 4);
	assert_int_equal(scope, body - 1);
	assert_memory_equal(aml + 3, "\\_SB_", 5);
	/*
	 * COM1 and the RTC (0x2d and 0x24 bytes, as the_dsdt_describes_com1_and_the_rtc
	 * shows), VR00 (_UID Zero: a byte shorter), VR01.
	 */
	assert_int_equal(body, 8 + 0x2d + 0x24 + 2 * sizeof(vr01) - 1);
	assert_memory_equal(aml + 8 + 0x2d + 0x24, "\x5b\x82\x3aVR00", 7);
	assert_memory_equal(aml + body - sizeof(vr01), vr01, sizeof(vr01));
}

static const struct acpi_build_config pc = {
	.nr_cpus = 2,
	.lapic_base = 0xfee00000,
	.ioapic_id = 2,
	.ioapic_base = 0xfec00000,
	.pcat_compat = true,
	.fixed_hw = true,
};

/*
 * The RSDP as kvm-unit-tests' lib/acpi.c and a BIOS-era OS find it: the
 * signature on a 16-byte boundary of the area; NULL if none.
 */
static const struct acpi_rsdp *scan_rsdp(void)
{
	for (u64 off = 0; off + ACPI_RSDP_V2_LEN <= ARENA_SIZE; off += 16)
		if (!memcmp(arena + off, ACPI_RSDP_SIG, 8))
			return (const struct acpi_rsdp *)(arena + off);
	return NULL;
}

static const void *at(u64 pa)
{
	return arena + (pa - FAKE_PHYS_BASE);
}

/*
 * With fixed hardware: the RSDP after the FACS, both root tables with the
 * FADT and the MADT, a full FADT that names the ACPI PM device's blocks
 * (ACPI 6.5 5.2.9), the FACS it points to (5.2.10), every checksum good.
 */
static void fixed_hw_tables_name_the_pm_device(void **state)
{
	long n = acpi_build_tables(&pc, arena, FAKE_PHYS_BASE, ARENA_SIZE);
	const struct acpi_rsdp *r = scan_rsdp();
	const struct acpi_sdt_header *rsdt;
	const struct acpi_fadt *f;
	const struct acpi_facs *facs;
	u32 rsdt_entries[2];

	assert_true(n > 0);
	assert_non_null(r);
	assert_int_equal((const u8 *)r - arena, ACPI_FACS_LEN);
	assert_int_equal(acpi_checksum(r, ACPI_RSDP_V1_LEN), 0);
	assert_int_equal(acpi_checksum(r, ACPI_RSDP_V2_LEN), 0);
	rsdt = at(r->rsdt_address);
	assert_memory_equal(rsdt->signature, "RSDT", 4);
	assert_int_equal(rsdt->length, ACPI_SDT_HEADER_LEN + sizeof(rsdt_entries));
	assert_int_equal(acpi_checksum(rsdt, rsdt->length), 0);
	memcpy(rsdt_entries, rsdt + 1, sizeof(rsdt_entries));
	for (unsigned int i = 0; i < 2; i++) {
		u64 pa = (u64)((const u8 *)table(r, i) - arena) + FAKE_PHYS_BASE;

		assert_int_equal(rsdt_entries[i], pa);
		assert_int_equal(acpi_checksum(table(r, i), table(r, i)->length), 0);
	}
	f = (const struct acpi_fadt *)table(r, 0);
	assert_memory_equal(f->header.signature, "FACP", 4);
	assert_false(f->flags & ACPI_FADT_HW_REDUCED);
	assert_true(f->flags & ACPI_FADT_TMR_VAL_EXT);	/* the device's timer is 32 bits */
	assert_int_equal(f->sci_int, 9);
	assert_int_equal(f->smi_cmd, 0);
	assert_int_equal(f->pm1a_evt_blk, 0x600);
	assert_int_equal(f->pm1_evt_len, 4);
	assert_int_equal(f->pm1a_cnt_blk, 0x604);
	assert_int_equal(f->pm1_cnt_len, 2);
	assert_int_equal(f->pm_tmr_blk, 0x608);
	assert_int_equal(f->pm_tmr_len, 4);
	assert_int_equal(f->x_pm1a_evt_blk.address, 0x600);
	assert_int_equal(f->x_pm1a_evt_blk.register_bit_width, 32);
	assert_int_equal(f->x_pm1a_cnt_blk.address_space_id, ACPI_GAS_SYSTEM_IO);
	assert_int_equal(f->x_pm_tmr_blk.register_bit_width, 32);
	assert_int_equal(f->pm1b_evt_blk, 0);
	assert_int_equal(f->x_firmware_ctrl, 0);	/* only one of the two may be set */
	assert_int_equal(f->firmware_ctrl, FAKE_PHYS_BASE + ACPI_BUILD_FACS_OFFSET);
	assert_int_equal(f->firmware_ctrl % ACPI_FACS_ALIGN, 0);
	facs = at(f->firmware_ctrl);
	assert_memory_equal(facs->signature, "FACS", 4);
	assert_int_equal(facs->length, 64);
	assert_int_equal(facs->version, 2);
	assert_int_equal(facs->firmware_waking_vector, 0);
	assert_int_equal(facs->x_firmware_waking_vector, 0);
	assert_true((u64)n <= ARENA_SIZE);
}

/* With fixed hardware the MADT also says the SCI (IRQ 9) is level, active high: flags 0xd. */
static void the_madt_makes_the_sci_level(void **state)
{
	const struct acpi_sdt_header *h;
	const struct acpi_madt_entry *e;
	const u8 *p = NULL;
	unsigned int isos = 0;
	bool sci = false;

	assert_true(acpi_build_tables(&pc, arena, FAKE_PHYS_BASE, ARENA_SIZE) > 0);
	h = table(scan_rsdp(), 1);
	assert_int_equal(acpi_checksum(h, h->length), 0);
	while ((e = madt_next(h, &p))) {
		if (e->type == ACPI_MADT_TYPE_ISO) {
			const struct acpi_madt_iso *o = (const void *)e;

			isos++;
			if (o->source_irq == 9)
				sci = o->gsi == 9 && o->flags == 0xd && o->bus == 0;
		}
	}
	assert_int_equal(isos, 2);
	assert_true(sci);
}

/* slotvisor's own reader (what powers a machine off) finds the timer, PM1a_CNT and \_S5. */
static void the_reader_finds_the_timer_and_s5(void **state)
{
	struct acpi_pm pm;
	unsigned int bits = 0;

	assert_true(acpi_build_tables(&pc, arena, FAKE_PHYS_BASE, ARENA_SIZE) > 0);
	assert_int_equal(acpi_init(scan_rsdp(), ACPI_RSDP_V2_LEN), 0);
	assert_int_equal(acpi_pm_timer(&bits), ACPI_PM_TMR_PORT);
	assert_int_equal(bits, 32);
	assert_int_equal(acpi_get_pm(&pm), 0);
	assert_int_equal(pm.pm1a_cnt, ACPI_PM1_CNT_PORT);
	assert_int_equal(pm.pm1b_cnt, 0);
	assert_int_equal(pm.slp_typa, ACPI_PM_SLP_TYP_S5);
}

/*
 * The DSDT ends in \_S3_ and \_S5_ (ACPI 6.5 7.4.2), each a Package of four
 * bytes: SLP_TYPa, SLP_TYPb, two reserved; S3 is what the device takes as
 * S3 (kvm-unit-tests' s3 writes SLP_TYP 1 and SLP_EN).
 */
static void the_dsdt_has_the_sleep_packages(void **state)
{
	static const u8 sleep[] = {
		0x08, '\\', '_', 'S', '3', '_', 0x12, 0x0a, 0x04,	/* Name (\_S3_, Package */
		0x0a, 0x01, 0x0a, 0x01, 0x0a, 0x00, 0x0a, 0x00,		/* { 1, 1, 0, 0 }) */
		0x08, '\\', '_', 'S', '5', '_', 0x12, 0x0a, 0x04,	/* Name (\_S5_, Package */
		0x0a, 0x00, 0x0a, 0x00, 0x0a, 0x00, 0x0a, 0x00,		/* { 0, 0, 0, 0 }) */
	};
	const struct acpi_sdt_header *d;

	_Static_assert(ACPI_PM_SLP_TYP_S3 == 1 && ACPI_PM_SLP_TYP_S5 == 0, "the bytes above");
	assert_true(acpi_build_tables(&pc, arena, FAKE_PHYS_BASE, ARENA_SIZE) > 0);
	d = dsdt_of(scan_rsdp());
	assert_int_equal(acpi_checksum(d, d->length), 0);
	assert_memory_equal((const u8 *)d + d->length - sizeof(sleep), sleep, sizeof(sleep));
	/* Without fixed hardware, neither. */
	assert_true(acpi_build_tables(&four, arena, FAKE_PHYS_BASE, ARENA_SIZE) > 0);
	d = dsdt_of((const struct acpi_rsdp *)arena);
	assert_null(memmem(d, d->length, "_S3_", 4));
}

static void bad_configurations_are_refused(void **state)
{
	struct acpi_build_config c = four;

	memset(arena, 0xa5, 64);
	assert_int_equal(acpi_build_tables(&four, arena, FAKE_PHYS_BASE, 100), -E2BIG);
	assert_int_equal(arena[0], 0xa5);	/* nothing written */
	c.nr_cpus = 0;
	assert_int_equal(acpi_build_tables(&c, arena, FAKE_PHYS_BASE, ARENA_SIZE), -EINVAL);
	c.nr_cpus = ACPI_BUILD_MAX_CPUS + 1;
	assert_int_equal(acpi_build_tables(&c, arena, FAKE_PHYS_BASE, ARENA_SIZE), -EINVAL);
	c.nr_cpus = 1;
	assert_int_equal(acpi_build_tables(&c, arena, (1ULL << 32) - 64, ARENA_SIZE), -EINVAL);
	c.nr_cpus = 1;
	c.nr_virtio = ACPI_BUILD_MAX_VIRTIO + 1;
	assert_int_equal(acpi_build_tables(&c, arena, FAKE_PHYS_BASE, ARENA_SIZE), -EINVAL);
	c.nr_virtio = 0;
	c.nr_cpus = ACPI_BUILD_MAX_CPUS;
	assert_true(acpi_build_tables(&c, arena, FAKE_PHYS_BASE, ARENA_SIZE) > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(every_table_checks_out, setup, teardown),
		cmocka_unit_test_setup_teardown(the_reader_finds_every_processor_and_the_ioapic,
						setup, teardown),
		cmocka_unit_test_setup_teardown(the_madt_routes_irq0_to_gsi2, setup, teardown),
		cmocka_unit_test_setup_teardown(the_dsdt_describes_com1_and_the_rtc, setup,
						teardown),
		cmocka_unit_test_setup_teardown(the_dsdt_describes_virtio_mmio_devices, setup,
						teardown),
		cmocka_unit_test_setup_teardown(fixed_hw_tables_name_the_pm_device, setup,
						teardown),
		cmocka_unit_test_setup_teardown(the_madt_makes_the_sci_level, setup, teardown),
		cmocka_unit_test_setup_teardown(the_reader_finds_the_timer_and_s5, setup, teardown),
		cmocka_unit_test_setup_teardown(the_dsdt_has_the_sleep_packages, setup, teardown),
		cmocka_unit_test_setup_teardown(bad_configurations_are_refused, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
