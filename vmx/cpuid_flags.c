/*
 * slotvisor.cpuid=: the per-VM CPUID overrides' text form, "+FLAG,-FLAG,..."
 * in QEMU's -cpu flag names (include/vmx/cpuid_flags.h).  No hardware here
 * (host-tested, tests/unit/test_cpuid_flags.c): whether this CPU can honour
 * the flags is vcpu_set_cpuid_flags()'s question (vmx/vcpu_cpuid.c).
 * Anything not understood is refused with the item named, never skipped:
 * a guest run with a CPUID other than the one asked for would test the
 * wrong thing.
 */
#include "lib/errno.h"
#include "lib/string.h"
#include "vmx/cpuid_flags.h"

static const char *const flag_names[VCPU_CPUID_NR_FLAGS] = {
	[VCPU_CPUID_X2APIC] = "x2apic",
	[VCPU_CPUID_PCID] = "pcid",
	[VCPU_CPUID_INVPCID] = "invpcid",
};

const char *vcpu_cpuid_flag_name(enum vcpu_cpuid_flag flag)
{
	return flag < VCPU_CPUID_NR_FLAGS ? flag_names[flag] : "?";
}

/* The flag named by the len bytes at name, or VCPU_CPUID_NR_FLAGS. */
static enum vcpu_cpuid_flag flag_lookup(const char *name, size_t len)
{
	for (unsigned int f = 0; f < VCPU_CPUID_NR_FLAGS; f++) {
		if (strlen(flag_names[f]) == len && !strncmp(flag_names[f], name, len))
			return f;
	}
	return VCPU_CPUID_NR_FLAGS;
}

/* The len bytes of the item at s into bad, cut to fit. */
static int refuse(const char *s, size_t len, char *bad)
{
	len = MIN(len, (size_t)VCPU_CPUID_ITEM_MAX - 1);
	memcpy(bad, s, len);
	bad[len] = '\0';
	return -EINVAL;
}

/* One item, "+name" or "-name" of len bytes, into f. */
static int parse_item(const char *s, size_t len, struct vcpu_cpuid_flags *f, char *bad)
{
	enum vcpu_cpuid_flag flag;
	u32 bit;

	if (len < 2 || (s[0] != '+' && s[0] != '-'))
		return refuse(s, len, bad);
	flag = flag_lookup(s + 1, len - 1);
	if (flag == VCPU_CPUID_NR_FLAGS)
		return refuse(s, len, bad);
	bit = BIT(flag);
	if ((s[0] == '+' ? f->hide : f->show) & bit)
		return refuse(s, len, bad);	/* given both ways */
	if (s[0] == '+')
		f->show |= bit;
	else
		f->hide |= bit;
	return 0;
}

int vcpu_cpuid_flags_parse(const char *s, struct vcpu_cpuid_flags *out, char *bad)
{
	struct vcpu_cpuid_flags f = { 0 };
	const char *end;
	int err;

	bad[0] = '\0';
	if (!*s) {
		*out = f;
		return 0;
	}
	for (;;) {
		end = strchr(s, ',');
		if (!end)
			end = s + strlen(s);
		err = parse_item(s, end - s, &f, bad);
		if (err)
			return err;
		if (!*end)
			break;
		s = end + 1;
	}
	*out = f;
	return 0;
}
