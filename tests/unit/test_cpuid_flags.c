/*
 * slotvisor.cpuid= (vmx/cpuid_flags.c): the flags it takes, and every
 * malformed item refused by name, *out untouched.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lib/errno.h"
#include "vmx/cpuid_flags.h"

/* The poison *out starts as, so that a refusal that wrote it shows. */
static const struct vcpu_cpuid_flags untouched = { .hide = 0xdead, .show = 0xbeef };

static struct vcpu_cpuid_flags parse_ok(const char *s)
{
	struct vcpu_cpuid_flags f = untouched;
	char bad[VCPU_CPUID_ITEM_MAX];

	assert_int_equal(vcpu_cpuid_flags_parse(s, &f, bad), 0);
	assert_string_equal(bad, "");
	return f;
}

static void refused(const char *s, const char *item)
{
	struct vcpu_cpuid_flags f = untouched;
	char bad[VCPU_CPUID_ITEM_MAX];

	assert_int_equal(vcpu_cpuid_flags_parse(s, &f, bad), -EINVAL);
	assert_string_equal(bad, item);
	assert_memory_equal(&f, &untouched, sizeof(f));
}

/* No option, or an empty one: no override, today's CPUID. */
static void empty_is_no_override(void **state)
{
	struct vcpu_cpuid_flags f = parse_ok("");

	assert_int_equal(f.hide, 0);
	assert_int_equal(f.show, 0);
}

/* The four kvm-unit-tests runs' flags (x86/unittests.cfg: xapic, pcid-*). */
static void each_flag_both_ways(void **state)
{
	struct vcpu_cpuid_flags f = parse_ok("-x2apic");

	assert_true(vcpu_cpuid_flags_hides(&f, VCPU_CPUID_X2APIC));
	assert_int_equal(f.show, 0);
	f = parse_ok("+pcid,+invpcid");
	assert_int_equal(f.show, BIT(VCPU_CPUID_PCID) | BIT(VCPU_CPUID_INVPCID));
	assert_int_equal(f.hide, 0);
	f = parse_ok("-pcid,-invpcid");
	assert_int_equal(f.hide, BIT(VCPU_CPUID_PCID) | BIT(VCPU_CPUID_INVPCID));
	f = parse_ok("-pcid,+invpcid,+x2apic");
	assert_true(vcpu_cpuid_flags_hides(&f, VCPU_CPUID_PCID));
	assert_true(vcpu_cpuid_flags_shows(&f, VCPU_CPUID_INVPCID));
	assert_true(vcpu_cpuid_flags_shows(&f, VCPU_CPUID_X2APIC));
	assert_false(vcpu_cpuid_flags_shows(&f, VCPU_CPUID_PCID));
	/* The same flag twice the same way is what was asked, once. */
	f = parse_ok("-pcid,-pcid");
	assert_int_equal(f.hide, BIT(VCPU_CPUID_PCID));
}

static void names_are_qemus(void **state)
{
	assert_string_equal(vcpu_cpuid_flag_name(VCPU_CPUID_X2APIC), "x2apic");
	assert_string_equal(vcpu_cpuid_flag_name(VCPU_CPUID_PCID), "pcid");
	assert_string_equal(vcpu_cpuid_flag_name(VCPU_CPUID_INVPCID), "invpcid");
	assert_string_equal(vcpu_cpuid_flag_name(VCPU_CPUID_NR_FLAGS), "?");
}

/* Unknown flags, missing signs, empty items, both ways: refused, the item named. */
static void bad_items_are_refused_by_name(void **state)
{
	refused("+vmx", "+vmx");
	refused("-x2apic,+tsc-deadline", "+tsc-deadline");
	refused("x2apic", "x2apic");
	refused("pcid=off", "pcid=off");
	refused("+", "+");
	refused("-", "-");
	refused(",", "");
	refused("-pcid,", "");
	refused(",-pcid", "");
	refused("-pcid,,+invpcid", "");
	refused("+X2APIC", "+X2APIC");
	refused("+x2apicx", "+x2apicx");
	refused("+x2api", "+x2api");
	refused("+pcid,-pcid", "-pcid");
	refused("-invpcid,+invpcid", "+invpcid");
	refused("*pcid", "*pcid");
	refused(" +pcid", " +pcid");
}

/* A long item is named cut to the buffer, never past it (ASan watches). */
static void long_items_are_cut(void **state)
{
	char want[VCPU_CPUID_ITEM_MAX];

	memset(want, 'a', sizeof(want) - 1);
	want[0] = '+';
	want[sizeof(want) - 1] = '\0';
	refused("+aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(empty_is_no_override),
		cmocka_unit_test(each_flag_both_ways),
		cmocka_unit_test(names_are_qemus),
		cmocka_unit_test(bad_items_are_refused_by_name),
		cmocka_unit_test(long_items_are_cut),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
