/*
 * The MSR bitmap (vmx/msr_bitmap.c): its layout as the SDM gives it (Vol.
 * 3C 25.6.9: read-low, read-high, write-low, write-high, 1 KiB each, bit
 * n of a region = MSR base + n), MSRs outside both ranges always exiting
 * (Vol. 3C 26.1.3), and slotvisor's choice of what passes through.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "arch/x86/msr.h"
#include "lib/errno.h"
#include "vmx/msr_bitmap.h"

#define MSR_IA32_TSC 0x10
#define MSR_IA32_MTRRCAP 0xfe
#define MSR_IA32_DEBUGCTL 0x1d9
#define MSR_IA32_MTRR_DEF_TYPE 0x2ff
#define MSR_IA32_SPEC_CTRL 0x48
#define MSR_IA32_PRED_CMD 0x49
#define MSR_IA32_TSC_DEADLINE 0x6e0
#define MSR_X2APIC_TPR 0x808
#define MSR_X2APIC_ICR 0x830

static const u32 passed[] = {
	MSR_FS_BASE, MSR_GS_BASE, MSR_KERNEL_GS_BASE, MSR_STAR, MSR_LSTAR, MSR_CSTAR,
	MSR_IA32_SYSENTER_CS, MSR_IA32_SYSENTER_ESP, MSR_IA32_SYSENTER_EIP,
};

/* Reserved high halves the CPU (but not Bochs) checks: reads pass, writes exit. */
static const u32 passed_read[] = { MSR_SYSCALL_MASK, MSR_TSC_AUX };

static const u32 intercepted[] = {
	MSR_EFER, MSR_IA32_APIC_BASE, MSR_IA32_PAT, MSR_IA32_TSC, MSR_IA32_TSC_DEADLINE,
	MSR_IA32_MTRRCAP, MSR_IA32_MTRR_DEF_TYPE, MSR_IA32_MISC_ENABLE, MSR_IA32_DEBUGCTL,
	MSR_IA32_SPEC_CTRL, MSR_IA32_PRED_CMD, MSR_X2APIC_TPR, MSR_X2APIC_ICR,
	MSR_IA32_FEATURE_CONTROL,
};

static bool bit_set(const struct vmx_msr_bitmap *b, size_t byte_offset, unsigned int bit)
{
	return ((const u8 *)b)[byte_offset] & (1u << bit);
}

static void a_new_bitmap_makes_every_msr_exit(void **state)
{
	static struct vmx_msr_bitmap b;
	const u32 samples[] = { 0, 1, MSR_BITMAP_LOW_LAST, MSR_BITMAP_HIGH_FIRST,
				MSR_KERNEL_GS_BASE, MSR_BITMAP_HIGH_LAST, 0x2000, 0x40000000 };

	vmx_msr_bitmap_intercept_all(&b);
	for (size_t i = 0; i < ARRAY_SIZE(samples); i++) {
		assert_true(vmx_msr_bitmap_exits(&b, samples[i], false));
		assert_true(vmx_msr_bitmap_exits(&b, samples[i], true));
	}
}

/* Where the SDM puts each MSR's bit: KERNEL_GS_BASE (0x102 in the high range) and 0x175. */
static void each_bit_is_where_the_sdm_puts_it(void **state)
{
	static struct vmx_msr_bitmap b;

	vmx_msr_bitmap_intercept_all(&b);
	assert_int_equal(vmx_msr_bitmap_pass(&b, MSR_KERNEL_GS_BASE, MSR_PASS_WRITE), 0);
	assert_false(bit_set(&b, 3072 + 0x102 / 8, 0x102 % 8));		/* write-high */
	assert_true(bit_set(&b, 1024 + 0x102 / 8, 0x102 % 8));		/* read-high kept */
	assert_int_equal(vmx_msr_bitmap_pass(&b, MSR_IA32_SYSENTER_ESP, MSR_PASS_READ), 0);
	assert_false(bit_set(&b, 0x175 / 8, 0x175 % 8));		/* read-low */
	assert_true(bit_set(&b, 2048 + 0x175 / 8, 0x175 % 8));		/* write-low kept */
	/* Only those two bits changed. */
	for (size_t i = 0; i < sizeof(b); i++) {
		u8 want = 0xff;

		if (i == 3072 + 0x102 / 8)
			want &= ~(1u << (0x102 % 8));
		if (i == 0x175 / 8)
			want &= ~(1u << (0x175 % 8));
		assert_int_equal(((u8 *)&b)[i], want);
	}
	assert_true(vmx_msr_bitmap_exits(&b, MSR_KERNEL_GS_BASE, false));
	assert_false(vmx_msr_bitmap_exits(&b, MSR_KERNEL_GS_BASE, true));
	assert_false(vmx_msr_bitmap_exits(&b, MSR_IA32_SYSENTER_ESP, false));
	assert_true(vmx_msr_bitmap_exits(&b, MSR_IA32_SYSENTER_ESP, true));
}

/* Outside 0-0x1fff and 0xc0000000-0xc0001fff nothing can pass: the CPU would exit anyway. */
static void msrs_outside_both_ranges_cannot_pass(void **state)
{
	static struct vmx_msr_bitmap b;
	const u32 outside[] = { MSR_BITMAP_LOW_LAST + 1, MSR_BITMAP_HIGH_FIRST - 1,
				MSR_BITMAP_HIGH_LAST + 1, 0xffffffff };

	vmx_msr_bitmap_intercept_all(&b);
	for (size_t i = 0; i < ARRAY_SIZE(outside); i++) {
		assert_int_equal(vmx_msr_bitmap_pass(&b, outside[i], MSR_PASS_RW), -EINVAL);
		assert_true(vmx_msr_bitmap_exits(&b, outside[i], false));
		assert_true(vmx_msr_bitmap_exits(&b, outside[i], true));
	}
	/* The edges of the ranges can. */
	assert_int_equal(vmx_msr_bitmap_pass(&b, MSR_BITMAP_LOW_LAST, MSR_PASS_RW), 0);
	assert_int_equal(vmx_msr_bitmap_pass(&b, MSR_BITMAP_HIGH_LAST, MSR_PASS_RW), 0);
	assert_false(vmx_msr_bitmap_exits(&b, MSR_BITMAP_LOW_LAST, true));
	assert_false(vmx_msr_bitmap_exits(&b, MSR_BITMAP_HIGH_LAST, false));
}

static void slotvisors_bitmap_passes_the_switched_msrs_only(void **state)
{
	static struct vmx_msr_bitmap b;
	unsigned int exits = 0;

	vmx_msr_bitmap_fill(&b, true);
	for (size_t i = 0; i < ARRAY_SIZE(passed); i++) {
		assert_false(vmx_msr_bitmap_exits(&b, passed[i], false));
		assert_false(vmx_msr_bitmap_exits(&b, passed[i], true));
	}
	for (size_t i = 0; i < ARRAY_SIZE(passed_read); i++) {
		assert_false(vmx_msr_bitmap_exits(&b, passed_read[i], false));
		assert_true(vmx_msr_bitmap_exits(&b, passed_read[i], true));
	}
	for (size_t i = 0; i < ARRAY_SIZE(intercepted); i++) {
		assert_true(vmx_msr_bitmap_exits(&b, intercepted[i], false));
		assert_true(vmx_msr_bitmap_exits(&b, intercepted[i], true));
	}
	/* Nothing else: every other MSR of both ranges exits both ways. */
	for (u32 m = 0; m <= MSR_BITMAP_LOW_LAST; m++)
		exits += vmx_msr_bitmap_exits(&b, m, false) + vmx_msr_bitmap_exits(&b, m, true);
	for (u32 m = MSR_BITMAP_HIGH_FIRST; m <= MSR_BITMAP_HIGH_LAST; m++)
		exits += vmx_msr_bitmap_exits(&b, m, false) + vmx_msr_bitmap_exits(&b, m, true);
	assert_int_equal(exits, 2 * 2 * 8192 - 2 * ARRAY_SIZE(passed) - ARRAY_SIZE(passed_read));
}

/* Without RDTSCP the guest has no TSC_AUX: its accesses exit, and the handler answers #GP. */
static void tsc_aux_passes_only_with_rdtscp(void **state)
{
	static struct vmx_msr_bitmap b;

	vmx_msr_bitmap_fill(&b, false);
	assert_true(vmx_msr_bitmap_exits(&b, MSR_TSC_AUX, false));
	assert_true(vmx_msr_bitmap_exits(&b, MSR_TSC_AUX, true));
	assert_false(vmx_msr_bitmap_exits(&b, MSR_KERNEL_GS_BASE, true));
}

/*
 * A vCPU with x2APIC virtualization: the x2APIC reads the page holds pass,
 * the timer's current count and registers x2APIC mode lacks (DFR, ICR2)
 * still exit, only TPR, EOI and SELF IPI writes pass; the rest is base's.
 */
static void x2apic_bitmap_passes_what_the_page_holds(void **state)
{
	static struct vmx_msr_bitmap base, b;
	static const u32 reads[] = { 0x802, 0x803, 0x808, 0x80a, 0x80d, 0x80f, 0x810, 0x817,
				     0x818, 0x81f, 0x820, 0x827, 0x828, 0x830, 0x832, 0x837,
				     0x838, 0x83e };
	static const u32 read_exits[] = { 0x800, 0x801, 0x809, 0x80b, 0x80c, 0x80e, 0x82f, 0x831,
					  0x839, 0x83f, 0x840, 0x8ff };
	static const u32 writes[] = { 0x808, 0x80b, 0x83f };
	static const u32 write_exits[] = { 0x802, 0x80d, 0x80f, 0x828, 0x830, 0x832, 0x838,
					   0x839, 0x83e };

	vmx_msr_bitmap_fill(&base, true);
	vmx_msr_bitmap_fill_x2apic(&b, &base);
	for (unsigned int i = 0; i < sizeof(reads) / sizeof(reads[0]); i++)
		assert_false(vmx_msr_bitmap_exits(&b, reads[i], false));
	for (unsigned int i = 0; i < sizeof(read_exits) / sizeof(read_exits[0]); i++)
		assert_true(vmx_msr_bitmap_exits(&b, read_exits[i], false));
	for (unsigned int i = 0; i < sizeof(writes) / sizeof(writes[0]); i++)
		assert_false(vmx_msr_bitmap_exits(&b, writes[i], true));
	for (unsigned int i = 0; i < sizeof(write_exits) / sizeof(write_exits[0]); i++)
		assert_true(vmx_msr_bitmap_exits(&b, write_exits[i], true));
	/* Outside the x2APIC range it is base. */
	for (u32 msr = 0; msr < 0x800; msr++)
		assert_int_equal(vmx_msr_bitmap_exits(&b, msr, false),
				 vmx_msr_bitmap_exits(&base, msr, false));
	assert_false(vmx_msr_bitmap_exits(&b, MSR_LSTAR, true));
	/* And base passes no x2APIC register at all. */
	for (u32 msr = 0x800; msr <= 0x8ff; msr++)
		assert_true(vmx_msr_bitmap_exits(&base, msr, false) &&
			    vmx_msr_bitmap_exits(&base, msr, true));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_new_bitmap_makes_every_msr_exit),
		cmocka_unit_test(each_bit_is_where_the_sdm_puts_it),
		cmocka_unit_test(msrs_outside_both_ranges_cannot_pass),
		cmocka_unit_test(slotvisors_bitmap_passes_the_switched_msrs_only),
		cmocka_unit_test(tsc_aux_passes_only_with_rdtscp),
		cmocka_unit_test(x2apic_bitmap_passes_what_the_page_holds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
