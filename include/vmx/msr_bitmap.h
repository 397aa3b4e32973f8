/*
 * The MSR bitmap (SDM Vol. 3C 25.6.9): with the "use MSR bitmaps" control,
 * RDMSR and WRMSR exit only for the MSRs whose bit is 1 here, and always
 * for MSRs outside the two ranges it covers.  slotvisor's choice of what
 * passes through, and why, is in vmx/msr_bitmap.c and docs/vmx.md.
 */
#pragma once

#include "compiler.h"
#include "types.h"

#define MSR_BITMAP_RANGE_BYTES 1024	/* 8192 MSRs, one bit each */
#define MSR_BITMAP_LOW_FIRST 0x00000000u
#define MSR_BITMAP_LOW_LAST 0x00001fffu
#define MSR_BITMAP_HIGH_FIRST 0xc0000000u
#define MSR_BITMAP_HIGH_LAST 0xc0001fffu

/* The four 1 KiB regions, in the order the SDM gives their offsets (0, 1024, 2048, 3072). */
struct vmx_msr_bitmap {
	u8 read_low[MSR_BITMAP_RANGE_BYTES];
	u8 read_high[MSR_BITMAP_RANGE_BYTES];
	u8 write_low[MSR_BITMAP_RANGE_BYTES];
	u8 write_high[MSR_BITMAP_RANGE_BYTES];
};
_Static_assert(sizeof(struct vmx_msr_bitmap) == 4096, "the MSR bitmap is one 4 KiB page");

/* What a guest may do to an MSR without an exit. */
#define MSR_PASS_READ BIT(0)
#define MSR_PASS_WRITE BIT(1)
#define MSR_PASS_RW (MSR_PASS_READ | MSR_PASS_WRITE)

/* Every RDMSR and WRMSR exits (every bit 1). */
void vmx_msr_bitmap_intercept_all(struct vmx_msr_bitmap *b);
/* Let access (MSR_PASS_*) to msr go without an exit: 0, or -EINVAL outside both ranges. */
int vmx_msr_bitmap_pass(struct vmx_msr_bitmap *b, u32 msr, unsigned int access);
/* Whether RDMSR (write false) or WRMSR (write true) of msr exits, as the CPU decides it. */
bool vmx_msr_bitmap_exits(const struct vmx_msr_bitmap *b, u32 msr, bool write);
/*
 * slotvisor's bitmap: everything exits but the MSRs vmx/msr_bitmap.c
 * passes through; reads of TSC_AUX among them only when the guest has
 * RDTSCP (tsc_aux), i.e. the "enable RDTSCP" control is on.
 */
void vmx_msr_bitmap_fill(struct vmx_msr_bitmap *b, bool tsc_aux);

/*
 * The bitmap of a vCPU whose x2APIC the CPU virtualizes ("virtualize x2APIC
 * mode" with APIC-register virtualization and virtual-interrupt delivery,
 * SDM Vol. 3C 30.5): base, plus reads of the x2APIC registers the
 * virtual-APIC page holds (all but the timer's current count, which only
 * the emulated APIC knows) and writes of TPR, EOI and SELF IPI, which the
 * CPU virtualizes.  Only for a vCPU with that control on: with it off, an
 * x2APIC MSR the bitmap passes would reach the host's own APIC.
 */
void vmx_msr_bitmap_fill_x2apic(struct vmx_msr_bitmap *b, const struct vmx_msr_bitmap *base);
