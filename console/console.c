/*
 * The interactive console's run loop (slotvisor.console=1).  One CPU does
 * everything: the guest runs until the host UART's receive interrupt says
 * input came (arch/x86/uart_irq.c), or in slices of CONSOLE_SLICE_US with
 * the UART polled between them where that interrupt is not to be had
 * (console/console_slice.c); while the monitor has the console no slice
 * runs, so the guest is paused and every monitor command sees (and
 * changes) a VM whose vCPU is out of its guest.
 */
#include "loader/load.h"
#include "arch/console.h"
#include "arch/x86/cpu.h"
#include "arch/x86/lapic.h"
#include "arch/x86/setup.h"
#include "arch/x86/smp.h"
#include "arch/x86/uart_irq.h"
#include "lib/cmdline.h"
#include "irq/irq.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "console/console.h"
#include "vm/vm.h"

/* The switch that keeps the console polling (README; the boot case bochs_monitor_polled). */
#define CONSOLE_IRQ_OFF "slotvisor.console_irq=off"
#define CONSOLE_INPUT_LINE_LEN 160

/* The next slice of the guest (or of this CPU's idling), in TSC ticks. */
static u64 console_budget(const struct console *con)
{
	return console_slice_ticks(&con->input, rdtsc(), tsc_khz);
}

/* Input by the UART's interrupt where it works, else polled; says which, in one line. */
static void console_input_start(struct console *con)
{
	char line[CONSOLE_INPUT_LINE_LEN];

	if (cmdline_has(boot_info.cmdline, CONSOLE_IRQ_OFF)) {
		kprintf("console: input polled every 1 ms: " CONSOLE_IRQ_OFF "\n");
		return;
	}
	con->input.irq = !uart_irq_start(line, sizeof(line));
	kprintf("console: input %s: %s\n", con->input.irq ? "by interrupt" : "polled every 1 ms",
		line);
}

static void console_input_stop(struct console *con)
{
	if (con->input.irq)
		uart_irq_stop();
	con->input.irq = false;
}
#define MMIO_READ_VALUE ~0ULL
#define ISA_DEBUG_EXIT_PORT 0xf4	/* QEMU's isa-debug-exit, as kvm-unit-tests use it */
#define PORTS 0x10000

/* Ports a guest touched that no device claims: each is reported once. */
static u64 unclaimed_reported[PORTS / 64];

/*
 * The guest's COM1 bytes go to the console as they are, not line by line;
 * a hypervisor message never lands inside one of its lines (kwrite_raw()).
 */
/* The guest's last COM1 byte was not a newline: a line of the hypervisor's must start one. */
static bool guest_mid_line;

static void console_guest_tx(void *ctx, u8 byte)
{
	char c = (char)byte;

	guest_mid_line = c != '\n';
	kwrite_raw(&c, 1);
}

/* End the guest's line, if it is in the middle of one, before a line of the console's. */
static void console_break_line(void)
{
	if (guest_mid_line)
		kprintf("\n");
	guest_mid_line = false;
}

/*
 * The guest is over: with a status token, one line only the hypervisor can
 * print says that its console ends here, before the hypervisor's own
 * end-of-guest lines, so that a script forwarding the guest's console
 * (scripts/qemu-system-x86_64) stops at it without knowing what those
 * lines say (docs/guests.md, "A guest cannot forge its status").
 */
static void console_guest_over(struct console *con)
{
	console_break_line();
	if (con->status_token)
		kprintf("slotvisor: status %s: the guest's console ends\n", con->status_token);
	if (con->debug_exit)
		kprintf("console: the guest wrote %#llx to isa-debug-exit\n", con->status >> 1);
}

/* Read what was typed; false once the console should end. */
static bool console_poll(struct console *con)
{
	int c;
	u8 to_guest;

	/* Taken before the reads: an interrupt for a byte after them sets it again. */
	cpu_vmm_intr_take();
	while ((c = arch_console_getc()) >= 0) {
		con->input.had_input = true;
		con->input.last_input = rdtsc();
		switch (console_input(con, (u8)c, &to_guest)) {
		case CONSOLE_QUIT:
			return false;
		case CONSOLE_TO_GUEST:
			/* A full FIFO drops the byte, as an overrun on a real UART would. */
			spin_lock(&con->vm->irqchip.lock);
			uart16550_receive(&con->vm->com1, to_guest);
			spin_unlock(&con->vm->irqchip.lock);
			/* Its interrupt, for a vCPU that may be halted on another CPU. */
			irqchip_poll(&con->vm->irqchip);
			break;
		default:
			break;
		}
	}
	return true;
}

/* Answer an MMIO exit as an empty bus would (a deleted or moved slot). */
static void console_mmio(struct vcpu *v)
{
	bool last;

	if (vcpu_report(&v->mmio_unbacked, &last)) {
		console_break_line();
		kprintf("console: guest MMIO %s gpa %#llx (%u bytes)%s%s\n",
			v->exit.mmio.is_write ? "write to" : "read of", v->exit.mmio.gpa,
			v->exit.mmio.len, v->exit.mmio.is_write ? ", dropped" : ", returning all ones",
			last ? " (more are counted in stats, not printed)" : "");
	}
	if (!v->exit.mmio.is_write)
		v->exit.mmio.data = MMIO_READ_VALUE;
}

/*
 * Port I/O no device claims answers as an empty ISA bus does: reads are all
 * ones, writes go nowhere.  Said once per port, so a guest probing for
 * hardware (a real kernel does) is seen but does not flood the console.
 */
static void console_unclaimed_io(struct vcpu *v)
{
	u16 port = v->exit.io.port;

	if (!(unclaimed_reported[port / 64] & (1ULL << (port % 64)))) {
		unclaimed_reported[port / 64] |= 1ULL << (port % 64);
		console_break_line();
		kprintf("console: guest I/O to port %#x, which no device claims (%s)\n", port,
			v->exit.io.is_write ? "write dropped" : "reads all ones");
	}
	if (!v->exit.io.is_write)
		v->exit.io.data = ~0u;
}

/* A real guest's exits the console answers; false when the guest is over (con->status set). */
static bool console_guest_exit(struct console *con, struct vcpu *v)
{
	switch (v->exit.reason) {
	case VCPU_EXIT_IO:
		if (v->exit.io.port == ISA_DEBUG_EXIT_PORT && v->exit.io.is_write) {
			con->status = ((u64)v->exit.io.data << 1) | 1;	/* all 33 bits of it */
			con->debug_exit = true;	/* said by console_guest_over() */
			return false;
		}
		console_unclaimed_io(v);
		return true;
	case VCPU_EXIT_HLT:
		if (v->ready_for_interrupt)
			return true;	/* typed input may still raise COM1's interrupt */
		console_break_line();
		kprintf("console: the guest halted with interrupts off\n");
		return false;
	default:
		return true;
	}
}

/* One slice of the guest; false when it cannot run on (it ended, or an exit nobody handles). */
static bool console_slice(struct console *con, struct vcpu *v)
{
	char why[VCPU_EXIT_WHY_LEN];
	struct ucall uc;
	int cmd = vm_run(v, console_budget(con), &uc);

	if (!cmd && con->real_guest && (v->exit.reason == VCPU_EXIT_IO ||
					 v->exit.reason == VCPU_EXIT_HLT))
		return console_guest_exit(con, v);

	if (cmd) {
		console_break_line();
		kprintf("console: the guest %s\n", cmd == UCALL_DONE ? "finished" : "made a ucall");
		return false;
	}
	switch (v->exit.reason) {
	case VCPU_EXIT_BUDGET:
	case VCPU_EXIT_INTR:	/* input came: console_poll() reads it */
	case VCPU_EXIT_HLT:	/* no interrupts to wait for: resume after the HLT */
		return true;
	case VCPU_EXIT_MMIO:
		console_mmio(v);
		return true;
	default:
		vcpu_exit_describe(v, why, sizeof(why));
		console_break_line();
		kprintf("console: the guest stopped: %s%s\n", why, v->dead ? "; the VM is over" : "");
		return false;
	}
}

static void __console_run(struct console *con, struct vcpu *v);

void console_run(struct vm *vm, struct vcpu *v)
{
	struct console con = { .vm = vm };

	__console_run(&con, v);
}

/*
 * An exit of a vCPU on its own CPU (console_run_threaded()), answered
 * there; false ends the guest.
 */
static bool console_vcpu_exit(void *ctx, struct vcpu *v, int cmd)
{
	char why[VCPU_EXIT_WHY_LEN];
	struct console *con = ctx;

	if (cmd) {
		console_break_line();
		kprintf("console: vcpu %u made a ucall (%d): the guest is over\n", v->id, cmd);
		return false;
	}
	switch (v->exit.reason) {
	case VCPU_EXIT_IO:
		return console_guest_exit(con, v);
	case VCPU_EXIT_MMIO:
		console_mmio(v);
		return true;
	case VCPU_EXIT_HLT:	/* vCPU 0 halted with interrupts off (an AP waits in vm_halt()) */
		return console_guest_exit(con, v);
	default:
		vcpu_exit_describe(v, why, sizeof(why));
		console_break_line();
		kprintf("console: vcpu %u stopped: %s%s\n", v->id, why,
			v->dead ? "; the VM is over" : "");
		return false;
	}
}

static void console_pause_vcpus(struct console *con, bool paused)
{
	if (paused)
		vm_vcpus_pause(con->vm);
	else
		vm_vcpus_resume(con->vm);
}

/*
 * A guest of several vCPUs: each runs on a CPU of its own
 * (vm/vcpu_threads.c) and this CPU keeps the console, polling COM1 and
 * pausing them all for the monitor.
 */
static void console_run_threaded(struct console *con)
{
	struct vm *vm = con->vm;
	unsigned int n = vm->kvm.online_vcpus;
	bool quit = false;

	if (n + 1 > nr_cpus) {
		kprintf("console: %u vCPUs need %u CPUs (one each, and one for the console); "
			"this machine has %u\n", n, n + 1, nr_cpus);
		return;
	}
	/* Said before the guest runs, so that its first line is not cut by it. */
	kprintf("console: %u vCPUs on CPUs 1-%u; COM1 is the guest's now; Ctrl-A c: monitor, "
		"Ctrl-A x: power off, Ctrl-A h: help\n", n, n);
	vm->com1.tx = console_guest_tx;
	con->pause = console_pause_vcpus;
	console_input_start(con);
	if (vm_vcpus_start(vm, console_vcpu_exit, con)) {
		kprintf("console: the vCPUs' CPUs could not be started\n");
		console_input_stop(con);
		return;
	}
	while (!vm_vcpus_over(vm)) {
		if (!console_poll(con)) {
			quit = true;
			break;
		}
		/* Nothing to do until the next poll: halt rather than spin (arch/x86/idle.c). */
		cpu_idle_until(rdtsc() + console_budget(con));
	}
	vm_vcpus_end(vm);
	if (con->in_monitor)
		vm_vcpus_resume(vm);	/* let the parked threads see the end */
	vm_vcpus_wait(vm);
	console_input_stop(con);
	if (quit) {
		kprintf("\nconsole: quit\n");
		return;
	}
	console_guest_over(con);
	kprintf("console: the guest ended\n");
}

u64 console_run_guest(struct vm *vm, struct vcpu *v, const char *status_token)
{
	struct console con = { .vm = vm, .real_guest = true, .status_token = status_token };

	if (vm->kvm.online_vcpus > 1)
		console_run_threaded(&con);
	else
		__console_run(&con, v);
	monitor_exit_histogram(vm, "console");
	return con.status;
}

static void __console_run(struct console *con, struct vcpu *v)
{
	struct vm *vm = con->vm;
	bool guest_over = false;

	vm->com1.tx = console_guest_tx;
	console_input_start(con);
	kprintf("console: COM1 is the guest's now; Ctrl-A c: monitor, Ctrl-A x: power off, "
		"Ctrl-A h: help\n");
	while (console_poll(con)) {
		if (con->in_monitor) {
			cpu_relax();
			continue;
		}
		if (guest_over) {
			kprintf("monitor: the guest cannot run again; 'quit' powers off\n");
			console_enter_monitor(con);
			continue;
		}
		if (!console_slice(con, v)) {
			if (con->real_guest) {
				console_input_stop(con);
				console_guest_over(con);
				kprintf("console: the guest ended\n");
				return;
			}
			guest_over = true;
			console_enter_monitor(con);
		}
	}
	console_input_stop(con);
	kprintf("\nconsole: quit\n");
}

/* The echo VM's slots besides slot 0: something for the monitor to show and change. */
#define ECHO_MEM_SIZE MiB(4)
#define ECHO_DATA_SLOT 1
#define ECHO_DATA_GPA 0x1000000ULL
#define ECHO_RO_SLOT 2
#define ECHO_RO_GPA 0x2000000ULL
#define ECHO_LOG_SLOT 3
#define ECHO_LOG_GPA 0x3000000ULL	/* guests/echo.c writes a page of it per line */
#define ECHO_SLOT_SIZE KiB(64)

static int console_demo_setup(struct vm *vm, struct vcpu **v)
{
	int err = vm_load_guest64(vm, "echo", ECHO_MEM_SIZE, v);

	err = err ?: vm_add_memory(vm, ECHO_DATA_SLOT, ECHO_DATA_GPA, ECHO_SLOT_SIZE, 0, NULL);
	err = err ?: vm_add_memory(vm, ECHO_RO_SLOT, ECHO_RO_GPA, ECHO_SLOT_SIZE,
				   KVM_MEM_READONLY, NULL);
	err = err ?: vm_add_memory(vm, ECHO_LOG_SLOT, ECHO_LOG_GPA, ECHO_SLOT_SIZE,
				   KVM_MEM_LOG_DIRTY_PAGES, NULL);
	return err;
}

int console_demo(void)
{
	struct vm *vm = vm_create("echo");
	struct vcpu *v;
	int err = vm ? console_demo_setup(vm, &v) : -ENOMEM;

	if (err) {
		kprintf("console: setup failed: -%s\n", errno_name(-err));
		vm_destroy(vm);
		return err;
	}
	kprintf("console: a VM with four memslots runs guests/echo.c, which echoes what is typed\n");
	console_run(vm, v);
	vm_destroy(vm);
	return 0;
}
