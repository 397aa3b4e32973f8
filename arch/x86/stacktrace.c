/*
 * Stack traces by walking the frame-pointer chain (the kernel is built with
 * -fno-omit-frame-pointer): each frame holds the caller's RBP and the
 * return address above it.  Only frames inside the image's .bss (where
 * every hypervisor stack lives) are followed, so a corrupt RBP ends the
 * trace instead of faulting.  Resolve addresses with
 * addr2line -e build/slotvisor.elf ADDR (the test runner does it).
 */
#include "arch/x86/trap.h"
#include "lib/printf.h"

#define STACK_TRACE_MAX 16

extern char __bss_start[], __bss_end[];

static bool frame_ok(u64 rbp)
{
	return (rbp & 7) == 0 && rbp >= (u64)__bss_start && rbp + 16 <= (u64)__bss_end;
}

void stack_trace_print(u64 rip, u64 rbp)
{
	kprintf("  stack trace:\n");
	kprintf("    #0  %016llx\n", (unsigned long long)rip);
	for (int i = 1; i < STACK_TRACE_MAX && frame_ok(rbp); i++) {
		const u64 *frame = (const u64 *)rbp;

		if (!frame[1])
			break;
		kprintf("    #%-2d %016llx\n", i, (unsigned long long)frame[1]);
		rbp = frame[0];
	}
}
