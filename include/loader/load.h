/*
 * Loading guests into a VM (loader/): the embedded 64-bit and real-mode
 * test images (loader/load64.c) and bzImage or multiboot v1 kernels
 * (loader/load_kernel.c, after the load plans of loader/image.c).
 */
#pragma once

#include "loader/image.h"
#include "vm/vm.h"

/* Guest-physical layout of a 64-bit test guest (vm_load_guest64). */
#define GUEST_GDT_GPA 0x1000
#define GUEST_PML4_GPA 0x2000
#define GUEST_PDPT_GPA 0x3000
#define GUEST_PD_GPA 0x4000		/* four pages: 4 GiB of 2 MiB pages */
#define GUEST_STACK_TOP 0x80000		/* vCPU i's stack ends at TOP - i * SIZE */
#define GUEST_VCPU_STACK_SIZE 0x4000
#define GUEST_LOAD_GPA 0x100000
#define GUEST_IDENTITY_MAP_SIZE GiB(4)
/* A real-mode guest (guests/real/) starts at 0000:8000. */
#define GUEST_REAL_LOAD_GPA 0x8000

/*
 * Load the embedded guest `image` into slot 0 (mem_size bytes at gpa 0,
 * with the GDT and identity page tables above) and make vCPU 0 ready to
 * start it in 64-bit mode.  -ENOENT for an unknown image, -E2BIG if it
 * does not fit, or the error of a step.
 */
int vm_load_guest64(struct vm *vm, const char *image, u64 mem_size, struct vcpu **vcpu);

/*
 * Another vCPU for a VM vm_load_guest64() made, ready to start the same
 * image in 64-bit mode on its own stack; it finds its index with CPUID
 * (the APIC id, guests/lib/guest.h).  Error of vcpu_create(), or -ENOSPC.
 */
int vm_add_vcpu64(struct vm *vm, struct vcpu **vcpu);

/* As vm_load_guest64, for a real-mode guest started at 0000:GUEST_REAL_LOAD_GPA. */
int vm_load_guest_real(struct vm *vm, const char *image, u64 mem_size, struct vcpu **vcpu);

/* What vm_load_kernel gives the image besides itself. */
struct vm_kernel_args {
	u64 mem_size;			/* RAM from 0; above VM_KERNEL_LOW_RAM_MAX it goes on at 4 GiB */
	const char *cmdline;		/* NULL: empty; multiboot: "name args" as QEMU passes it */
	const struct load_module *modules;	/* multiboot modules, or a bzImage's initrd */
	unsigned int nr_modules;
	enum linux_entry linux_entry;
	unsigned int nr_vcpus;		/* 0 or 1: one; the others wait for INIT and SIPI */
	u8 *disk;			/* a bzImage's virtio-blk disk image, or NULL; kept in place */
	u64 disk_len;
	u64 hotplug_size;		/* a bzImage's virtio-mem region (0: none) */
	u64 hotplug_request;		/* of it, what the guest is asked to plug at boot */
};

#define VM_KERNEL_LOW_RAM_MAX GiB(3)

/*
 * Load a bzImage or multiboot v1 kernel (loader/image.c): RAM as slots 0 and
 * 1, the legacy hole 0xa0000-0xfffff reserved in the memory map, the load
 * plan applied, and vCPU 0 made and put in the plan's entry state.  A
 * refused image prints why ("vmm: NAME: cannot load the image: ...") and
 * returns the plan's error (-ENOEXEC, -EINVAL, -E2BIG) before touching the VM.
 */
int vm_load_kernel(struct vm *vm, const void *image, u64 len, const struct vm_kernel_args *args,
		  struct vcpu **vcpu);
/* Copy and zero what plan says into the VM's memslots: 0 or -EFAULT. */
int vm_apply_plan(struct vm *vm, const struct load_plan *plan);
/*
 * Put v in a plan's entry state: flat 32-bit protected mode with paging
 * off (CS/DS from the plan's GDT, CR0 = PE|ET, EFER 0), or 64-bit mode on
 * the plan's identity map; RIP, RSP, RAX, RBX, RSI from the plan; IF = 0.
 */
void vcpu_set_entry_state(struct vcpu *v, const struct load_cpu *c);
