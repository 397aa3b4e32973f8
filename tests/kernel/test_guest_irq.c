/*
 * Interrupts from the emulated PIT, PICs and COM1 (vmm/devices.c) into a
 * guest that halts for them (guests/irq.c): periodic and one-shot timer
 * ticks at the programmed rate, a receive interrupt from COM1, the PIT at
 * its fastest (the guest must still run and get ticks: the PIT interrupts
 * no faster than every 200 us, devices/pit8254.c; without that the guest
 * only ever runs its handler and the run's budget ends the test), and a
 * HLT that nothing can end handed back to the caller instead of waited on.
 */
#include "arch/x86/setup.h"
#include "ktest_vmx.h"
#include "lib/printf.h"

#define TICKS 20
#define PIT_PERIOD_NS 999848ULL		/* 1193 / 1193182 Hz */
#define RUN_BUDGET 2000000000ULL	/* TSC ticks: ends a run that waits forever */
#define RX_BYTE 'Z'

KTEST(test_guest_irq, "guest.irq.pit-pic-com1")
{
	struct vcpu *v;
	struct vm *vm = ktest_guest64(t, "irq", MiB(4), &v);
	struct ucall uc;
	u64 want, took;
	int cmd;

	if (!vm)
		return;
	cmd = vm_run(v, RUN_BUDGET, &uc);
	KT_ASSERT(t, cmd == UCALL_SYNC && uc.args[0] == 1,
		  "stage 1: expected SYNC 1 after %d timer ticks, saw ucall %d (%s)", TICKS, cmd,
		  ktest_exit_name(v));
	/* 20 periods of the PIT in TSC ticks, give or take one period for the start. */
	want = TICKS * PIT_PERIOD_NS * tsc_khz / 1000000;
	took = uc.args[1];
	kprintf("irq: %d PIT ticks at 1 kHz took %llu TSC ticks (%llu expected), %llu interrupts "
		"injected\n", TICKS, took, want, v->irqs_injected);
	KT_ASSERT(t, took + want / TICKS >= want && took <= want + want / TICKS,
		  "expected %d ticks to take about %llu TSC ticks, saw %llu", TICKS, want, took);
	cmd = vm_run(v, RUN_BUDGET, &uc);
	KT_ASSERT(t, cmd == UCALL_SYNC && uc.args[0] == 2 && uc.args[1] == 1,
		  "stage 2: expected exactly one one-shot tick, saw ucall %d stage %llu ticks %llu",
		  cmd, (u64)uc.args[0], (u64)uc.args[1]);
	cmd = vm_run(v, RUN_BUDGET, &uc);
	KT_ASSERT(t, cmd == UCALL_SYNC && uc.args[0] == 3, "stage 3: expected SYNC 3, saw %d", cmd);
	uart16550_receive(&vm->com1, RX_BYTE);
	cmd = vm_run(v, RUN_BUDGET, &uc);
	KT_ASSERT(t, cmd == UCALL_SYNC && uc.args[0] == 4 && uc.args[1] == RX_BYTE,
		  "stage 4: expected the COM1 interrupt with '%c', saw ucall %d stage %llu byte 0x%llx",
		  RX_BYTE, cmd, (u64)uc.args[0], (u64)uc.args[1]);
	cmd = vm_run(v, RUN_BUDGET, &uc);
	KT_ASSERT(t, cmd == UCALL_SYNC && uc.args[0] == 5 && uc.args[1] > 0,
		  "stage 5: expected the loop to end with the fastest PIT's ticks in, saw ucall %d "
		  "(%s) stage %llu ticks %llu", cmd, ktest_exit_name(v), (u64)uc.args[0],
		  (u64)uc.args[1]);
	kprintf("irq: PIT at its fastest: %llu ticks taken during the loop\n", (u64)uc.args[1]);
	cmd = vm_run(v, RUN_BUDGET, &uc);
	KT_ASSERT(t, cmd == 0 && v->exit.reason == VCPU_EXIT_HLT,
		  "stage 6: expected the HLT with every IRQ masked back, saw ucall %d (%s)", cmd,
		  ktest_exit_name(v));
	cmd = vm_run(v, RUN_BUDGET, &uc);
	KT_ASSERT(t, cmd == UCALL_DONE, "expected DONE, saw %d (%s)", cmd, ktest_exit_name(v));
	vm_destroy(vm);
}
