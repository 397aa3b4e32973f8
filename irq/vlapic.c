/*
 * The emulated local APIC's register file (include/irq/vlapic.h), after
 * SDM Vol. 3A chapter 11 and the parts of KVM's arch/x86/kvm/lapic.c that
 * kvm-unit-tests exercise.  Time is the caller's: the timer counts the
 * clock it is given (vm/pc.c gives the TSC) divided by TDCR.
 */
#include "compiler.h"
#include "lib/string.h"
#include "irq/vlapic.h"

#define LVT_TIMER 0
#define LVT_ERROR 5
#define APIC_ID_MASK 0xff000000u
#define APIC_LDR_MASK 0xff000000u
#define APIC_DFR_MASK 0xf0000000u
#define APIC_SPIV_WRITABLE 0x13ffu	/* vector, APIC enable, focus check, EOI suppression */
#define APIC_ICR_WRITABLE 0x000ccfffu	/* vector, mode, dest mode, level, trigger, shorthand */
#define APIC_ICR2_MASK 0xff000000u
#define APIC_TDCR_MASK 0xbu

/* Writable bits of each LVT (timer, thermal, perf, LINT0, LINT1, error). */
static const u32 lvt_writable[VLAPIC_NR_LVT] = {
	0x700ff,	/* vector, mask, mode (one-shot, periodic, TSC-deadline) */
	0x107ff,	/* vector, delivery mode, mask */
	0x107ff,
	0x1a7ff,	/* vector, delivery mode, polarity, trigger, mask */
	0x1a7ff,
	0x100ff,	/* vector, mask */
};

static void set_vec(u32 *bits, u8 vec)
{
	bits[vec / 32] |= 1u << (vec % 32);
}

static void clear_vec(u32 *bits, u8 vec)
{
	bits[vec / 32] &= ~(1u << (vec % 32));
}

/* The highest vector set in a 256-bit register, or -1. */
static int highest(const u32 *bits)
{
	for (int i = 7; i >= 0; i--)
		if (bits[i])
			return i * 32 + 31 - __builtin_clz(bits[i]);
	return -1;
}

void vlapic_reset(struct vlapic *a, u8 apic_id)
{
	memset(a, 0, sizeof(*a));
	a->id = (u32)apic_id << 24;
	a->initial_id = apic_id;
	a->dfr = 0xffffffffu;
	a->svr = 0xff;
	for (int i = 0; i < VLAPIC_NR_LVT; i++)
		a->lvt[i] = APIC_LVT_MASKED;
}

static bool sw_enabled(const struct vlapic *a)
{
	return a->svr & APIC_SPIV_ENABLED;
}

static u32 ppr(const struct vlapic *a)
{
	int isrv = highest(a->isr);
	u32 isr_class = isrv < 0 ? 0 : (u32)isrv & 0xf0;

	return (a->tpr & 0xf0) >= isr_class ? a->tpr & 0xff : isr_class;
}

static void lapic_error(struct vlapic *a, u32 bit)
{
	a->esr_pending |= bit;
	if (!(a->lvt[LVT_ERROR] & APIC_LVT_MASKED))
		vlapic_set_irq(a, a->lvt[LVT_ERROR] & 0xff);
}

bool vlapic_set_irq(struct vlapic *a, u8 vector)
{
	if (vector < 16) {
		a->esr_pending |= APIC_ESR_RECV_ILLEGAL;
		return false;
	}
	set_vec(a->irr, vector);
	set_vec(a->irr_new, vector);
	return true;
}

/* Timer clock divisor from TDCR bits 0, 1 and 3 (SDM Vol. 3A Figure 11-10). */
static u64 timer_divisor(const struct vlapic *a)
{
	u32 v = ((a->tdcr & 8) >> 1) | (a->tdcr & 3);

	return v == 7 ? 1 : 2ULL << v;
}

static u64 timer_period(const struct vlapic *a)
{
	return (u64)a->tmict * timer_divisor(a);
}

static u32 timer_mode(const struct vlapic *a)
{
	return a->lvt[LVT_TIMER] & APIC_LVT_TIMER_MODE_MASK;
}

static bool periodic(const struct vlapic *a)
{
	return timer_mode(a) == APIC_LVT_TIMER_PERIODIC;
}

static bool tscdeadline_mode(const struct vlapic *a)
{
	return timer_mode(a) == APIC_LVT_TIMER_TSCDEADLINE;
}

/* How often the timer interrupts: its period, but a periodic one no faster than min_period. */
static u64 timer_irq_period(const struct vlapic *a)
{
	u64 p = timer_period(a);

	return periodic(a) && p < a->min_period ? a->min_period : p;
}

static u32 timer_current(const struct vlapic *a, u64 now)
{
	u64 elapsed;

	if (a->timer_stopped || tscdeadline_mode(a))
		return 0;	/* TMCCT reads 0 in TSC-deadline mode (SDM 11.5.4.1) */
	if (!a->tmict || now < a->timer_start)
		return a->tmict;
	elapsed = (now - a->timer_start) / timer_divisor(a);
	if (periodic(a))
		return a->tmict - (u32)(elapsed % a->tmict);
	return elapsed >= a->tmict ? 0 : a->tmict - (u32)elapsed;
}

u64 vlapic_next_event(const struct vlapic *a, u64 now)
{
	(void)now;
	if (tscdeadline_mode(a))
		return a->tscdeadline ? a->tscdeadline : ~0ULL;
	if (!a->tmict || a->timer_stopped || (!periodic(a) && a->timer_periods))
		return ~0ULL;
	return a->timer_start + (a->timer_periods + 1) * timer_irq_period(a);
}

/* Raise the timer's interrupt once for however many periods passed by now. */
static void timer_update(struct vlapic *a, u64 now)
{
	u64 periods;

	if (tscdeadline_mode(a)) {
		if (!a->tscdeadline || now < a->tscdeadline)
			return;
		a->tscdeadline = 0;	/* fired: the MSR reads 0 again */
		if (!(a->lvt[LVT_TIMER] & APIC_LVT_MASKED))
			vlapic_set_irq(a, a->lvt[LVT_TIMER] & 0xff);
		return;
	}
	if (!a->tmict || a->timer_stopped || now < a->timer_start)
		return;
	periods = (now - a->timer_start) / timer_irq_period(a);
	if (!periodic(a) && periods > 1)
		periods = 1;
	if (periods <= a->timer_periods)
		return;
	a->timer_periods = periods;
	if (!(a->lvt[LVT_TIMER] & APIC_LVT_MASKED))
		vlapic_set_irq(a, a->lvt[LVT_TIMER] & 0xff);
}

/* x2APIC rules (SDM 11.12.10): a 32-bit ID, or a cluster (dest[31:16]) and a bit of it. */
static bool x2apic_match_dest(const struct vlapic *a, u32 dest, bool logical)
{
	u32 cluster = dest >> 16;

	if (!logical)
		return dest == a->id >> 24;
	return (cluster == 0xffff || cluster == a->ldr >> 16) && (dest & a->ldr & 0xffff);
}

bool vlapic_match_dest(const struct vlapic *a, u32 dest, bool logical)
{
	u8 ldr = a->ldr >> 24;

	if (dest == X2APIC_BROADCAST_ID)
		return true;
	if (a->x2apic)
		return x2apic_match_dest(a, dest, logical);
	if (dest > 0xff)
		return false;	/* an x2APIC's ID that no xAPIC has */
	if (dest == APIC_BROADCAST_ID)
		return true;
	if (!logical)
		return dest == a->id >> 24;
	if ((a->dfr >> 28) == 0xf)	/* flat model: a bit per APIC */
		return (dest & ldr) != 0;
	return (dest >> 4) == (ldr >> 4) && (dest & ldr & 0xf);	/* cluster */
}

static bool dest_is_self(const struct vlapic *a, u32 icr_lo, u32 icr_hi)
{
	switch ((icr_lo >> APIC_ICR_SHORTHAND_SHIFT) & 3) {
	case APIC_DEST_SELF:
	case APIC_DEST_ALL:
		return true;
	case APIC_DEST_ALL_BUT_SELF:
		return false;
	default:
		return vlapic_match_dest(a, a->x2apic ? icr_hi : icr_hi >> 24,
					 icr_lo & APIC_ICR_LOGICAL);
	}
}

bool vlapic_accept(struct vlapic *a, u32 mode, u8 vector, bool level)
{
	switch (mode) {
	case APIC_DM_FIXED:
	case APIC_DM_LOWEST:
		if (!sw_enabled(a))
			return false;	/* a software-disabled APIC takes NMI, INIT, SIPI only (11.4.7.2) */
		if (!vlapic_set_irq(a, vector))
			return false;
		if (level)
			set_vec(a->tmr, vector);
		else
			clear_vec(a->tmr, vector);
		return true;
	case APIC_DM_NMI:
		if (a->nmi_queued != ~0u)
			a->nmi_queued++;
		return true;
	case APIC_DM_INIT:
		a->init_pending = true;
		return true;
	case APIC_DM_STARTUP:
		a->sipi_pending = true;
		a->sipi_vector = vector;
		return true;
	default:	/* SMI, ExtINT by message: not modelled */
		return false;
	}
}

bool vlapic_accepts_extint(const struct vlapic *a)
{
	return (a->lvt[3] & (APIC_LVT_MASKED | APIC_LVT_DM_MASK)) == APIC_LVT_DM_EXTINT;
}

static void send_ipi(struct vlapic *a)
{
	u32 mode = a->icr_lo & APIC_ICR_DM_MASK;
	u8 vector = a->icr_lo & 0xff;

	if ((mode == APIC_DM_FIXED || mode == APIC_DM_LOWEST) && vector < 16) {
		lapic_error(a, APIC_ESR_SEND_ILLEGAL);
		return;
	}
	/* An INIT level de-assert (level 0, level-triggered) is no message (SDM 11.6.1). */
	if (mode == APIC_DM_INIT && !(a->icr_lo & APIC_ICR_LEVEL_ASSERT) &&
	    (a->icr_lo & APIC_ICR_TRIGGER_LEVEL))
		return;
	if (a->bus) {
		a->bus->ipi(a->bus->ctx, a, a->icr_lo, a->icr_hi);
		return;
	}
	if (!dest_is_self(a, a->icr_lo, a->icr_hi) ||
	    (mode != APIC_DM_FIXED && mode != APIC_DM_NMI)) {
		a->ipis_ignored++;	/* no other CPU on no bus */
		return;
	}
	vlapic_accept(a, mode, vector, false);
}

static bool test_vec(const u32 *bits, u8 vec)
{
	return bits[vec / 32] & (1u << (vec % 32));
}

/*
 * The highest vector in service ends; a level-triggered one tells the bus
 * (the I/O APIC).  TMR keeps its bit: it changes only when the next
 * interrupt of that vector is accepted (SDM Vol. 3A 11.8.4).
 */
static void eoi(struct vlapic *a)
{
	int vec = highest(a->isr);
	bool level;

	if (vec < 0)
		return;
	level = test_vec(a->tmr, (u8)vec);
	clear_vec(a->isr, (u8)vec);
	if (level && a->bus)
		a->bus->eoi(a->bus->ctx, (u8)vec);
}

/* An x2APIC's LDR: cluster ID[31:4] in bits 31:16, bit ID[3:0] of the low half (SDM 11.12.10.2). */
static u32 x2apic_ldr(u32 id)
{
	return ((id >> 4) << 16) | (1u << (id & 0xf));
}

/* The x2APIC ID is the initial APIC ID, whatever software wrote to the xAPIC's ID register. */
void vlapic_enable_x2apic(struct vlapic *a)
{
	a->x2apic = true;
	a->id = (u32)a->initial_id << 24;
	a->ldr = x2apic_ldr(a->initial_id);
}

/* Registers an x2APIC reads by RDMSR (SDM Vol. 3A Table 11-6, less the CMCI LVT it has not). */
static bool x2apic_readable(u32 reg)
{
	if ((reg >= APIC_ISR && reg < APIC_ESR + 0x10) || (reg >= APIC_LVTT && reg <= APIC_TMCCT))
		return true;
	switch (reg) {
	case APIC_ID:
	case APIC_LVR:
	case APIC_TASKPRI:
	case APIC_PROCPRI:
	case APIC_LDR:
	case APIC_SPIV:
	case APIC_ICR:
	case APIC_TDCR:
		return true;
	default:
		return false;
	}
}

int vlapic_x2apic_read(struct vlapic *a, u32 msr, u64 *val, u64 now)
{
	u32 reg = (msr - MSR_X2APIC_FIRST) << 4;

	if (msr < MSR_X2APIC_FIRST || msr > MSR_X2APIC_LAST || !x2apic_readable(reg))
		return -1;
	if (reg == APIC_ID)
		*val = a->id >> 24;	/* the whole 32 bits are the ID (11.12.5.1) */
	else if (reg == APIC_ICR)
		*val = (u64)a->icr_hi << 32 | a->icr_lo;
	else
		*val = vlapic_read(a, reg, now);
	return 0;
}

/* SELF IPI (11.12.11): a fixed, edge interrupt of vector to this APIC. */
static void self_ipi(struct vlapic *a, u8 vector)
{
	if (vector < 16)
		lapic_error(a, APIC_ESR_SEND_ILLEGAL);
	else
		vlapic_accept(a, APIC_DM_FIXED, vector, false);
}

int vlapic_x2apic_write(struct vlapic *a, u32 msr, u64 val, u64 now)
{
	u32 reg = (msr - MSR_X2APIC_FIRST) << 4;

	if (msr < MSR_X2APIC_FIRST || msr > MSR_X2APIC_LAST)
		return -1;
	if (reg == APIC_ICR) {
		timer_update(a, now);
		a->icr_hi = val >> 32;
		a->icr_lo = (u32)val & APIC_ICR_WRITABLE;
		send_ipi(a);
		return 0;
	}
	if (val >> 32)
		return -1;	/* bits 63:32 are reserved but in the ICR */
	if (reg >= APIC_LVTT && reg <= APIC_LVTERR) {
		vlapic_write(a, reg, (u32)val, now);
		return 0;
	}
	switch (reg) {
	case APIC_EOI:
	case APIC_ESR:
		if (val)
			return -1;	/* only 0 may be written (11.12.1.2) */
		/* fall through */
	case APIC_TASKPRI:
	case APIC_SPIV:
	case APIC_TMICT:
	case APIC_TDCR:
		vlapic_write(a, reg, (u32)val, now);
		return 0;
	case APIC_SELF_IPI:
		if (val & ~(u64)APIC_VECTOR_MASK)
			return -1;	/* bits 31:8 are reserved (SDM Vol. 3A 11.12.11) */
		timer_update(a, now);
		self_ipi(a, (u8)val);
		return 0;
	default:
		return -1;	/* read-only (ID, LDR, ...), or not in x2APIC mode (DFR, ICR2) */
	}
}

u32 vlapic_read(struct vlapic *a, u32 offset, u64 now)
{
	u32 reg = offset & 0xff0;

	if (reg >= APIC_ISR && reg < APIC_ISR + 0x80)
		return a->isr[(reg - APIC_ISR) / 16];
	if (reg >= APIC_TMR && reg < APIC_TMR + 0x80)
		return a->tmr[(reg - APIC_TMR) / 16];
	if (reg >= APIC_IRR && reg < APIC_IRR + 0x80) {
		timer_update(a, now);
		return a->irr[(reg - APIC_IRR) / 16];
	}
	if (reg >= APIC_LVTT && reg <= APIC_LVTERR)
		return a->lvt[(reg - APIC_LVTT) / 16];
	switch (reg) {
	case APIC_ID: return a->id;
	case APIC_LVR: return VLAPIC_VERSION;
	case APIC_TASKPRI: return a->tpr;
	case APIC_ARBPRI: return 0;
	case APIC_PROCPRI: return ppr(a);
	case APIC_LDR: return a->ldr;
	case APIC_DFR: return a->dfr;
	case APIC_SPIV: return a->svr;
	case APIC_ESR: return a->esr;
	case APIC_ICR: return a->icr_lo;	/* delivery status (bit 12) always idle */
	case APIC_ICR2: return a->icr_hi;
	case APIC_TMICT: return a->tmict;
	case APIC_TMCCT: return timer_current(a, now);
	case APIC_TDCR: return a->tdcr;
	default: return 0;
	}
}

/*
 * The registers a read of the APIC-access page takes from the virtual-APIC
 * page with APIC-register virtualization (SDM Vol. 3C 30.4.1); the
 * 8-register arrays (ISR, TMR, IRR) are filled apart.  EOI reads as 0.
 */
static const u16 page_regs[] = {
	APIC_ID, APIC_LVR, APIC_TASKPRI, APIC_EOI, APIC_LDR, APIC_DFR, APIC_SPIV, APIC_ESR,
	APIC_ICR, APIC_ICR2, APIC_LVTT, APIC_LVTTHMR, APIC_LVTPC, APIC_LVT0, APIC_LVT1,
	APIC_LVTERR, APIC_TMICT, APIC_TDCR,
};

#define PAGE_WORD(off) ((off) / sizeof(u32))
#define REG_STRIDE_WORDS 4	/* registers sit 16 bytes apart */

/*
 * In x2APIC mode a virtualized RDMSR reads 64 bits at the register's offset
 * (SDM Vol. 3C 30.5): the ID is the 32-bit x2APIC ID, the ICR's high half
 * (the destination) sits right above its low half, and DFR and ICR2 are no
 * registers (their MSRs exit and #GP).
 */
static void fill_x2apic_layout(const struct vlapic *a, u32 *page)
{
	page[PAGE_WORD(APIC_ID)] = a->id >> 24;
	page[PAGE_WORD(APIC_ICR) + 1] = a->icr_hi;
	page[PAGE_WORD(APIC_ICR2)] = 0;
	page[PAGE_WORD(APIC_DFR)] = 0;
}

void vlapic_fill_page(struct vlapic *a, u32 *page, u64 now)
{
	timer_update(a, now);	/* a timer interrupt due now shows in IRR, as a read sees it */
	for (unsigned int i = 0; i < ARRAY_SIZE(page_regs); i++)
		page[PAGE_WORD(page_regs[i])] = vlapic_read(a, page_regs[i], now);
	if (a->x2apic)
		fill_x2apic_layout(a, page);
	else
		page[PAGE_WORD(APIC_ICR) + 1] = 0;
	for (unsigned int i = 0; i < 8; i++) {
		page[PAGE_WORD(APIC_ISR) + i * REG_STRIDE_WORDS] = a->isr[i];
		page[PAGE_WORD(APIC_TMR) + i * REG_STRIDE_WORDS] = a->tmr[i];
		page[PAGE_WORD(APIC_IRR) + i * REG_STRIDE_WORDS] = a->irr[i];
		a->irr_new[i] = 0;
	}
}

void vlapic_vid_state(const struct vlapic *a, struct vlapic_vid *s)
{
	int irr = highest(a->irr), isr = highest(a->isr);

	s->rvi = irr < 0 ? 0 : (u8)irr;
	s->svi = isr < 0 ? 0 : (u8)isr;
	for (unsigned int i = 0; i < 4; i++)
		s->eoi_exit[i] = a->tmr[2 * i] | (u64)a->tmr[2 * i + 1] << 32;
}

void vlapic_sync_page(struct vlapic *a, const u32 *page)
{
	for (unsigned int i = 0; i < 8; i++) {
		a->irr[i] = page[PAGE_WORD(APIC_IRR) + i * REG_STRIDE_WORDS] | a->irr_new[i];
		a->isr[i] = page[PAGE_WORD(APIC_ISR) + i * REG_STRIDE_WORDS];
		a->irr_new[i] = 0;	/* IRR holds them now */
	}
}

void vlapic_eoi_induced(struct vlapic *a, u8 vector)
{
	if (test_vec(a->tmr, vector) && a->bus)
		a->bus->eoi(a->bus->ctx, vector);
}

static void write_lvt(struct vlapic *a, unsigned int i, u32 val, u64 now)
{
	bool was_periodic = periodic(a);
	u32 old_mode = timer_mode(a);
	u32 cur = timer_current(a, now);

	val &= lvt_writable[i];
	if (i == LVT_TIMER && (val & APIC_LVT_TIMER_MODE_MASK) == APIC_LVT_TIMER_MODE_MASK)
		val &= ~APIC_LVT_TIMER_MODE_MASK;	/* mode 3 is reserved: one-shot */
	if (!sw_enabled(a))
		val |= APIC_LVT_MASKED;	/* SDM 11.4.7.2: masks stay set while disabled */
	a->lvt[i] = val;
	if (i == LVT_TIMER && old_mode != timer_mode(a) &&
	    (old_mode == APIC_LVT_TIMER_TSCDEADLINE || tscdeadline_mode(a))) {
		/* Into or out of TSC-deadline mode: the timer is disarmed (SDM 11.5.4.1). */
		a->tscdeadline = 0;
		a->tmict = 0;
		a->timer_stopped = false;
		return;
	}
	if (i != LVT_TIMER || was_periodic == periodic(a) || !a->tmict || a->timer_stopped)
		return;
	/*
	 * A mode change keeps the current count (kvm-unit-tests'
	 * apic_change_mode): counting goes on from it in the new mode, and an
	 * expired one-shot stays at 0.
	 */
	if (!cur) {
		a->timer_stopped = true;
		return;
	}
	a->timer_start = now - (u64)(a->tmict - cur) * timer_divisor(a);
	a->timer_periods = 0;
}

void vlapic_write(struct vlapic *a, u32 offset, u32 val, u64 now)
{
	u32 reg = offset & 0xff0;

	timer_update(a, now);
	if (reg >= APIC_LVTT && reg <= APIC_LVTERR) {
		write_lvt(a, (reg - APIC_LVTT) / 16, val, now);
		return;
	}
	switch (reg) {
	case APIC_ID: a->id = val & APIC_ID_MASK; break;
	case APIC_TASKPRI: a->tpr = val & 0xff; break;
	case APIC_EOI: eoi(a); break;
	case APIC_LDR: a->ldr = val & APIC_LDR_MASK; break;
	case APIC_DFR: a->dfr = (val & APIC_DFR_MASK) | ~APIC_DFR_MASK; break;
	case APIC_SPIV:
		a->svr = val & APIC_SPIV_WRITABLE;
		if (!sw_enabled(a))
			for (int i = 0; i < VLAPIC_NR_LVT; i++)
				a->lvt[i] |= APIC_LVT_MASKED;
		break;
	case APIC_ESR:
		a->esr = a->esr_pending;
		a->esr_pending = 0;
		break;
	case APIC_ICR:
		a->icr_lo = val & APIC_ICR_WRITABLE;
		send_ipi(a);
		break;
	case APIC_ICR2: a->icr_hi = val & APIC_ICR2_MASK; break;
	case APIC_TMICT:
		if (tscdeadline_mode(a))
			break;	/* ignored in TSC-deadline mode (SDM 11.5.4.1) */
		a->tmict = val;
		a->timer_start = now;
		a->timer_periods = 0;
		a->timer_stopped = false;
		break;
	case APIC_TDCR: a->tdcr = val & APIC_TDCR_MASK; break;
	case APIC_LVR:
	case APIC_ARBPRI:
	case APIC_PROCPRI:
	case APIC_TMCCT:
		break;	/* read-only */
	default:
		if ((reg >= APIC_ISR && reg < APIC_IRR + 0x80) || reg == 0x2f0 ||
		    (reg >= 0x40 && reg < 0x80) || reg == 0xc0)
			break;	/* read-only or reserved: ignored */
		lapic_error(a, APIC_ESR_ILLEGAL_REG);
		break;
	}
}

int vlapic_pending(struct vlapic *a, u64 now)
{
	int vec;

	timer_update(a, now);
	vec = highest(a->irr);
	if (vec < 0 || ((u32)vec & 0xf0) <= (ppr(a) & 0xf0))
		return -1;
	return vec;
}

int vlapic_highest_irr(const struct vlapic *a)
{
	return highest(a->irr);
}

void vlapic_ack(struct vlapic *a, u8 vector)
{
	clear_vec(a->irr, vector);
	set_vec(a->isr, vector);
}

void vlapic_set_tscdeadline(struct vlapic *a, u64 deadline, u64 now)
{
	if (!tscdeadline_mode(a))
		return;
	a->tscdeadline = deadline;
	timer_update(a, now);	/* a deadline already past fires at once */
}

u64 vlapic_get_tscdeadline(const struct vlapic *a)
{
	return tscdeadline_mode(a) ? a->tscdeadline : 0;
}
