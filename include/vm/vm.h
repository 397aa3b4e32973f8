/*
 * The VMM that lives inside the hypervisor (QEMU's role, with an API shaped
 * like KVM selftests' kvm_util): VMs with memslots and backing, guest
 * loading, the devices test guests use (COM1 output, ucalls), and a run
 * loop that hands the caller every exit it must act on.  Tests and the demo
 * use this API and include/vmx/vcpu.h, never VMCS internals.
 */
#pragma once

#include "kvm/kvm.h"
#include "loader/image.h"
#include "irq/irq.h"
#include "devices/pit8254.h"
#include "devices/uart16550.h"
#include "vm/ucall_abi.h"
#include "vmx/vcpu.h"

#define VM_MAX_VCPUS KVM_MAX_VCPUS
#define VM_PML_ENTRIES 512	/* entries in a page-modification log (SDM Vol. 3C 29.3.6) */

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

struct vm {
	struct kvm kvm;		/* memslots, MMU, vCPUs: the KVM side (first: vm_from_kvm()) */
	const char *name;
	/* The interrupt controllers (irq/): kvm.irqchip points here. */
	struct irqchip irqchip;
	/* The PC devices (vm/pc.c), which raise lines into the irqchip. */
	struct uart16550 com1;	/* COM1 at 0x3f8, IRQ 4 */
	struct pit pit;		/* the 8254, IRQ 0 */
	u64 dev_tsc_base;	/* the TSC when the PIT's clock started */
	char line[160];		/* the guest's COM1 output not yet printed */
	unsigned int line_len;
	char last_line[160];	/* the last complete line the guest printed */
	u64 lines;
};

/* The VM a struct kvm belongs to (every struct kvm vm_create() makes is in one). */
static inline struct vm *vm_from_kvm(struct kvm *kvm)
{
	return container_of(kvm, struct vm, kvm);
}

/* COM1's transmitter: the guest's lines, printed as "guest: ..." (vm/run.c). */
void vm_com1_tx(void *ctx, u8 byte);

/* A VM without memory or vCPUs (VMX must be on), or NULL. */
struct vm *vm_create(const char *name);
/*
 * How dirty logging finds the guest's writes (kvm->cpu_dirty_log_size):
 * with the CPU's page-modification log (pml), or by write protection.
 * vm_create() picks PML where the CPU has it.  -EBUSY once the VM has
 * memory or vCPUs, -ENODEV for PML on a CPU without it.
 */
int vm_set_dirty_log_pml(struct vm *vm, bool pml);

/* Destroy the vCPUs, then the VM with its memslots and backing. */
void vm_destroy(struct vm *vm);

/*
 * Back [gpa, gpa + size) with new, zeroed backing as slot `slot` with flags
 * (KVM_MEM_*); *hva (if not NULL) gets the backing's address.  Returns
 * kvm_set_memory_region()'s result or -ENOMEM.
 */
int vm_add_memory(struct vm *vm, u32 slot, u64 gpa, u64 size, u32 flags, hva_t *hva);

/* The hypervisor address of guest-physical gpa through the memslots, or NULL. */
void *vm_gpa_to_hva(struct vm *vm, u64 gpa);

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
};

#define VM_KERNEL_LOW_RAM_MAX GiB(3)

/*
 * Load a bzImage or multiboot v1 kernel (vmm/image.c): RAM as slots 0 and
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

/*
 * Run vcpu, handling COM1 and UCALL_PRINT itself, for at most budget TSC
 * ticks in all (0: no limit; VCPU_EXIT_BUDGET when they ran out).  Returns the
 * ucall's command (UCALL_SYNC, UCALL_DONE, UCALL_ABORT; *uc holds it) or 0
 * when vcpu->exit holds another exit for the caller.  An ABORT prints the
 * guest's message.
 */
int vmm_run(struct vcpu *vcpu, u64 budget, struct ucall *uc);
