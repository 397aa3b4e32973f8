/* The IDT: every vector goes to its stub in isr.S; #DF, NMI and #MC on IST stacks. */
#include "arch/x86/desc.h"
#include "arch/x86/trap.h"

extern const u64 isr_table[256];
static struct idt_gate idt[256] __aligned(16);

#define GATE_INTERRUPT 0x8e	/* P=1, DPL=0, 64-bit interrupt gate */

static void idt_set_gate(unsigned int vec, u64 handler, u8 ist)
{
	idt[vec] = (struct idt_gate){
		.offset_low = handler & 0xffff,
		.selector = GDT_KERNEL_CS,
		.ist = ist,
		.type_attr = GATE_INTERRUPT,
		.offset_mid = (handler >> 16) & 0xffff,
		.offset_high = handler >> 32,
	};
}

void idt_load(void)
{
	struct desc_ptr idtr = { sizeof(idt) - 1, (u64)idt };

	__asm__ __volatile__("lidt %0" : : "m"(idtr));
}

void idt_init(void)
{
	for (unsigned int v = 0; v < 256; v++)
		idt_set_gate(v, isr_table[v], 0);
	idt_set_gate(X86_TRAP_DF, isr_table[X86_TRAP_DF], IST_DOUBLE_FAULT);
	idt_set_gate(X86_TRAP_NMI, isr_table[X86_TRAP_NMI], IST_NMI);
	idt_set_gate(X86_TRAP_MC, isr_table[X86_TRAP_MC], IST_MACHINE_CHECK);
	idt_load();
}
