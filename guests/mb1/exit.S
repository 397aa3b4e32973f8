/*
 * mb1/exit: a multiboot v1 guest that ends at once by writing 0xc0000001 to
 * the isa-debug-exit port 0xf4 as a 32-bit OUT: a status with bits 31 and
 * 30 set, which the hypervisor must report as the guest's status,
 * (0xc0000001 << 1) | 1 = 6442450947, whole (boot case bochs_exit_status).
 */
#include "boot.inc"

#define EXIT_VALUE 0xc0000001

main64:
	mov $EXIT_VALUE, %eax
	mov $DEBUG_EXIT_PORT, %dx
	out %eax, %dx
1:	cli
	hlt
	jmp 1b
