/*
 * vmm_run: the VMM's side of the run loop.  COM1 is the emulated 16550A
 * (vmm/uart16550.c) whose output is printed line by line as "guest: ...";
 * a write to UCALL_PORT is a ucall whose struct is at RDI in the guest.
 * Everything else goes back to the caller.
 */
#include "arch/x86/cpu.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "vmm/vmm.h"

#define COM1_BASE 0x3f8

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

/* A byte-wide access to COM1's registers; wider ones touch the first only. */
static bool com1_io(struct vm *vm, struct vcpu_exit *e)
{
	if (e->io.port < COM1_BASE || e->io.port >= COM1_BASE + UART_NR_PORTS)
		return false;
	if (e->io.is_write)
		uart16550_write(&vm->com1, e->io.port - COM1_BASE, (u8)e->io.data);
	else
		e->io.data = uart16550_read(&vm->com1, e->io.port - COM1_BASE);
	return true;
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

static struct vm *vm_of(struct vcpu *v)
{
	return v->kvm->owner;
}

/* The ticks left before deadline (0 when there is none); *over once it has passed. */
static u64 budget_left(u64 deadline, bool *over)
{
	u64 now = rdtsc();

	*over = deadline && now >= deadline;
	return deadline && !*over ? deadline - now : 0;
}

/*
 * The budget covers the whole call, not each vcpu_run(): a guest that polls
 * COM1 exits every few instructions, and would otherwise never give the
 * caller (the interactive console) its turn.
 */
int vmm_run(struct vcpu *v, u64 budget, struct ucall *uc)
{
	struct vm *vm = vm_of(v);
	u64 deadline = budget ? rdtsc() + budget : 0;

	for (;;) {
		bool over;
		u64 left = budget_left(deadline, &over);

		if (over) {
			v->exit.reason = VCPU_EXIT_BUDGET;
			return 0;
		}
		if (vcpu_run(v, left) < 0 || v->exit.reason != VCPU_EXIT_IO)
			return 0;
		if (com1_io(vm, &v->exit))
			continue;
		if (v->exit.io.port != UCALL_PORT || !v->exit.io.is_write)
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
