/*
 * Loading a 64-bit test guest: RAM as slot 0 from gpa 0, a GDT and an
 * identity map of the first 4 GiB with 2 MiB pages built in guest memory,
 * the image at GUEST_LOAD_GPA, and vCPU 0 in 64-bit mode at its entry.
 * Addresses above RAM are mapped by the guest's tables but by no memslot:
 * touching them is an MMIO exit, which is what the MMIO tests want.
 */
#include "loader/load.h"
#include "arch/x86/cpu.h"
#include "arch/x86/msr.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "loader/guest_images.h"
#include "vm/vm.h"

#define PTE_P BIT(0)
#define PTE_W BIT(1)
#define PTE_PS BIT(7)
#define GUEST_CS 0x08
#define GUEST_DS 0x10
#define GDT_CODE64 0x00af9b000000ffffULL	/* accessed 64-bit code, DPL 0 */
#define GDT_DATA 0x00cf93000000ffffULL		/* accessed data, DPL 0 */
#define AR_CODE64 (SEG_TYPE_CODE_XR_ACCESSED | VMX_AR_S | VMX_AR_P | VMX_AR_L | VMX_AR_G)
#define AR_DATA (SEG_TYPE_DATA_RW_ACCESSED | VMX_AR_S | VMX_AR_P | VMX_AR_DB | VMX_AR_G)
#define AR_TSS64 (SEG_TYPE_TSS_BUSY | VMX_AR_P)
#define AR_LDT_UNUSABLE VMX_AR_UNUSABLE
#define FLAT_LIMIT 0xffffffff

_Static_assert(GUEST_STACK_TOP - VM_MAX_VCPUS * GUEST_VCPU_STACK_SIZE >= GUEST_PD_GPA + 4 * 0x1000,
	       "the vCPUs' stacks end above the page directories");

static void build_tables(u8 *ram)
{
	u64 *gdt = (u64 *)(ram + GUEST_GDT_GPA);
	u64 *pml4 = (u64 *)(ram + GUEST_PML4_GPA), *pdpt = (u64 *)(ram + GUEST_PDPT_GPA);
	u64 *pd = (u64 *)(ram + GUEST_PD_GPA);

	gdt[GUEST_CS / 8] = GDT_CODE64;
	gdt[GUEST_DS / 8] = GDT_DATA;
	pml4[0] = GUEST_PDPT_GPA | PTE_P | PTE_W;
	for (int i = 0; i < 4; i++)
		pdpt[i] = (GUEST_PD_GPA + i * 0x1000) | PTE_P | PTE_W;
	for (int i = 0; i < 4 * 512; i++)
		pd[i] = (u64)i * MiB(2) | PTE_P | PTE_W | PTE_PS;
}

static struct vcpu_segment flat(u16 sel, u32 ar)
{
	return (struct vcpu_segment){ .base = 0, .limit = FLAT_LIMIT, .selector = sel, .ar = ar };
}

static void set_long_mode(struct vcpu *v, u64 stack_top)
{
	struct vcpu_sregs s = {
		.cs = flat(GUEST_CS, AR_CODE64),
		.ds = flat(GUEST_DS, AR_DATA),
		.tr = { .base = 0, .limit = 0x67, .selector = 0, .ar = AR_TSS64 },
		.ldt = { .ar = AR_LDT_UNUSABLE },
		.gdt = { GUEST_GDT_GPA, 3 * 8 - 1 },
		.idt = { 0, 0 },
		.cr0 = X86_CR0_PE | X86_CR0_ET | X86_CR0_NE | X86_CR0_WP | X86_CR0_PG,
		.cr3 = GUEST_PML4_GPA,
		.cr4 = X86_CR4_PAE,
		.efer = EFER_LME | EFER_LMA | EFER_NXE,
	};
	/*
	 * IF=1: every external interrupt exits to slotvisor anyway, and Bochs
	 * 2.7 does not take an external-interrupt exit while the guest has IF=0
	 * (docs/smp.md), which would leave kicks waiting for the time slice.
	 */
	struct vcpu_regs r = { .rip = GUEST_LOAD_GPA, .rsp = stack_top,
			       .rflags = X86_RFLAGS_FIXED | X86_RFLAGS_IF };

	s.es = s.fs = s.gs = s.ss = s.ds;
	vcpu_set_sregs(v, &s);
	vcpu_set_regs(v, &r);
}

/* RAM as slot 0, the image copied to load_gpa, and a new vCPU in its reset state. */
static int vm_load_image(struct vm *vm, const char *image, u64 mem_size, u64 load_gpa,
			 u8 **ram, struct vcpu **out)
{
	const struct guest_image *g = guest_image_find(image);
	hva_t hva;
	int err;

	if (!g)
		return -ENOENT;
	if (load_gpa + (u64)(g->end - g->start) > mem_size)
		return -E2BIG;
	err = vm_add_memory(vm, 0, 0, mem_size, 0, &hva);
	if (err)
		return err;
	*ram = (u8 *)hva;
	memcpy(*ram + load_gpa, g->start, g->end - g->start);
	err = vcpu_create(&vm->kvm, vm->kvm.online_vcpus, out);
	if (err)
		return err;
	return 0;
}

int vm_load_guest64(struct vm *vm, const char *image, u64 mem_size, struct vcpu **out)
{
	u8 *ram;
	int err = vm_load_image(vm, image, mem_size, GUEST_LOAD_GPA, &ram, out);

	if (err)
		return err;
	build_tables(ram);
	set_long_mode(*out, GUEST_STACK_TOP);
	return 0;
}

int vm_add_vcpu64(struct vm *vm, struct vcpu **out)
{
	unsigned int id = vm->kvm.online_vcpus;
	int err;

	if (id >= VM_MAX_VCPUS)
		return -ENOSPC;
	err = vcpu_create(&vm->kvm, id, out);
	if (err)
		return err;
	set_long_mode(*out, GUEST_STACK_TOP - id * GUEST_VCPU_STACK_SIZE);
	return 0;
}

int vm_load_guest_real(struct vm *vm, const char *image, u64 mem_size, struct vcpu **out)
{
	struct vcpu_sregs s;
	struct vcpu_regs r;
	u8 *ram;
	int err = vm_load_image(vm, image, mem_size, GUEST_REAL_LOAD_GPA, &ram, out);

	if (err)
		return err;
	/* From the reset state, with CS:IP = 0000:8000 instead of F000:FFF0. */
	vcpu_get_sregs(*out, &s);
	s.cs.selector = 0;
	s.cs.base = 0;
	vcpu_set_sregs(*out, &s);
	vcpu_get_regs(*out, &r);
	r.rip = GUEST_REAL_LOAD_GPA;
	vcpu_set_regs(*out, &r);
	return 0;
}
