/*
 * An emulated local APIC (SDM Vol. 3A chapter 11), in xAPIC mode the
 * register file behind the guest's MMIO page at VLAPIC_DEFAULT_BASE, in
 * x2APIC mode (11.12) the same registers as MSRs 0x800-0x8ff; never the
 * host's own APIC.  ID, version, TPR/PPR, EOI, LDR/DFR, SVR, ISR, TMR,
 * IRR, ESR, the LVTs, the ICR and the timer, one-shot or periodic counting
 * the caller's clock (TSC ticks) through the divide register, or
 * TSC-deadline (SDM Vol. 3A 11.5.4.1).  An APIC on a bus (irq/irq.c gives
 * each vCPU's one) hands every IPI to the bus, which routes it to the APICs
 * it names (vlapic_match_dest(), vlapic_accept()), and tells the bus of
 * each EOI of a level-triggered vector (for the I/O APIC).  Without a bus
 * (host tests of the register file) an APIC delivers IPIs to itself only
 * and counts the rest in ipis_ignored.  NMI, INIT and SIPI are latched
 * (nmi_queued, init_pending, sipi_pending) for the vCPU to act on.  No
 * hardware dependency: host-tested (tests/unit/test_vlapic.c).
 */
#pragma once

#include "types.h"

#define VLAPIC_DEFAULT_BASE 0xfee00000ULL
#define VLAPIC_MMIO_SIZE 0x1000
#define MSR_APIC_BASE_BSP (1ULL << 8)
#define MSR_APIC_BASE_ENABLE (1ULL << 11)
#define MSR_APIC_BASE_EXTD (1ULL << 10)	/* x2APIC mode (SDM Vol. 3A 11.12.1) */
#define MSR_X2APIC_FIRST 0x800
#define MSR_X2APIC_LAST 0x8ff
#define VLAPIC_VERSION 0x00050014	/* max LVT entry 5 (timer..error), version 0x14 */

/* Register offsets (SDM Vol. 3A Table 11-1). */
#define APIC_ID 0x20
#define APIC_LVR 0x30
#define APIC_TASKPRI 0x80
#define APIC_ARBPRI 0x90
#define APIC_PROCPRI 0xa0
#define APIC_EOI 0xb0
#define APIC_LDR 0xd0
#define APIC_DFR 0xe0
#define APIC_SPIV 0xf0
#define APIC_ISR 0x100
#define APIC_TMR 0x180
#define APIC_IRR 0x200
#define APIC_ESR 0x280
#define APIC_ICR 0x300
#define APIC_ICR2 0x310
#define APIC_LVTT 0x320
#define APIC_LVTTHMR 0x330
#define APIC_LVTPC 0x340
#define APIC_LVT0 0x350
#define APIC_LVT1 0x360
#define APIC_LVTERR 0x370
#define APIC_TMICT 0x380
#define APIC_TMCCT 0x390
#define APIC_TDCR 0x3e0
#define APIC_SELF_IPI 0x3f0	/* x2APIC mode only, write-only */
#define APIC_VECTOR_MASK 0xffu

#define APIC_SPIV_ENABLED (1u << 8)
#define APIC_LVT_MASKED (1u << 16)
#define APIC_LVT_TIMER_PERIODIC (1u << 17)
#define APIC_LVT_TIMER_MODE_MASK (3u << 17)
#define APIC_LVT_TIMER_TSCDEADLINE (2u << 17)
#define APIC_LVT_DM_MASK (7u << 8)
#define APIC_LVT_DM_EXTINT (7u << 8)
#define APIC_ICR_DM_SHIFT 8
#define APIC_ICR_DM_MASK (7u << APIC_ICR_DM_SHIFT)
#define APIC_DM_FIXED (0u << APIC_ICR_DM_SHIFT)
#define APIC_DM_NMI (4u << APIC_ICR_DM_SHIFT)
#define APIC_DM_INIT (5u << APIC_ICR_DM_SHIFT)
#define APIC_DM_STARTUP (6u << APIC_ICR_DM_SHIFT)
#define APIC_DM_LOWEST (1u << APIC_ICR_DM_SHIFT)
#define APIC_ICR_LOGICAL (1u << 11)
#define APIC_ICR_LEVEL_ASSERT (1u << 14)
#define APIC_ICR_TRIGGER_LEVEL (1u << 15)
#define APIC_ICR_SHORTHAND_SHIFT 18
/* The destination that every xAPIC matches (SDM Vol. 3A 11.6.2.1, 11.6.2.2). */
#define APIC_BROADCAST_ID 0xffu
/* An x2APIC's broadcast (11.12.9); messages in xAPIC format turn 0xff into it. */
#define X2APIC_BROADCAST_ID 0xffffffffu
#define APIC_DEST_NONE 0u
#define APIC_DEST_SELF 1u
#define APIC_DEST_ALL 2u
#define APIC_DEST_ALL_BUT_SELF 3u
#define APIC_ESR_SEND_ILLEGAL (1u << 5)
#define APIC_ESR_RECV_ILLEGAL (1u << 6)
#define APIC_ESR_ILLEGAL_REG (1u << 7)

#define VLAPIC_NR_LVT 6

struct vlapic;

/* Where an APIC's IPIs and level-triggered EOIs go (irq/irq.c). */
struct vlapic_bus {
	void (*ipi)(void *ctx, struct vlapic *from, u32 icr_lo, u32 icr_hi);
	void (*eoi)(void *ctx, u8 vector);
	void *ctx;
};

struct vlapic {
	const struct vlapic_bus *bus;	/* NULL: IPIs to itself only */
	u32 id;			/* the xAPIC ID register (ID in bits 31:24) */
	u8 initial_id;		/* the ID it was made with: the x2APIC ID (11.4.6, 11.12.5.1) */
	bool x2apic;		/* x2APIC mode: ID is id >> 24 in 32 bits, LDR derived from it */
	u32 tpr, ldr, dfr, svr;
	u32 esr, esr_pending;	/* ESR as read; errors since the last ESR write */
	u32 icr_lo, icr_hi;
	u32 lvt[VLAPIC_NR_LVT];	/* timer, thermal, perf, LINT0, LINT1, error */
	u32 irr[8], isr[8], tmr[8];
	/*
	 * Virtual-interrupt delivery (vlapic_sync_page()): the vectors accepted
	 * since the last vlapic_fill_page() or vlapic_sync_page(), which the
	 * page the guest ran with does not hold.
	 */
	u32 irr_new[8];
	u32 tmict, tdcr;
	u64 timer_start;	/* caller's clock when TMICT was written */
	u64 timer_periods;	/* periods already raised (periodic), 1 when a one-shot fired */
	bool timer_stopped;	/* an expired one-shot switched to periodic: TMCCT stays 0 */
	/*
	 * The shortest period a periodic timer interrupts at, in the caller's
	 * clock (0: none), as KVM's min_timer_period_us: a guest asking for a
	 * faster one gets its interrupts this often, so that it still runs
	 * between them.  TMCCT still counts at the programmed rate.  Set
	 * after vlapic_reset(), which clears it.
	 */
	u64 min_period;
	u64 tscdeadline;	/* IA32_TSC_DEADLINE (caller's clock), 0: disarmed */
	u64 ipis_ignored;	/* without a bus: IPIs it could not deliver */
	u32 nmi_queued;		/* NMIs sent to it that its vCPU has not taken (KVM's nmi_queued) */
	bool init_pending;	/* an INIT the vCPU has not acted on */
	bool sipi_pending;	/* a STARTUP IPI, with its vector */
	u8 sipi_vector;
};

/* Power-up state (SDM Vol. 3A 11.4.7.1) with APIC ID apic_id, on no bus. */
void vlapic_reset(struct vlapic *a, u8 apic_id);

/* A 32-bit access to register offset (0 to 0xff0) at time now; other offsets read 0. */
u32 vlapic_read(struct vlapic *a, u32 offset, u64 now);
void vlapic_write(struct vlapic *a, u32 offset, u32 val, u64 now);

/*
 * The virtual-APIC page of APIC-register virtualization (SDM Vol. 3C
 * 30.4.1): every register a guest read takes from the page without an
 * exit, written at its offset (page: 1024 u32) as vlapic_read() reads it
 * at now; what the CPU never takes from the page (PPR, ARBPRI, TMCCT,
 * reserved offsets) is left alone.  The page shows this APIC until the
 * guest's writes (which exit, but for ICR2 and TPR) or an event change it.
 * In x2APIC mode the same page in x2APIC's layout, for virtualized RDMSR
 * (SDM Vol. 3C 30.5): the 32-bit ID, the ICR's 64 bits at its offset.
 */
#define VLAPIC_PAGE_WORDS (VLAPIC_MMIO_SIZE / 4)
void vlapic_fill_page(struct vlapic *a, u32 *page, u64 now);

/*
 * Virtual-interrupt delivery (SDM Vol. 3C 30.1, 30.2): while the guest
 * runs, the CPU delivers from the page's IRR (moving a vector to its ISR)
 * and ends the highest vector in its ISR at an EOI write, with no exit; a
 * vector set in the EOI-exit bitmap then exits after the EOI (30.1.4).
 * vlapic_vid_state() gives what the VMCS needs with the filled page: the
 * guest interrupt status (RVI, the highest IRR vector; SVI, the highest
 * ISR vector; 0 for none) and the EOI-exit bitmap, the level-triggered
 * vectors (TMR), whose EOI the bus must see.  vlapic_sync_page(), after
 * the guest ran, takes the CPU's work back: ISR from the page, and IRR
 * from the page (less what the CPU delivered; plus a self-IPI it
 * virtualized, 30.1.5 and 30.4.3.2, with no exit) with the vectors accepted
 * since the fill.  vlapic_eoi_induced(): the CPU ended vector's service
 * (ISR already synced); a level-triggered one tells the bus, as
 * vlapic_write()'s EOI does.
 */
struct vlapic_vid {
	u8 rvi, svi;
	u64 eoi_exit[4];
};
void vlapic_vid_state(const struct vlapic *a, struct vlapic_vid *s);
void vlapic_sync_page(struct vlapic *a, const u32 *page);
void vlapic_eoi_induced(struct vlapic *a, u8 vector);

/*
 * Raise the timer's interrupt if it is due at now; then the vector the
 * APIC would hand the CPU (highest IRR above the processor priority), or
 * -1.
 */
int vlapic_pending(struct vlapic *a, u64 now);
/* The highest vector requested (IRR), delivered or not, or -1. */
int vlapic_highest_irr(const struct vlapic *a);
/* The CPU took vector: IRR to ISR. */
void vlapic_ack(struct vlapic *a, u8 vector);
/* Set vector in IRR (an interrupt for this APIC); false for an illegal vector (0-15). */
bool vlapic_set_irq(struct vlapic *a, u8 vector);

/* When the timer next raises its interrupt (caller's clock), or ~0ULL. */
u64 vlapic_next_event(const struct vlapic *a, u64 now);

/*
 * IA32_TSC_DEADLINE (MSR 0x6e0) in the caller's clock: a write arms the
 * timer in TSC-deadline mode (0 disarms it) and is ignored in the other
 * modes; a read returns 0 outside that mode and once the deadline fired.
 */
void vlapic_set_tscdeadline(struct vlapic *a, u64 deadline, u64 now);
u64 vlapic_get_tscdeadline(const struct vlapic *a);

/*
 * Whether a message to dest (an APIC ID, or a logical destination) is for
 * a: xAPIC rules (SDM 11.6.2: 8 bits, flat or cluster LDR) or x2APIC rules
 * (11.12.9, 11.12.10: 32-bit ID, or cluster in dest[31:16] and a bit of
 * dest[15:0]) as a is in; X2APIC_BROADCAST_ID is for everyone.  The bus
 * turns an xAPIC-format broadcast (0xff) into X2APIC_BROADCAST_ID.
 */
bool vlapic_match_dest(const struct vlapic *a, u32 dest, bool logical);

/* Into x2APIC mode (IA32_APIC_BASE.EXTD set while EN is): the LDR becomes the one its ID gives. */
void vlapic_enable_x2apic(struct vlapic *a);

/*
 * RDMSR/WRMSR of x2APIC register msr (MSR_X2APIC_FIRST..LAST) in x2APIC
 * mode: 0, or -1 where the CPU raises #GP (SDM 11.12.1.2: a reserved or
 * write-only register read, a read-only or reserved register written, a
 * value with reserved bits set, a non-zero EOI or ESR write, DFR and ICR2,
 * which x2APIC has not).  The ICR is one 64-bit register, destination in
 * bits 63:32.
 */
int vlapic_x2apic_read(struct vlapic *a, u32 msr, u64 *val, u64 now);
int vlapic_x2apic_write(struct vlapic *a, u32 msr, u64 val, u64 now);

/*
 * Take an interrupt message (SDM 11.6.1): fixed and lowest-priority set
 * IRR (and TMR when level-triggered), NMI, INIT (an assert; a level
 * de-assert is no message) and SIPI are latched for the vCPU.  Returns
 * false if the message was refused (an illegal vector).
 */
bool vlapic_accept(struct vlapic *a, u32 delivery_mode, u8 vector, bool level);

/* Whether the PIC's INTR reaches the CPU through this APIC's LINT0 (ExtINT, unmasked). */
bool vlapic_accepts_extint(const struct vlapic *a);
