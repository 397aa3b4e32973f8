/*
 * Exception handling.  An exception in the hypervisor is a bug unless the
 * faulting instruction is in the fixup table: print everything needed to
 * find it (vector, error code, RIP, RSP, CR2, CR3, registers, stack trace)
 * and power off with the panic status.  Never a silent hang.
 */
#include "arch/x86/cpu.h"
#include "arch/x86/extable.h"
#include "arch/x86/lapic.h"
#include "arch/x86/percpu.h"
#include "arch/x86/trap.h"
#include "arch/x86/uart_irq.h"
#include "arch/poweroff.h"
#include "lib/printf.h"

struct trap_record trap_last_recovered;
unsigned long trap_dump_count;

static const char *const exception_names[X86_NR_EXCEPTIONS] = {
	[0] = "#DE divide error",	  [1] = "#DB debug",
	[2] = "NMI",			  [3] = "#BP breakpoint",
	[4] = "#OF overflow",		  [5] = "#BR bound range",
	[6] = "#UD invalid opcode",	  [7] = "#NM device not available",
	[8] = "#DF double fault",	  [9] = "coprocessor overrun",
	[10] = "#TS invalid TSS",	  [11] = "#NP segment not present",
	[12] = "#SS stack fault",	  [13] = "#GP general protection",
	[14] = "#PF page fault",	  [15] = "reserved",
	[16] = "#MF x87 error",		  [17] = "#AC alignment check",
	[18] = "#MC machine check",	  [19] = "#XM SIMD exception",
	[20] = "#VE virtualization",	  [21] = "#CP control protection",
	[28] = "#HV hypervisor injection", [29] = "#VC VMM communication",
	[30] = "#SX security exception",
};

const char *trap_name(u64 vector)
{
	static char mnemonic[X86_NR_EXCEPTIONS][4];
	const char *full;
	int i;

	if (vector >= X86_NR_EXCEPTIONS || !exception_names[vector])
		return vector < X86_NR_EXCEPTIONS ? "reserved" : "INT";
	full = exception_names[vector];
	for (i = 0; i < 3 && full[i] && full[i] != ' '; i++)
		mnemonic[vector][i] = full[i];
	mnemonic[vector][i] = '\0';
	return mnemonic[vector];
}

static void trap_dump(const struct trap_frame *f, const char *why)
{
	const char *name = f->vector < X86_NR_EXCEPTIONS && exception_names[f->vector]
				   ? exception_names[f->vector] : "interrupt";

	trap_dump_count++;
	kprintf("exception: %s (vector %llu) error 0x%llx%s\n", name,
		(unsigned long long)f->vector, (unsigned long long)f->error_code, why);
	kprintf("  RIP %016llx  CS %04llx  RFLAGS %08llx\n", f->rip, f->cs, f->rflags);
	kprintf("  RSP %016llx  SS %04llx  CR2 %016llx  CR3 %016llx\n", f->rsp,
		f->ss, read_cr2(), read_cr3());
	kprintf("  RAX %016llx  RBX %016llx  RCX %016llx  RDX %016llx\n", f->rax,
		f->rbx, f->rcx, f->rdx);
	kprintf("  RSI %016llx  RDI %016llx  RBP %016llx  R8  %016llx\n", f->rsi,
		f->rdi, f->rbp, f->r8);
	kprintf("  R9  %016llx  R10 %016llx  R11 %016llx  R12 %016llx\n", f->r9,
		f->r10, f->r11, f->r12);
	kprintf("  R13 %016llx  R14 %016llx  R15 %016llx\n", f->r13, f->r14, f->r15);
	stack_trace_print(f->rip, f->rbp);
}

/* A fault at a listed instruction resumes at its fixup; anything else stops the machine. */
static void exception_handle(struct trap_frame *f)
{
	const struct extable_entry *fix = extable_find(f->rip);

	if (fix) {
		if (fix->flags & EXTABLE_DUMP)
			trap_dump(f, " (recovered: expected by a test)");
		trap_last_recovered = (struct trap_record){
			.vector = f->vector,
			.error_code = f->error_code,
			.rip = f->rip,
			.cr2 = read_cr2(),
		};
		f->rip = fix->fixup;
		return;
	}
	trap_dump(f, "");
	kprintf("panic: unhandled exception %s in the hypervisor; powering off\n",
		trap_name(f->vector));
	arch_poweroff(EXIT_PANIC);
}

/*
 * The nesting depth is per CPU: CPUs take their wake-ups at the same time,
 * and only a fault inside this CPU's own handler is a double fault.
 */
void trap_dispatch(struct trap_frame *f)
{
	struct percpu *c = this_cpu();

	if (++c->trap_depth > 1) {
		/* A fault while handling a fault: print the least we can and stop. */
		kprintf("exception: vector %llu at RIP %016llx while handling another; halting\n",
			(unsigned long long)f->vector, f->rip);
		arch_poweroff(EXIT_PANIC);
	}
	if (f->vector < X86_NR_EXCEPTIONS) {
		exception_handle(f);
	} else if (f->vector == LAPIC_WAKE_VECTOR || f->vector == LAPIC_TIMER_VECTOR) {
		/* An idle CPU's wake-up (arch/x86/idle.c): it only had to end the halt. */
		c->wakeups++;
		lapic_eoi();
	} else if (f->vector == LAPIC_UART_VECTOR) {
		/* The console's input (arch/x86/uart_irq.c): it ends an idle halt too. */
		c->wakeups++;
		uart_irq_handle();
	} else {
		/* Interrupts stay disabled until a later layer enables them. */
		trap_dump(f, " (unexpected interrupt)");
		kprintf("panic: unexpected interrupt vector %llu; powering off\n",
			(unsigned long long)f->vector);
		arch_poweroff(EXIT_PANIC);
	}
	c->trap_depth--;
}
