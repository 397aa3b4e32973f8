/* Descriptor tables: GDT, TSS and IDT layouts (SDM Vol. 3A 3.4.5, 6.14, 8.7). */
#pragma once

#include "compiler.h"
#include "types.h"

#define GDT_KERNEL_CS 0x08
#define GDT_KERNEL_DS 0x10
#define GDT_TSS 0x18
#define GDT_ENTRIES 5	/* null, code, data, TSS (two slots) */

/* IST slots for exceptions that must not run on a possibly broken stack. */
#define IST_DOUBLE_FAULT 1
#define IST_NMI 2
#define IST_MACHINE_CHECK 3
#define IST_COUNT 3

struct tss64 {
	u32 reserved0;
	u64 rsp[3];
	u64 reserved1;
	u64 ist[7];
	u64 reserved2;
	u16 reserved3;
	u16 iomap_base;
} __packed;
_Static_assert(sizeof(struct tss64) == 104, "64-bit TSS is 104 bytes (SDM 8.7)");

struct idt_gate {
	u16 offset_low;
	u16 selector;
	u8 ist;
	u8 type_attr;	/* P, DPL, type 0xE = 64-bit interrupt gate */
	u16 offset_mid;
	u32 offset_high;
	u32 reserved;
} __packed;
_Static_assert(sizeof(struct idt_gate) == 16, "64-bit IDT gate is 16 bytes (SDM 6.14.1)");

struct desc_ptr {
	u16 limit;
	u64 base;
} __packed;
_Static_assert(sizeof(struct desc_ptr) == 10, "GDTR/IDTR image is 10 bytes");

/* Load this CPU's GDT and TSS and reload the segment registers. */
void gdt_init(void);

/* This CPU's TSS (its address is the VMCS's HOST_TR_BASE). */
const void *gdt_this_cpu_tss(void);

/* Fill the IDT with the exception and interrupt entry points and load it. */
void idt_init(void);

/* Load the (already filled) IDT on this CPU: for APs. */
void idt_load(void);
