/*
 * The monitor: a command line on the hypervisor's console, after QEMU's
 * (docs/monitor.md).  It inspects a VM (its memslots, EPT, vCPUs and
 * counters) and changes its memslots through the same API as the VMM
 * (vm_add_memory, kvm_set_memory_region, kvm_get_dirty_log).  It prints
 * with kprintf and touches no VMX state, so it runs on the host in the unit
 * tests; the interactive loop that calls it is console/console.c.  The caller
 * keeps the VM's vCPUs out of their guests while a command runs.
 */
#pragma once

#include "types.h"

struct vm;

/* What the console does after a command. */
enum monitor_action {
	MONITOR_STAY,		/* the monitor keeps the console */
	MONITOR_RESUME,		/* the guest gets the console back and runs again */
	MONITOR_QUIT,		/* power off */
};

#define MONITOR_LINE_MAX 128
#define MONITOR_PROMPT "(slotvisor) "

/* Run one command line; errors are printed as "monitor: ...".  An enum monitor_action. */
int monitor_exec(struct vm *vm, const char *line);

/* The line being typed at the monitor's prompt. */
struct monitor_line {
	char buf[MONITOR_LINE_MAX];
	unsigned int len;
};

/*
 * One byte typed at the monitor: printable bytes are echoed and kept,
 * backspace (BS or DEL) erases one, CR or LF runs the line with
 * monitor_exec() and prints the next prompt.  An enum monitor_action.
 */
int monitor_line_input(struct monitor_line *l, struct vm *vm, u8 c);

/* Print the prompt. */
void monitor_prompt(void);

/* ---- for the commands (console/monitor_*.c) ---- */

#define MONITOR_MAX_ARGS 8

int monitor_info_slots(struct vm *vm, int argc, char **argv);
int monitor_info_ept(struct vm *vm, int argc, char **argv);
int monitor_info_vcpus(struct vm *vm, int argc, char **argv);
int monitor_info_cpus(struct vm *vm, int argc, char **argv);
int monitor_info_virtio(struct vm *vm, int argc, char **argv);
int monitor_info_mem(struct vm *vm, int argc, char **argv);
int monitor_hotplug(struct vm *vm, int argc, char **argv);
int monitor_stats(struct vm *vm, int argc, char **argv);

/*
 * The exits of all vm's vCPUs by reason, and the I/O exits by port (the
 * busiest first), as two lines that start with tag: info vcpus, and the
 * end of every guest the console ran (make bench reads them).
 */
void monitor_exit_histogram(struct vm *vm, const char *tag);
int monitor_slot_add(struct vm *vm, int argc, char **argv);
int monitor_slot_delete(struct vm *vm, int argc, char **argv);
int monitor_slot_move(struct vm *vm, int argc, char **argv);
int monitor_slot_dirty(struct vm *vm, int argc, char **argv);
