/*
 * vm_run: the VMM's side of the run loop.  The PC machine (vm/pc.c)
 * takes its port I/O and the xAPIC's MMIO; what its devices raise, the
 * interrupt layer (irq/) hands vmx/ at the next entry.  COM1's output is
 * printed line by line as "guest: ..."; a write to UCALL_PORT is a ucall
 * whose struct is at RDI in the guest.  A HLT with interrupts enabled
 * waits for a device's interrupt.  Everything else goes back to the caller.
 */
#include "arch/x86/cpu.h"
#include "arch/x86/percpu.h"
#include "irq/irq.h"
#include "kvm/requests.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "vm/pc.h"
#include "vm/sleep.h"
#include "vm/vm.h"

void vm_com1_tx(void *ctx, u8 byte)
{
	struct vm *vm = ctx;
	char c = (char)byte;

	if (c == '\n' || vm->line_len == sizeof(vm->line) - 1) {
		vm->line[vm->line_len] = '\0';
		kprintf("guest: %s\n", vm->line);
		memcpy(vm->last_line, vm->line, vm->line_len + 1);
		vm->lines++;
		vm->line_len = 0;
		if (c == '\n')
			return;
	}
	if (c != '\r')
		vm->line[vm->line_len++] = c;
}

static int ucall_fetch(struct vcpu *v, struct ucall *uc)
{
	u64 gpa;

	if (vcpu_gva_to_gpa(v, v->gprs.rdi, &gpa) || vcpu_read_guest(v, gpa, uc, sizeof(*uc))) {
		kprintf("vmm: ucall with an unreadable struct at 0x%llx\n", v->gprs.rdi);
		return -1;
	}
	uc->buffer[UCALL_BUFFER_LEN - 1] = '\0';
	return 0;
}

/*
 * Run v up to the caller's deadline or the next device event.  A device
 * event must be met on time (a timer interrupt due then); the caller's
 * deadline is its own bound (the console's turn), which a run may overrun
 * by a few fast exits' handling (vcpu_run_loose()).
 */
static int vm_run_slice(struct vm *vm, struct vcpu *v, u64 deadline)
{
	u64 next = vm_devices_next_event(vm, v), now = rdtsc();

	if (next && (!deadline || next <= deadline))
		return vcpu_run(v, next > now ? next - now : 1);
	if (!deadline)
		return vcpu_run(v, 0);
	return vcpu_run_loose(v, deadline > now ? deadline - now : 1);
}

/*
 * The guest halted.  With interrupts enabled its CPU halts until an
 * interrupt for it is due (true: run it again): a device's, a timer's, or
 * another vCPU's IPI, which kicks it awake.  With none that could come (a
 * VM of one vCPU, no timer, run by its caller's loop: only the caller can
 * change that), or with interrupts off (but on an AP with a CPU of its
 * own), the HLT goes to the caller (false), as does a deadline that passes
 * first (then as a budget exit), or an interrupt for the VMM (the
 * console's input: VCPU_EXIT_INTR); the guest then resumes after its HLT,
 * as after any wake-up.
 */
static bool vm_halt(struct vm *vm, struct vcpu *v, u64 deadline)
{
	/*
	 * Interrupts off: the caller's, but for an AP on its own CPU, which
	 * waits for an NMI, INIT or SIPI as a CPU does (Linux parks APs so).
	 */
	if (!v->ready_for_interrupt && (!vm->vcpus_threaded || v->vcpu_idx == 0))
		return false;
	while (!vm_devices_pending(v) && !kvm_test_request(VCPU_REQ_STOP, v)) {
		u64 next = vm_devices_next_event(vm, v);

		if (cpu_vmm_intr_pending()) {
			v->exit.reason = VCPU_EXIT_INTR;
			return false;
		}
		if (!next && !vm->vcpus_threaded && vm->kvm.online_vcpus == 1)
			return false;
		if (deadline && (!next || next > deadline)) {
			if (rdtsc() >= deadline) {
				v->exit.reason = VCPU_EXIT_BUDGET;
				return false;
			}
			next = deadline;
		}
		vcpu_block(v, next);
	}
	return true;
}

/*
 * An AP between INIT and its STARTUP IPI (SDM Vol. 3A 9.4): its CPU halts
 * until the SIPI (or an INIT, or a stop) comes; false when the caller's
 * deadline passed first (a budget exit), a stop was asked, or an interrupt
 * for the VMM came (VCPU_EXIT_INTR).
 */
static bool vm_wait_for_sipi(struct vcpu *v, u64 deadline)
{
	while (!vm_devices_pending(v)) {
		if (kvm_check_request(VCPU_REQ_STOP, v)) {
			v->exit.reason = VCPU_EXIT_STOPPED;
			return false;
		}
		if (deadline && rdtsc() >= deadline) {
			v->exit.reason = VCPU_EXIT_BUDGET;
			return false;
		}
		if (cpu_vmm_intr_pending()) {
			v->exit.reason = VCPU_EXIT_INTR;
			return false;
		}
		vcpu_block(v, deadline);
	}
	return true;
}

/* Exits the loop handles itself: 1 to run on, 0 to return to the caller. */
static int vm_exit_handled(struct vm *vm, struct vcpu *v, u64 deadline)
{
	switch (v->exit.reason) {
	case VCPU_EXIT_BUDGET:
		return !deadline || rdtsc() < deadline;	/* a device event, not the caller's budget */
	case VCPU_EXIT_HLT:
		return vm_halt(vm, v, deadline);
	case VCPU_EXIT_IO:
		return vm_devices_io(vm, &v->exit);
	case VCPU_EXIT_MMIO:
		return vm_devices_mmio(vm, v);
	default:
		return 0;
	}
}

/*
 * The budget covers the whole call, not each vcpu_run(): a guest that polls
 * COM1 exits every few instructions, and would otherwise never give the
 * caller (the interactive console) its turn.
 */
int vm_run(struct vcpu *v, u64 budget, struct ucall *uc)
{
	struct vm *vm = vm_from_kvm(v->kvm);
	u64 deadline = budget ? rdtsc() + budget : 0;

	for (;;) {
		if (deadline && rdtsc() >= deadline) {
			v->exit.reason = VCPU_EXIT_BUDGET;
			return 0;
		}
		kvm_apic_accept_events(v);
		if (v->mp_state == VCPU_MP_INIT_RECEIVED) {
			if (!vm_wait_for_sipi(v, deadline))
				return 0;
			continue;
		}
		if (vm_sleep_requested(vm)) {	/* the guest wrote SLP_EN: ACPI S3 or S5 */
			if (!vm_sleep(vm, v, deadline))
				return 0;
			continue;
		}
		if (vm_run_slice(vm, v, deadline) < 0)
			return 0;
		if (vm_exit_handled(vm, v, deadline))
			continue;
		if (vm->no_ucall || v->exit.reason != VCPU_EXIT_IO ||
		    v->exit.io.port != UCALL_PORT || !v->exit.io.is_write)
			return 0;
		if (ucall_fetch(v, uc))
			return 0;
		if (uc->cmd == UCALL_PRINT) {
			kprintf("guest: %s\n", uc->buffer);
			continue;
		}
		if (uc->cmd == UCALL_ABORT)
			kprintf("vmm: %s: guest assertion failed: %s\n", vm->name, uc->buffer);
		return (int)uc->cmd;
	}
}
