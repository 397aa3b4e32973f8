/*
 * The MSR bitmap slotvisor's vCPUs run with (issue 16: no exit where the
 * hardware can do it).  One bit per MSR and direction, 1 = exit (SDM Vol.
 * 3C 25.6.9); an MSR outside 0-0x1fff and 0xc0000000-0xc0001fff always
 * exits (SDM Vol. 3C 26.1.3).  Everything exits but the MSRs whose guest
 * value the CPU switches at entry and exit, or that vmx/shared_msrs.c
 * switches before the host can see them:
 *
 * - IA32_FS_BASE, IA32_GS_BASE and IA32_SYSENTER_CS/ESP/EIP: guest-state
 *   fields of the VMCS, saved at every exit (SDM Vol. 3C 28.3.2) and the
 *   host's loaded from the host-state area (SDM Vol. 3C 28.5.1-28.5.2).
 *   WRMSR's own checks (canonical bases, SDM Vol. 4 2.1) are the CPU's.
 * - STAR, LSTAR, CSTAR, KERNEL_GS_BASE, and reads of SFMASK and TSC_AUX:
 *   no VMCS field switches them; the guest's stay loaded from vcpu_run()'s
 *   first entry to its return, where they are read back and the host's
 *   put back (vmx/shared_msrs.c, KVM's user-return MSRs).  Nothing in
 *   between uses them: the hypervisor never executes SYSCALL, SYSRET,
 *   SWAPGS, RDTSCP or RDPID.  Writes of SFMASK and TSC_AUX still exit:
 *   their bits 63:32 are reserved (SDM Vol. 4 Table 2-2), and Bochs' WRMSR
 *   drops them where the SDM's CPU raises #GP, so the exit handler's #GP is
 *   the one answer on every CPU; a guest writes them once per CPU at boot
 *   (Linux's syscall_init() and setup_getcpu()), reads them more often.
 *   TSC_AUX only with RDTSCP: without it the guest is told of no TSC_AUX
 *   and the exit handler answers #GP.
 *
 * Everything else exits, each for a reason of its own (docs/vmx.md): EFER
 * and PAT are checked before they reach the VMCS, APIC_BASE, the x2APIC
 * range and TSC_DEADLINE are the emulated APIC's (passing them would
 * reach the host's), IA32_TSC is offset, MTRRs and MISC_ENABLE are
 * emulated or read-only views, and an MSR with no handler is #GP.
 */
#include "arch/x86/msr.h"
#include "irq/vlapic.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "vmx/msr_bitmap.h"

#define BITS_PER_BYTE 8
#define MSR_BITMAP_ALL_EXIT 0xff

static const u32 pass_rw[] = {
	MSR_FS_BASE, MSR_GS_BASE, MSR_IA32_SYSENTER_CS, MSR_IA32_SYSENTER_ESP,
	MSR_IA32_SYSENTER_EIP, MSR_STAR, MSR_LSTAR, MSR_CSTAR, MSR_KERNEL_GS_BASE,
};

/* The region of b for msr and direction, and the MSR's index in it; NULL outside both ranges. */
static u8 *region(const struct vmx_msr_bitmap *b, u32 msr, bool write, u32 *index)
{
	if (msr <= MSR_BITMAP_LOW_LAST) {
		*index = msr - MSR_BITMAP_LOW_FIRST;
		return (u8 *)(write ? b->write_low : b->read_low);
	}
	if (msr >= MSR_BITMAP_HIGH_FIRST && msr <= MSR_BITMAP_HIGH_LAST) {
		*index = msr - MSR_BITMAP_HIGH_FIRST;
		return (u8 *)(write ? b->write_high : b->read_high);
	}
	return NULL;
}

void vmx_msr_bitmap_intercept_all(struct vmx_msr_bitmap *b)
{
	memset(b, MSR_BITMAP_ALL_EXIT, sizeof(*b));
}

static int pass_one(struct vmx_msr_bitmap *b, u32 msr, bool write)
{
	u32 i;
	u8 *r = region(b, msr, write, &i);

	if (!r)
		return -EINVAL;
	r[i / BITS_PER_BYTE] &= (u8)~BIT(i % BITS_PER_BYTE);
	return 0;
}

int vmx_msr_bitmap_pass(struct vmx_msr_bitmap *b, u32 msr, unsigned int access)
{
	int err = 0;

	if (access & MSR_PASS_READ)
		err = pass_one(b, msr, false);
	if (!err && (access & MSR_PASS_WRITE))
		err = pass_one(b, msr, true);
	return err;
}

bool vmx_msr_bitmap_exits(const struct vmx_msr_bitmap *b, u32 msr, bool write)
{
	u32 i;
	const u8 *r = region(b, msr, write, &i);

	return !r || (r[i / BITS_PER_BYTE] & BIT(i % BITS_PER_BYTE));
}

void vmx_msr_bitmap_fill(struct vmx_msr_bitmap *b, bool tsc_aux)
{
	vmx_msr_bitmap_intercept_all(b);
	for (unsigned int i = 0; i < ARRAY_SIZE(pass_rw); i++)
		vmx_msr_bitmap_pass(b, pass_rw[i], MSR_PASS_RW);
	vmx_msr_bitmap_pass(b, MSR_SYSCALL_MASK, MSR_PASS_READ);
	if (tsc_aux)
		vmx_msr_bitmap_pass(b, MSR_TSC_AUX, MSR_PASS_READ);
}

/* An x2APIC register's MSR (SDM Vol. 3A 11.12.1.2): 0x800 + its xAPIC offset / 16. */
#define X2APIC_MSR(reg) (MSR_X2APIC_FIRST + (reg) / 0x10)
#define X2APIC_ARRAY_REGS 8	/* ISR, TMR and IRR: eight registers each */

/* Readable x2APIC registers the virtual-APIC page holds (SDM Vol. 3A Table 11-6). */
static const u16 x2apic_page_regs[] = {
	APIC_ID, APIC_LVR, APIC_TASKPRI, APIC_PROCPRI, APIC_LDR, APIC_SPIV, APIC_ESR, APIC_ICR,
	APIC_LVTT, APIC_LVTTHMR, APIC_LVTPC, APIC_LVT0, APIC_LVT1, APIC_LVTERR, APIC_TMICT,
	APIC_TDCR,
};

/* Writes the CPU virtualizes with virtual-interrupt delivery (SDM Vol. 3C 30.5). */
static const u16 x2apic_virtualized_writes[] = { APIC_TASKPRI, APIC_EOI, APIC_SELF_IPI };

void vmx_msr_bitmap_fill_x2apic(struct vmx_msr_bitmap *b, const struct vmx_msr_bitmap *base)
{
	static const u16 arrays[] = { APIC_ISR, APIC_TMR, APIC_IRR };

	memcpy(b, base, sizeof(*b));
	for (unsigned int i = 0; i < ARRAY_SIZE(x2apic_page_regs); i++)
		vmx_msr_bitmap_pass(b, X2APIC_MSR(x2apic_page_regs[i]), MSR_PASS_READ);
	for (unsigned int i = 0; i < ARRAY_SIZE(arrays); i++)
		for (unsigned int r = 0; r < X2APIC_ARRAY_REGS; r++)
			vmx_msr_bitmap_pass(b, X2APIC_MSR(arrays[i]) + r, MSR_PASS_READ);
	for (unsigned int i = 0; i < ARRAY_SIZE(x2apic_virtualized_writes); i++)
		vmx_msr_bitmap_pass(b, X2APIC_MSR(x2apic_virtualized_writes[i]), MSR_PASS_WRITE);
}
