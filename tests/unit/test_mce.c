/*
 * The guest's machine-check MSRs (vmx/mce.c): what KVM lets a guest read
 * and write (set_msr_mce()/get_msr_mce()) and what kvm-unit-tests' `msr`
 * checks of them: banks past MCG_CAP's count #GP, MCi_CTL all zeros or
 * all ones, MCi_STATUS only cleared, ADDR and MISC anything, MCG_CAP
 * read-only.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "vmx/mce.h"

#define BANK_MSR(bank, reg) (MSR_IA32_MC0_CTL + 4 * (bank) + (reg))
#define NONCANONICAL 0xaaaaaaaaaaaaaaaaULL

static void test_reset_state(void **state)
{
	struct vcpu_mce m;
	u64 val;

	vcpu_mce_reset(&m);
	assert_true(vcpu_mce_get_msr(&m, MSR_IA32_MCG_CAP, &val));
	assert_int_equal(val & MCG_CAP_COUNT_MASK, VCPU_MCE_BANKS);
	assert_true(val & MCG_CTL_P);
	assert_true(vcpu_mce_get_msr(&m, MSR_IA32_MCG_CTL, &val));
	assert_true(val == ~0ULL);
	for (int i = 0; i < VCPU_MCE_BANKS; i++) {
		assert_true(vcpu_mce_get_msr(&m, BANK_MSR(i, MCE_REG_CTL), &val));
		assert_true(val == ~0ULL);
		assert_true(vcpu_mce_get_msr(&m, BANK_MSR(i, MCE_REG_STATUS), &val));
		assert_true(val == 0);
	}
}

static void test_bank_rules(void **state)
{
	struct vcpu_mce m;
	u64 val;

	vcpu_mce_reset(&m);
	for (int i = 0; i < VCPU_MCE_BANKS; i++) {
		u32 ctl = BANK_MSR(i, MCE_REG_CTL), status = BANK_MSR(i, MCE_REG_STATUS);

		assert_true(vcpu_mce_set_msr(&m, ctl, 0));
		assert_true(vcpu_mce_get_msr(&m, ctl, &val) && val == 0);
		assert_true(vcpu_mce_set_msr(&m, ctl, ~0ULL));
		assert_false(vcpu_mce_set_msr(&m, ctl, NONCANONICAL));
		assert_true(vcpu_mce_set_msr(&m, ctl, ~(BIT(10) | BIT(0))));
		assert_true(vcpu_mce_set_msr(&m, status, 0));
		assert_false(vcpu_mce_set_msr(&m, status, 1));
		for (int reg = MCE_REG_ADDR; reg <= MCE_REG_MISC; reg++) {
			assert_true(vcpu_mce_set_msr(&m, BANK_MSR(i, reg), NONCANONICAL));
			assert_true(vcpu_mce_get_msr(&m, BANK_MSR(i, reg), &val) &&
				    val == NONCANONICAL);
		}
	}
}

static void test_absent_banks_fault(void **state)
{
	struct vcpu_mce m;
	u64 val;

	vcpu_mce_reset(&m);
	for (int i = VCPU_MCE_BANKS; i < 32; i++) {
		for (int reg = 0; reg < MCE_NR_REGS; reg++) {
			assert_true(vcpu_mce_msr(BANK_MSR(i, reg)));
			assert_false(vcpu_mce_get_msr(&m, BANK_MSR(i, reg), &val));
			assert_false(vcpu_mce_set_msr(&m, BANK_MSR(i, reg), 0));
		}
	}
	assert_false(vcpu_mce_msr(MSR_IA32_MC_LAST + 1));	/* 0x480: IA32_VMX_BASIC */
	assert_false(vcpu_mce_msr(MSR_IA32_MCG_CAP - 1));
}

static void test_global_regs(void **state)
{
	struct vcpu_mce m;
	u64 val;

	vcpu_mce_reset(&m);
	assert_false(vcpu_mce_set_msr(&m, MSR_IA32_MCG_CAP, 0));
	assert_true(vcpu_mce_set_msr(&m, MSR_IA32_MCG_STATUS, 5));
	assert_true(vcpu_mce_get_msr(&m, MSR_IA32_MCG_STATUS, &val) && val == 5);
	assert_true(vcpu_mce_set_msr(&m, MSR_IA32_MCG_CTL, 0));
	assert_false(vcpu_mce_set_msr(&m, MSR_IA32_MCG_CTL, 1));
	m.mcg_cap &= ~MCG_CTL_P;
	assert_false(vcpu_mce_get_msr(&m, MSR_IA32_MCG_CTL, &val));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reset_state),
		cmocka_unit_test(test_bank_rules),
		cmocka_unit_test(test_absent_banks_fault),
		cmocka_unit_test(test_global_regs),
	};

	return cmocka_run_group_tests_name("mce", tests, NULL, NULL);
}
