/* Numbers as people type them: on slotvisor's command line and in the monitor. */
#include "compiler.h"
#include "lib/errno.h"
#include "lib/parse.h"

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The multiplier of a size suffix, or 0 for an unknown one. */
static u64 suffix_multiplier(const char *s)
{
	if (!s[0])
		return 1;
	if (s[1])
		return 0;
	switch (s[0]) {
	case 'k': case 'K': return KiB(1);
	case 'm': case 'M': return MiB(1);
	case 'g': case 'G': return GiB(1);
	default: return 0;
	}
}

int parse_size(const char *s, u64 *val)
{
	unsigned int base = 10;
	u64 v = 0, mult;
	const char *p = s;
	int d;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	if (digit_value(*p) < 0 || digit_value(*p) >= (int)base)
		return -EINVAL;
	for (; (d = digit_value(*p)) >= 0 && d < (int)base; p++) {
		if (v > (~0ULL - (u64)d) / base)
			return -ERANGE;
		v = v * base + (u64)d;
	}
	mult = suffix_multiplier(p);
	if (!mult)
		return -EINVAL;
	if (v > ~0ULL / mult)
		return -ERANGE;
	*val = v * mult;
	return 0;
}
