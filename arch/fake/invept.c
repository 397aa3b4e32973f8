/*
 * INVEPT for host tests: counts calls per context type and, for
 * single-context ones, per EPTP (an open-addressed table), and lets a test
 * watch each call through a hook, e.g. to model what a TLB may still hold.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/invept.h"
#include "fake_invept.h"
#include "lib/errno.h"

#define EPTP_SLOTS 8192

static struct {
	u64 eptp;
	u64 count;
} single[EPTP_SLOTS];
static u64 all_context;
static u64 total;

void (*fake_invept_hook)(unsigned int type, u64 eptp, void *data);
void *fake_invept_hook_data;

static unsigned int eptp_slot(u64 eptp)
{
	unsigned int i = (unsigned int)((eptp >> 12) * 0x9e3779b97f4a7c15ULL >> 51);
	unsigned int n;

	for (n = 0; n < EPTP_SLOTS; n++, i = (i + 1) % EPTP_SLOTS) {
		if (single[i].eptp == eptp || single[i].count == 0) {
			return i;
		}
	}
	fprintf(stderr, "fake invept: more than %d EPTPs\n", EPTP_SLOTS);
	abort();
}

int arch_invept(unsigned int type, u64 eptp)
{
	unsigned int i;

	if (type == INVEPT_SINGLE_CONTEXT) {
		i = eptp_slot(eptp);
		single[i].eptp = eptp;
		single[i].count++;
	} else if (type == INVEPT_ALL_CONTEXT) {
		all_context++;
	} else {
		return -EIO;	/* VMfailValid: an unsupported type */
	}
	total++;
	if (fake_invept_hook) {
		fake_invept_hook(type, eptp, fake_invept_hook_data);
	}
	return 0;
}

u64 fake_invept_count(unsigned int type, u64 eptp)
{
	if (type == INVEPT_ALL_CONTEXT) {
		return all_context;
	}
	return single[eptp_slot(eptp)].count;
}

u64 fake_invept_total(void)
{
	return total;
}

void fake_invept_reset(void)
{
	memset(single, 0, sizeof(single));
	all_context = 0;
	total = 0;
}
