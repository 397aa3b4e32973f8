/*
 * The GDT and TSS.  Long mode ignores segment bases and limits for code
 * and data, so the GDT holds just the flat kernel code and data segments
 * and the TSS, whose IST stacks keep #DF, NMI and #MC handlers off a stack
 * that may be the cause of the fault.  Each CPU has its own (struct percpu).
 */
#include "arch/x86/desc.h"
#include "arch/x86/percpu.h"
#include "arch/x86/layout.h"
#include "lib/string.h"


/* Code: L=1, P=1, S=1, type execute/read; data: P=1, S=1, type read/write. */
#define SEG_CODE64 0x00af9a000000ffffULL
#define SEG_DATA 0x00cf92000000ffffULL
#define TSS_TYPE_AVAILABLE 0x89ULL	/* P=1, type 9: available 64-bit TSS */

static void gdt_set_tss(u64 *slot, const struct tss64 *t)
{
	u64 base = (u64)t, limit = sizeof(*t) - 1;

	slot[0] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
		  (TSS_TYPE_AVAILABLE << 40) | (((limit >> 16) & 0xf) << 48) |
		  (((base >> 24) & 0xff) << 56);
	slot[1] = base >> 32;
}

/* This CPU's TSS, for the VMCS host state (HOST_TR_BASE). */
const void *gdt_this_cpu_tss(void)
{
	return &this_cpu()->tss;
}

void gdt_init(void)
{
	struct percpu *c = this_cpu();
	u64 *gdt = c->gdt;
	struct desc_ptr gdtr = { sizeof(c->gdt) - 1, (u64)gdt };

	memset(&c->tss, 0, sizeof(c->tss));
	for (int i = 0; i < IST_COUNT; i++)
		c->tss.ist[i] = (u64)&c->ist_stacks[i][IST_STACK_SIZE];
	c->tss.iomap_base = sizeof(c->tss);	/* no I/O permission bitmap */

	gdt[0] = 0;
	gdt[GDT_KERNEL_CS / 8] = SEG_CODE64;
	gdt[GDT_KERNEL_DS / 8] = SEG_DATA;
	gdt_set_tss(&gdt[GDT_TSS / 8], &c->tss);

	__asm__ __volatile__(
		"lgdt %0\n\t"
		"movw %w1, %%ds\n\t"
		"movw %w1, %%es\n\t"
		"movw %w1, %%ss\n\t"
		"pushq %2\n\t"
		"leaq 1f(%%rip), %%rax\n\t"
		"pushq %%rax\n\t"
		"lretq\n"
		"1:\n\t"
		"ltr %w3"
		:
		: "m"(gdtr), "r"(GDT_KERNEL_DS), "i"(GDT_KERNEL_CS), "r"(GDT_TSS)
		: "rax", "memory");
}
