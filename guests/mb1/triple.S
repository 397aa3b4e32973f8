/*
 * mb1/triple: a multiboot v1 guest that triple-faults: it loads an empty
 * IDT and raises #BP, whose delivery faults, then faults again (SDM Vol. 3A
 * 6.15, "Double Fault Exception").  slotvisor must end the VM and name why:
 * "the guest stopped: a triple fault" (boot case bochs_guest_triple_fault).
 */
#include "boot.inc"

main64:
	lidt empty_idt(%rip)
	int3
1:	cli
	hlt
	jmp 1b

	.data
empty_idt:
	.word 0
	.quad 0
