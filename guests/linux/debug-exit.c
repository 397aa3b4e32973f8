/*
 * debug-exit N: end the VM with status N through QEMU's isa-debug-exit
 * port (0xf4), from user space in a Linux guest.  slotvisor reports
 * (N << 1) | 1, as QEMU does.  Where that port is not there (the same
 * kernel in bare Bochs: make bench's boot-time ratio), "Shutdown" to
 * Bochs' port 0x8900 powers it off, as kvm-unit-tests' exit() does.
 * Static and libc-free (raw system calls), so scripts/linux-guest.sh can
 * put it in any initramfs; root only (ioperm).
 */
#include "linux_sys.h"

#define DEBUG_EXIT_PORT 0xf4
#define BOCHS_SHUTDOWN_PORT 0x8900

/* The entry point: argc, argv[] on the stack. */
__attribute__((noreturn)) void debug_exit_main(long *sp)
{
	static const char msg[] = "debug-exit: the VM did not stop\n";
	int status = sp[0] > 1 ? (int)parse_decimal((const char *)sp[2]) : 0;

	static const char shutdown[] = "Shutdown";

	if (sys(SYS_IOPERM, DEBUG_EXIT_PORT, 1, 1, 0, 0, 0) == 0)
		__asm__ __volatile__("outb %b0, %w1" : : "a"(status), "Nd"(DEBUG_EXIT_PORT));
	if (sys(SYS_IOPERM, BOCHS_SHUTDOWN_PORT, 1, 1, 0, 0, 0) == 0)
		for (unsigned int i = 0; i < sizeof(shutdown) - 1; i++)
			__asm__ __volatile__("outb %b0, %w1" : : "a"(shutdown[i]),
					     "d"((unsigned short)BOCHS_SHUTDOWN_PORT));
	sys(SYS_WRITE, 2, (long)msg, sizeof(msg) - 1, 0, 0, 0);
	sys(SYS_EXIT, 1, 0, 0, 0, 0, 0);
	__builtin_unreachable();
}

__asm__(".globl _start\n_start:\n\tmov %rsp, %rdi\n\tand $-16, %rsp\n\tcall debug_exit_main\n");
