/*
 * The exception handlers, driven by real faults: each probe faults at an
 * instruction listed in the fixup table with EXTABLE_DUMP, so the handler
 * prints the full dump (the runner checks the console for it) and resumes.
 */
#include "arch/x86/probe.h"
#include "arch/x86/trap.h"
#include "ktest.h"

#define PF_ERR_PRESENT BIT(0)
#define PF_ERR_WRITE BIT(1)
#define PROBE_LEN 32	/* the faulting instruction is near the start of the probe */

static void expect_fault(struct ktest_ctx *t, unsigned long dumps_before, u64 vector,
			 void *probe)
{
	const struct trap_record *r = &trap_last_recovered;

	KT_ASSERT(t, r->vector == vector, "expected vector %llu (%s), saw %llu",
		  (unsigned long long)vector, trap_name(vector),
		  (unsigned long long)r->vector);
	KT_ASSERT(t, r->rip >= (u64)probe && r->rip < (u64)probe + PROBE_LEN,
		  "expected the fault in the probe at %p, saw RIP %llx", probe,
		  (unsigned long long)r->rip);
	KT_ASSERT(t, trap_dump_count == dumps_before + 1,
		  "expected one exception dump, saw %lu", trap_dump_count - dumps_before);
}

KTEST(test_exc_ud, "exc.ud")
{
	unsigned long before = trap_dump_count;

	trap_last_recovered.vector = ~0ULL;
	probe_ud();
	expect_fault(t, before, X86_TRAP_UD, probe_ud);
}

KTEST(test_exc_pf, "exc.pf")
{
	unsigned long before = trap_dump_count;

	trap_last_recovered.vector = ~0ULL;
	/* The low half is unmapped after boot, so a small address must fault. */
	probe_read((void *)0x1000);
	expect_fault(t, before, X86_TRAP_PF, probe_read);
	KT_ASSERT_EQ(t, trap_last_recovered.cr2, 0x1000);
	KT_ASSERT_EQ(t, trap_last_recovered.error_code & (PF_ERR_PRESENT | PF_ERR_WRITE), 0);
}

KTEST(test_exc_gp, "exc.gp")
{
	unsigned long before = trap_dump_count;

	trap_last_recovered.vector = ~0ULL;
	probe_gp();
	expect_fault(t, before, X86_TRAP_GP, probe_gp);
	KT_ASSERT_EQ(t, trap_last_recovered.error_code, 0);
}
