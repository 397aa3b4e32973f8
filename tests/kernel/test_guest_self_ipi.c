/*
 * A self-IPI through the emulated xAPIC's ICR, sent with interrupts off,
 * is delivered where the CPU would deliver it: right after the instruction
 * that follows STI (kvm-unit-tests' vmexit self_ipi_sti_nop; issue 16),
 * and an EOI clears the ISR bit and lets the next pending vector in
 * (guests/self_ipi.c).
 */
#include "ktest_vmx.h"
#include "lib/printf.h"
#include "vm/pc.h"

#define RUN_BUDGET 2000000000ULL	/* TSC ticks: ends a run that waits forever */
#define ROUNDS 200			/* guests/self_ipi.c's */
#define VEC_HIGH 0x2f
#define VEC_LOW 0x2e

static bool expect_sync(struct ktest_ctx *t, struct vcpu *v, u64 stage, u64 *value)
{
	struct ucall uc;
	int cmd = vm_run(v, RUN_BUDGET, &uc);

	if (cmd == UCALL_SYNC && uc.args[0] == stage) {
		*value = uc.args[1];
		return true;
	}
	ktest_fail(t, "expected SYNC %llu, saw %d (%s)%s%s", stage, cmd, ktest_exit_name(v),
		   cmd == UCALL_ABORT ? ": " : "", cmd == UCALL_ABORT ? uc.buffer : "");
	return false;
}

KTEST(test_guest_self_ipi, "guest.self-ipi")
{
	struct vcpu *v;
	struct vm *vm = ktest_guest64(t, "self_ipi", MiB(4), &v);
	u64 val = 0, window_exits;

	if (!vm)
		return;
	vm_lapic_enable(vm, v);
	window_exits = v->exit_count[EXIT_REASON_INTERRUPT_WINDOW];
	if (!expect_sync(t, v, 1, &val))
		goto out;
	KT_ASSERT(t, val == 0, "expected every self-IPI taken right after STI; NOP, saw %llu of "
		  "%d rounds late", val, ROUNDS);
	kprintf("self-ipi: %llu of %d rounds late, %llu interrupt-window exits\n", val, ROUNDS,
		v->exit_count[EXIT_REASON_INTERRUPT_WINDOW] - window_exits);
	if (!expect_sync(t, v, 2, &val))
		goto out;
	KT_ASSERT(t, val == VEC_HIGH * 256 + VEC_LOW,
		  "expected vector 0x%x, then 0x%x after its EOI, saw the order 0x%llx",
		  VEC_HIGH, VEC_LOW, val);
	if (!expect_sync(t, v, 3, &val))
		goto out;
	KT_ASSERT(t, val == ROUNDS, "expected the handler to run %d times, saw %llu", ROUNDS, val);
	if (vm_run(v, RUN_BUDGET, &(struct ucall){ 0 }) != UCALL_DONE)
		ktest_fail(t, "expected the guest to finish (%s)", ktest_exit_name(v));
out:
	vm_destroy(vm);
}
