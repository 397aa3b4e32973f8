/*
 * A level-triggered interrupt's EOI reaches the I/O APIC (guests/level_irq.c):
 * the pin held high is delivered again after each EOI, ROUNDS times, and
 * remote IRR is clear after the last.  With virtual-interrupt delivery
 * (vmx/apic_access.c) the CPU ends the vector itself; the EOI-exit bitmap,
 * the xAPIC's level-triggered vectors, makes each such EOI exit
 * (EOI-induced) so that the I/O APIC hears it.  guest.irq.level-eoi.no-vid
 * runs it with APIC virtualization alone (the EOI an APIC-write exit).
 */
#include "irq/irq.h"
#include "ktest_vmx.h"
#include "lib/printf.h"
#include "vm/pc.h"

#define RUN_BUDGET 2000000000ULL	/* TSC ticks: ends a run that waits forever */
#define LEVEL_IRQ 10			/* guests/level_irq.c's pin */
#define ROUNDS 3

static void run_level_eoi(struct ktest_ctx *t, bool no_vid)
{
	struct vcpu *v;
	struct vm *vm = ktest_guest64(t, "level_irq", MiB(4), &v);
	u64 val = 0, eois;

	if (!vm)
		return;
	v->debug.vid = !no_vid;
	v->debug.no_vid = no_vid;
	vm_lapic_enable(vm, v);
	eois = v->exit_count[EXIT_REASON_EOI_INDUCED];
	if (!ktest_expect_sync(t, v, RUN_BUDGET, 1, &val))
		goto out;
	irqchip_set_line(&vm->irqchip, LEVEL_IRQ, true);
	if (!ktest_expect_sync(t, v, RUN_BUDGET, 2, &val))
		goto out;
	eois = v->exit_count[EXIT_REASON_EOI_INDUCED] - eois;
	kprintf("level-eoi: %s: %llu deliveries, %llu EOI-induced exits\n",
		v->apicv_vid ? "virtual-interrupt delivery" : v->apicv ? "APIC virtualization" :
		"the emulator's path", val, eois);
	KT_ASSERT(t, val == ROUNDS, "expected the held pin delivered again after each EOI, %d "
		  "times, saw %llu", ROUNDS, val);
	if (v->apicv_vid)
		KT_ASSERT(t, eois == ROUNDS, "expected an EOI-induced exit per delivery, saw %llu",
			  eois);
	if (!ktest_expect_sync(t, v, RUN_BUDGET, 3, &val))
		goto out;
	KT_ASSERT(t, val == 1, "expected remote IRR clear after the last EOI");
	irqchip_set_line(&vm->irqchip, LEVEL_IRQ, false);
	if (vm_run(v, RUN_BUDGET, &(struct ucall){ 0 }) != UCALL_DONE)
		ktest_fail(t, "expected the guest to finish (%s)", ktest_exit_name(v));
out:
	vm_destroy(vm);
}

KTEST(test_guest_level_eoi, "guest.irq.level-eoi")
{
	run_level_eoi(t, false);
}

KTEST(test_guest_level_eoi_no_vid, "guest.irq.level-eoi.no-vid")
{
	run_level_eoi(t, true);
}
