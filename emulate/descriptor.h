/*
 * Segment selectors and descriptors as the emulator reads them from the GDT
 * (SDM Vol. 3A 3.4.2 "Segment Selectors", 3.4.5 "Segment Descriptors",
 * 8.2.2/8.2.3 for TSS descriptors): shared by LTR (emulate/exec_ltr.c) and
 * the segment loads of MOV Sreg and far JMP (emulate/exec_seg.c).
 */
#pragma once

#include "emul_internal.h"

/* Selector and descriptor fields (SDM Vol. 3A 3.4.2, 3.4.5, 8.2.2, 8.2.3). */
#define SEL_RPL_MASK 3U
#define SEL_TI BIT(2)
#define SEL_INDEX_SHIFT 3
#define DESC_BYTES 8
#define DESC_BYTES_64 16		/* a system descriptor in IA-32e mode */
#define DESC_TYPE_SHIFT 40
#define DESC_TYPE_MASK 0xfULL
#define DESC_TYPE_BUSY 2ULL		/* 1011b/0011b are the busy TSS types */
#define DESC_TYPE_TSS_AVAIL 9ULL	/* a 32-bit (64-bit in IA-32e mode) available TSS */
#define DESC_TYPE_TSS16_AVAIL 1ULL
#define DESC_TYPE_BYTE 5		/* the byte of the type, S, DPL and P */
#define DESC_S BIT(44)
#define DESC_P BIT(47)
#define DESC_G BIT(55)
#define DESC_AR_MASK 0xf0ffULL		/* bits 47:40 and 55:52, the VMCS's layout */
#define DESC_LIMIT_LOW 0xffffULL
#define DESC_LIMIT_HIGH 0xf000000000000ULL	/* bits 51:48 */
#define DESC_LIMIT_HIGH_SHIFT 32
#define DESC_BASE_LOW_SHIFT 16
#define DESC_BASE_LOW 0xffffffULL
#define DESC_BASE_HIGH 0xff00000000000000ULL	/* bits 63:56 */
#define DESC_BASE_HIGH_SHIFT 32
#define DESC_UPPER_TYPE 0x1f0000000000ULL	/* upper half's bits 12:8 of dword 3 must be 0 */
#define PAGE_GRANULE_SHIFT 12
#define PAGE_GRANULE_MASK 0xfffU
#define BITS_PER_DWORD 32
#define DESC_TYPE_ACCESSED 1ULL	/* code and data segments */
#define DESC_TYPE_CODE 8ULL
#define DESC_TYPE_CONFORMING 4ULL	/* code segments */
#define DESC_TYPE_READABLE 2ULL		/* code segments; "writable" for data */
#define DESC_TYPE_WRITABLE 2ULL
#define DESC_DPL_SHIFT 45
#define DESC_DPL_MASK 3ULL
#define DESC_L BIT(53)
#define DESC_DB BIT(54)

/* #GP, #NP or #SS with the selector as its error code, RPL cleared (SDM Vol. 3A 6.13). */
static inline int emul_fault_sel(struct x86_emulate_ctxt *ctxt, u8 vector, u16 sel)
{
	return emul_fault(ctxt, vector, true, sel & (u16)~SEL_RPL_MASK);
}
