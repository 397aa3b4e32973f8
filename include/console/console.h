/*
 * The interactive console (docs/monitor.md): the hypervisor's COM1 is the
 * guest's COM1, as with QEMU's -serial mon:stdio.  What is typed goes to
 * the guest's emulated UART and what the guest sends is printed as is;
 * Ctrl-A c switches to the monitor (include/console/monitor.h), during which
 * the guest does not run, and back.
 */
#pragma once

#include "console/monitor.h"

struct vm;
struct vcpu;

#define CONSOLE_ESCAPE 0x01		/* Ctrl-A, as in QEMU */
#define CONSOLE_KEY_MONITOR 'c'		/* Ctrl-A c: monitor <-> guest */
#define CONSOLE_KEY_QUIT 'x'		/* Ctrl-A x: power off */
#define CONSOLE_KEY_HELP 'h'		/* Ctrl-A h: these keys */
/* Ctrl-A Ctrl-A sends one Ctrl-A to the guest. */

/* The console's input timing (console/console_slice.c says why these). */
#define CONSOLE_SLICE_US 1000		/* polled: the host FIFO's 16 bytes take 1.4 ms */
#define CONSOLE_IRQ_SLICE_US 10000	/* with the receive interrupt: the keyboard's poll */
#define CONSOLE_BURST_US 100000		/* after a byte, polled again for this long */

struct console_input_state {
	bool irq;		/* the UART's receive interrupt works (arch/x86/uart_irq.c) */
	bool had_input;		/* a byte was read; last_input is its TSC */
	u64 last_input;
};

/*
 * TSC ticks the console lets its guest run (or its CPU idle) before it
 * reads its input again, at TSC time now, with the TSC at tsc_khz (0: not
 * measured).
 */
u64 console_slice_ticks(const struct console_input_state *in, u64 now, u64 tsc_khz);

struct console {
	struct vm *vm;
	bool in_monitor;	/* the monitor has the console; the guest is paused */
	bool escape;		/* Ctrl-A was typed; the next byte is a command key */
	struct monitor_line line;
	bool real_guest;	/* console_run_guest(): end with the guest */
	u64 status;		/* its exit status, QEMU's way: (value << 1) | 1, up to 2^33 - 1 */
	bool debug_exit;	/* the guest ended by writing isa-debug-exit (status >> 1) */
	/* slotvisor.status_token's T, or NULL: marks where the guest's console ends. */
	const char *status_token;
	/* vCPUs on their own CPUs: pause them for the monitor, resume them after (or NULL). */
	void (*pause)(struct console *con, bool paused);
	struct console_input_state input;
};

enum console_action {
	CONSOLE_NONE,
	CONSOLE_TO_GUEST,	/* *to_guest is a byte for the guest's UART */
	CONSOLE_QUIT,
};

/*
 * One byte typed on the console: the escape keys, the monitor's line
 * editor, or a byte for the guest.  An enum console_action.
 */
int console_input(struct console *con, u8 c, u8 *to_guest);

/* Give the monitor the console (prints its banner and prompt). */
void console_enter_monitor(struct console *con);

/*
 * Run vCPU 0 of vm (loaded and ready) under the console until `quit`:
 * short slices of the guest, the host's COM1 polled between them.
 */
void console_run(struct vm *vm, struct vcpu *v);

/*
 * console_run() for a guest nobody here wrote (console/guest_boot.c): unclaimed
 * ports read all ones, and the run ends when the guest does: it writes to
 * isa-debug-exit at 0xf4 (the status is (value << 1) | 1, as QEMU's), halts
 * with interrupts off or dies (status 0), or `quit` is typed.  A 32-bit
 * value gives a status of up to 33 bits, returned whole.
 */
u64 console_run_guest(struct vm *vm, struct vcpu *v, const char *status_token);

/* slotvisor.console=1: a VM running guests/echo.c, under console_run(). */
int console_demo(void);
