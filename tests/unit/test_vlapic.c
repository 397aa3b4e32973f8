/*
 * The emulated local APIC (irq/vlapic.c): what kvm-unit-tests' start64 and
 * its APIC helpers do to it (reset, enable, ID and version reads, self-IPIs
 * and EOI), priorities, LVT masking while software-disabled, ESR, the timer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "irq/vlapic.h"

static void enable(struct vlapic *a)
{
	vlapic_write(a, APIC_SPIV, 0x1ff, 0);	/* kvm-unit-tests' reset_apic()/enable_apic() */
}

static void power_up_state(void **state)
{
	struct vlapic a;

	vlapic_reset(&a, 3);
	assert_int_equal(vlapic_read(&a, APIC_ID, 0), 3u << 24);
	assert_int_equal(vlapic_read(&a, APIC_LVR, 0), VLAPIC_VERSION);
	assert_int_equal(vlapic_read(&a, APIC_SPIV, 0), 0xff);
	assert_int_equal(vlapic_read(&a, APIC_DFR, 0), 0xffffffffu);
	for (u32 r = APIC_LVTT; r <= APIC_LVTERR; r += 0x10)
		assert_int_equal(vlapic_read(&a, r, 0), APIC_LVT_MASKED);
	assert_int_equal(vlapic_pending(&a, 0), -1);
	assert_int_equal(vlapic_read(&a, 0x7f0, 0), 0);	/* beyond the registers */
}

static void self_ipi_is_delivered_and_eoi_clears_isr(void **state)
{
	struct vlapic a;

	vlapic_reset(&a, 0);
	enable(&a);
	/* apic_self_ipi(): shorthand self, fixed, vector 0x40. */
	vlapic_write(&a, APIC_ICR, (APIC_DEST_SELF << APIC_ICR_SHORTHAND_SHIFT) | 0x40, 0);
	assert_int_equal(vlapic_read(&a, APIC_IRR + 0x20, 0), 1u);	/* IRR bit 0x40 */
	assert_int_equal(vlapic_read(&a, APIC_ICR, 0) & (1u << 12), 0);	/* idle */
	assert_int_equal(vlapic_pending(&a, 0), 0x40);
	vlapic_ack(&a, 0x40);
	assert_int_equal(vlapic_read(&a, APIC_ISR + 0x20, 0), 1u);
	assert_int_equal(vlapic_read(&a, APIC_IRR + 0x20, 0), 0);
	assert_int_equal(vlapic_read(&a, APIC_PROCPRI, 0), 0x40);
	assert_int_equal(vlapic_pending(&a, 0), -1);
	vlapic_write(&a, APIC_EOI, 0, 0);
	assert_int_equal(vlapic_read(&a, APIC_ISR + 0x20, 0), 0);
	assert_int_equal(vlapic_read(&a, APIC_PROCPRI, 0), 0);
	/* apic_self_nmi(): physical, to itself, NMI: counted for the VMM, no vector. */
	assert_int_equal(a.nmi_queued, 0);
	vlapic_write(&a, APIC_ICR2, 0, 0);
	vlapic_write(&a, APIC_ICR, APIC_DM_NMI | (1u << 14), 0);
	assert_int_equal(a.nmi_queued, 1);
	vlapic_write(&a, APIC_ICR, APIC_DM_NMI | (1u << 14), 0);
	assert_int_equal(a.nmi_queued, 2);	/* each counts: the vCPU decides how many run */
	assert_int_equal(vlapic_pending(&a, 0), -1);
}

static void physical_and_logical_destinations(void **state)
{
	struct vlapic a;

	vlapic_reset(&a, 2);
	enable(&a);
	vlapic_write(&a, APIC_ICR2, 2u << 24, 0);
	vlapic_write(&a, APIC_ICR, 0x41, 0);	/* physical, to APIC 2: itself */
	vlapic_write(&a, APIC_ICR2, 5u << 24, 0);
	vlapic_write(&a, APIC_ICR, 0x42, 0);	/* to APIC 5: nobody */
	vlapic_write(&a, APIC_ICR, (APIC_DEST_ALL_BUT_SELF << APIC_ICR_SHORTHAND_SHIFT) |
				  APIC_DM_INIT, 0);
	vlapic_write(&a, APIC_ICR, (APIC_DEST_ALL_BUT_SELF << APIC_ICR_SHORTHAND_SHIFT) |
				  APIC_DM_STARTUP, 0);
	vlapic_write(&a, APIC_LDR, 0x04000000, 0);
	vlapic_write(&a, APIC_ICR2, 0x0c000000, 0);
	vlapic_write(&a, APIC_ICR, APIC_ICR_LOGICAL | 0x43, 0);	/* flat: bit 2 is ours */
	vlapic_write(&a, APIC_ICR, (APIC_DEST_ALL << APIC_ICR_SHORTHAND_SHIFT) | 0x44, 0);
	assert_int_equal(vlapic_read(&a, APIC_IRR + 0x20, 0), 0x1a);	/* 0x41, 0x43, 0x44 */
	assert_int_equal(a.ipis_ignored, 3);
	/* Highest first, each once. */
	assert_int_equal(vlapic_pending(&a, 0), 0x44);
	vlapic_ack(&a, 0x44);
	assert_int_equal(vlapic_pending(&a, 0), -1);	/* same class as 0x44 in service */
	vlapic_write(&a, APIC_EOI, 0, 0);
	assert_int_equal(vlapic_pending(&a, 0), 0x43);
}

static void tpr_holds_back_lower_classes(void **state)
{
	struct vlapic a;

	vlapic_reset(&a, 0);
	enable(&a);
	vlapic_write(&a, APIC_TASKPRI, 0x50, 0);
	vlapic_write(&a, APIC_ICR, (APIC_DEST_SELF << APIC_ICR_SHORTHAND_SHIFT) | 0x45, 0);
	assert_int_equal(vlapic_pending(&a, 0), -1);
	vlapic_write(&a, APIC_ICR, (APIC_DEST_SELF << APIC_ICR_SHORTHAND_SHIFT) | 0x61, 0);
	assert_int_equal(vlapic_pending(&a, 0), 0x61);
	vlapic_write(&a, APIC_TASKPRI, 0, 0);
	vlapic_ack(&a, 0x61);
	vlapic_write(&a, APIC_EOI, 0, 0);
	assert_int_equal(vlapic_pending(&a, 0), 0x45);
}

static void illegal_vectors_and_registers_set_esr(void **state)
{
	struct vlapic a;

	vlapic_reset(&a, 0);
	enable(&a);
	vlapic_write(&a, APIC_ICR, (APIC_DEST_SELF << APIC_ICR_SHORTHAND_SHIFT) | 0x05, 0);
	assert_int_equal(vlapic_pending(&a, 0), -1);
	assert_int_equal(vlapic_read(&a, APIC_ESR, 0), 0);	/* latched by the next write */
	vlapic_write(&a, APIC_ESR, 0, 0);
	assert_int_equal(vlapic_read(&a, APIC_ESR, 0), APIC_ESR_SEND_ILLEGAL);
	vlapic_write(&a, 0x3f0, 1, 0);
	vlapic_write(&a, APIC_ESR, 0, 0);
	assert_int_equal(vlapic_read(&a, APIC_ESR, 0), APIC_ESR_ILLEGAL_REG);
	vlapic_write(&a, APIC_ESR, 0, 0);
	assert_int_equal(vlapic_read(&a, APIC_ESR, 0), 0);
}

static void software_disable_keeps_lvts_masked(void **state)
{
	struct vlapic a;

	vlapic_reset(&a, 0);
	vlapic_write(&a, APIC_LVTT, 0x20, 0);	/* disabled: the mask stays */
	assert_int_equal(vlapic_read(&a, APIC_LVTT, 0), APIC_LVT_MASKED | 0x20);
	enable(&a);
	vlapic_write(&a, APIC_LVTT, 0x20, 0);
	assert_int_equal(vlapic_read(&a, APIC_LVTT, 0), 0x20);
	vlapic_write(&a, APIC_SPIV, 0xff, 0);
	assert_int_equal(vlapic_read(&a, APIC_LVTT, 0), APIC_LVT_MASKED | 0x20);
	/* Read-only registers keep their values. */
	vlapic_write(&a, APIC_LVR, 0, 0);
	assert_int_equal(vlapic_read(&a, APIC_LVR, 0), VLAPIC_VERSION);
}

static void one_shot_timer(void **state)
{
	struct vlapic a;

	vlapic_reset(&a, 0);
	enable(&a);
	vlapic_write(&a, APIC_TDCR, 0xb, 0);	/* divide by 1 */
	vlapic_write(&a, APIC_LVTT, 0xec, 0);
	vlapic_write(&a, APIC_TMICT, 1000, 100);
	assert_int_equal(vlapic_next_event(&a, 100), 1100);
	assert_int_equal(vlapic_read(&a, APIC_TMCCT, 600), 500);
	assert_int_equal(vlapic_pending(&a, 1099), -1);
	assert_int_equal(vlapic_pending(&a, 1100), 0xec);
	vlapic_ack(&a, 0xec);
	vlapic_write(&a, APIC_EOI, 0, 1200);
	assert_int_equal(vlapic_pending(&a, 5000), -1);	/* once */
	assert_int_equal(vlapic_read(&a, APIC_TMCCT, 5000), 0);
	assert_int_equal(vlapic_next_event(&a, 5000), ~0ULL);
	/* Divide by 16 (TDCR 3). */
	vlapic_write(&a, APIC_TDCR, 3, 6000);
	vlapic_write(&a, APIC_TMICT, 10, 6000);
	assert_int_equal(vlapic_next_event(&a, 6000), 6160);
	assert_int_equal(vlapic_read(&a, APIC_TMCCT, 6080), 5);
	/* TMICT 0 stops it. */
	vlapic_write(&a, APIC_TMICT, 0, 6100);
	assert_int_equal(vlapic_next_event(&a, 6100), ~0ULL);
	assert_int_equal(vlapic_pending(&a, 9000), -1);
}

static void periodic_timer_coalesces_missed_periods(void **state)
{
	struct vlapic a;

	vlapic_reset(&a, 0);
	enable(&a);
	vlapic_write(&a, APIC_TDCR, 0xb, 0);
	vlapic_write(&a, APIC_LVTT, APIC_LVT_TIMER_PERIODIC | 0x30, 0);
	vlapic_write(&a, APIC_TMICT, 100, 0);
	assert_int_equal(vlapic_pending(&a, 100), 0x30);
	vlapic_ack(&a, 0x30);
	vlapic_write(&a, APIC_EOI, 0, 150);
	assert_int_equal(vlapic_next_event(&a, 150), 200);
	assert_int_equal(vlapic_read(&a, APIC_TMCCT, 150), 50);
	assert_int_equal(vlapic_pending(&a, 550), 0x30);	/* four periods late: one interrupt */
	vlapic_ack(&a, 0x30);
	vlapic_write(&a, APIC_EOI, 0, 560);
	assert_int_equal(vlapic_pending(&a, 599), -1);
	assert_int_equal(vlapic_next_event(&a, 560), 600);
	/* Masked: counts on, raises nothing. */
	vlapic_write(&a, APIC_LVTT, APIC_LVT_MASKED | APIC_LVT_TIMER_PERIODIC | 0x30, 560);
	assert_int_equal(vlapic_pending(&a, 1000), -1);
}

/* A periodic timer faster than min_period interrupts every min_period; TMCCT keeps its rate. */
static void a_too_fast_periodic_timer_is_slowed_to_min_period(void **state)
{
	struct vlapic a;

	vlapic_reset(&a, 0);
	a.min_period = 100;
	enable(&a);
	vlapic_write(&a, APIC_TDCR, 0xb, 0);	/* divide by 1 */
	vlapic_write(&a, APIC_LVTT, APIC_LVT_TIMER_PERIODIC | 0x30, 0);
	vlapic_write(&a, APIC_TMICT, 1, 0);
	assert_int_equal(vlapic_next_event(&a, 0), 100);
	assert_int_equal(vlapic_pending(&a, 99), -1);
	assert_int_equal(vlapic_pending(&a, 100), 0x30);
	vlapic_ack(&a, 0x30);
	vlapic_write(&a, APIC_EOI, 0, 150);
	assert_int_equal(vlapic_next_event(&a, 150), 200);
	assert_int_equal(vlapic_read(&a, APIC_TMCCT, 150), 1);
	/* A one-shot is not slowed: it fires when its count runs out. */
	vlapic_write(&a, APIC_LVTT, 0x30, 150);
	vlapic_write(&a, APIC_TMICT, 5, 150);
	assert_int_equal(vlapic_next_event(&a, 150), 155);
}

/* kvm-unit-tests' test_apic_change_mode: the count survives a mode change. */
static void mode_change_keeps_the_count(void **state)
{
	struct vlapic a;

	vlapic_reset(&a, 0);
	enable(&a);
	vlapic_write(&a, APIC_TDCR, 0xb, 0);
	vlapic_write(&a, APIC_LVTT, 0x30, 0);			/* one-shot */
	vlapic_write(&a, APIC_TMICT, 1000, 0);
	vlapic_write(&a, APIC_LVTT, APIC_LVT_TIMER_PERIODIC | 0x30, 700);
	assert_int_equal(vlapic_read(&a, APIC_TMCCT, 700), 300);	/* not reset to TMICT */
	assert_int_equal(vlapic_read(&a, APIC_TMCCT, 1100), 900);	/* wrapped at 1000 */
	vlapic_write(&a, APIC_LVTT, 0x30, 1500);			/* back to one-shot: 500 left */
	assert_int_equal(vlapic_read(&a, APIC_TMCCT, 1500), 500);
	assert_int_equal(vlapic_read(&a, APIC_TMCCT, 2100), 0);
	vlapic_write(&a, APIC_LVTT, APIC_LVT_TIMER_PERIODIC | 0x30, 2200);	/* expired: stays 0 */
	assert_int_equal(vlapic_read(&a, APIC_TMCCT, 2300), 0);
	assert_int_equal(vlapic_next_event(&a, 2300), ~0ULL);
	vlapic_write(&a, APIC_TMICT, 10, 3000);			/* a new count starts it */
	assert_int_equal(vlapic_read(&a, APIC_TMCCT, 3004), 6);
}

/* SDM Vol. 3A 11.5.4.1: the timer fires once at IA32_TSC_DEADLINE, which then reads 0. */
static void tsc_deadline_mode(void **state)
{
	struct vlapic a;

	vlapic_reset(&a, 0);
	enable(&a);
	vlapic_set_tscdeadline(&a, 500, 0);			/* one-shot mode: ignored */
	assert_int_equal(vlapic_get_tscdeadline(&a), 0);
	vlapic_write(&a, APIC_LVTT, APIC_LVT_TIMER_TSCDEADLINE | 0x31, 0);
	vlapic_write(&a, APIC_TMICT, 100, 0);			/* ignored in this mode */
	assert_int_equal(vlapic_read(&a, APIC_TMICT, 0), 0);
	assert_int_equal(vlapic_read(&a, APIC_TMCCT, 0), 0);
	vlapic_set_tscdeadline(&a, 1000, 10);
	assert_int_equal(vlapic_get_tscdeadline(&a), 1000);
	assert_int_equal(vlapic_next_event(&a, 10), 1000);
	assert_int_equal(vlapic_pending(&a, 999), -1);
	assert_int_equal(vlapic_pending(&a, 1000), 0x31);
	assert_int_equal(vlapic_get_tscdeadline(&a), 0);		/* fired: disarmed */
	assert_int_equal(vlapic_next_event(&a, 1000), ~0ULL);
	vlapic_ack(&a, 0x31);
	vlapic_write(&a, APIC_EOI, 0, 1000);
	assert_int_equal(vlapic_pending(&a, 5000), -1);		/* once only */
	vlapic_set_tscdeadline(&a, 900, 2000);			/* already past: fires at once */
	assert_int_equal(vlapic_read(&a, APIC_IRR + 0x10, 2000), 1u << 0x11);
	vlapic_set_tscdeadline(&a, 3000, 2000);
	vlapic_write(&a, APIC_LVTT, 0x31, 2100);			/* leaving the mode disarms it */
	assert_int_equal(vlapic_next_event(&a, 2100), ~0ULL);
}

static u32 bus_icr_lo, bus_icr_hi, bus_eois;
static u8 bus_eoi_vector;

static void bus_ipi(void *ctx, struct vlapic *from, u32 lo, u32 hi)
{
	bus_icr_lo = lo;
	bus_icr_hi = hi;
}

static void bus_eoi(void *ctx, u8 vector)
{
	bus_eois++;
	bus_eoi_vector = vector;
}

/* On a bus every IPI goes to the bus; a level-triggered vector's EOI is told to it. */
static void a_bus_routes_ipis_and_level_eois(void **state)
{
	static const struct vlapic_bus bus = { .ipi = bus_ipi, .eoi = bus_eoi };
	struct vlapic a;

	vlapic_reset(&a, 1);
	a.bus = &bus;
	enable(&a);
	vlapic_write(&a, APIC_ICR2, 3u << 24, 0);
	vlapic_write(&a, APIC_ICR, APIC_DM_STARTUP | 0x9a, 0);
	assert_int_equal(bus_icr_lo, APIC_DM_STARTUP | 0x9a);
	assert_int_equal(bus_icr_hi, 3u << 24);
	bus_icr_lo = 0;
	/* Linux's INIT de-assert (level 0, level-triggered) is no message. */
	vlapic_write(&a, APIC_ICR, APIC_DM_INIT | APIC_ICR_TRIGGER_LEVEL, 0);
	assert_int_equal(bus_icr_lo, 0);
	assert_true(vlapic_accept(&a, APIC_DM_FIXED, 0x50, true));	/* a level message */
	assert_true(vlapic_accept(&a, APIC_DM_FIXED, 0x40, false));
	vlapic_ack(&a, 0x50);
	vlapic_write(&a, APIC_EOI, 0, 0);
	assert_int_equal(bus_eois, 1);
	assert_int_equal(bus_eoi_vector, 0x50);
	vlapic_ack(&a, 0x40);
	vlapic_write(&a, APIC_EOI, 0, 0);				/* edge: the bus hears nothing */
	assert_int_equal(bus_eois, 1);
	/* INIT and SIPI are latched; fixed interrupts to a software-disabled APIC are not taken. */
	assert_true(vlapic_accept(&a, APIC_DM_INIT, 0, false));
	assert_true(vlapic_accept(&a, APIC_DM_STARTUP, 0x9a, false));
	assert_true(a.init_pending && a.sipi_pending && a.sipi_vector == 0x9a);
	vlapic_write(&a, APIC_SPIV, 0xff, 0);
	assert_false(vlapic_accept(&a, APIC_DM_FIXED, 0x60, false));
	assert_int_equal(vlapic_read(&a, APIC_IRR + 0x30, 0), 0);
}

#define X2MSR(reg) (MSR_X2APIC_FIRST + ((reg) >> 4))

/*
 * x2APIC mode (SDM Vol. 3A 11.12): the ID is the initial one whatever the
 * xAPIC ID register was set to, the LDR derives from it, the registers
 * are MSRs with #GP for the read-only, write-only, reserved and absent
 * ones, for reserved bits and for non-zero EOI/ESR writes; the ICR is 64
 * bits with a 32-bit destination; SELF IPI.
 */
static void x2apic_registers_by_msr(void **state)
{
	static const struct vlapic_bus bus = { .ipi = bus_ipi, .eoi = bus_eoi };
	struct vlapic a;
	u64 val;

	vlapic_reset(&a, 0x13);
	vlapic_write(&a, APIC_ID, 5u << 24, 0);		/* xAPIC IDs are writable */
	vlapic_enable_x2apic(&a);
	a.bus = &bus;
	assert_int_equal(vlapic_x2apic_read(&a, X2MSR(APIC_ID), &val, 0), 0);
	assert_int_equal(val, 0x13);
	assert_int_equal(vlapic_x2apic_read(&a, X2MSR(APIC_LDR), &val, 0), 0);
	assert_int_equal(val, (1u << 16) | (1u << 3));	/* cluster 1, bit 3 */
	assert_int_equal(vlapic_x2apic_write(&a, X2MSR(APIC_ID), 0, 0), -1);
	assert_int_equal(vlapic_x2apic_write(&a, X2MSR(APIC_LDR), 0, 0), -1);
	assert_int_equal(vlapic_x2apic_read(&a, X2MSR(APIC_DFR), &val, 0), -1);
	assert_int_equal(vlapic_x2apic_read(&a, X2MSR(APIC_ICR2), &val, 0), -1);
	assert_int_equal(vlapic_x2apic_read(&a, X2MSR(APIC_ARBPRI), &val, 0), -1);
	assert_int_equal(vlapic_x2apic_read(&a, X2MSR(APIC_EOI), &val, 0), -1);
	assert_int_equal(vlapic_x2apic_read(&a, X2MSR(APIC_SELF_IPI), &val, 0), -1);
	assert_int_equal(vlapic_x2apic_read(&a, MSR_X2APIC_LAST + 1, &val, 0), -1);
	assert_int_equal(vlapic_x2apic_write(&a, X2MSR(APIC_EOI), 1, 0), -1);
	assert_int_equal(vlapic_x2apic_write(&a, X2MSR(APIC_ESR), 1, 0), -1);
	assert_int_equal(vlapic_x2apic_write(&a, X2MSR(APIC_TASKPRI), 1ULL << 32, 0), -1);
	assert_int_equal(vlapic_x2apic_write(&a, X2MSR(APIC_SPIV), 0x1ff, 0), 0);
	/* SELF_IPI's bits 31:8 are reserved: #GP, nothing sent (kvm-unit-tests' `msr`). */
	assert_int_equal(vlapic_x2apic_write(&a, X2MSR(APIC_SELF_IPI), 0x140, 0), -1);
	assert_int_equal(vlapic_x2apic_write(&a, X2MSR(APIC_SELF_IPI), 0xff000040, 0), -1);
	assert_int_equal(vlapic_pending(&a, 0), -1);
	assert_int_equal(vlapic_x2apic_write(&a, X2MSR(APIC_SELF_IPI), 0x40, 0), 0);
	assert_int_equal(vlapic_pending(&a, 0), 0x40);
	vlapic_ack(&a, 0x40);
	assert_int_equal(vlapic_x2apic_write(&a, X2MSR(APIC_EOI), 0, 0), 0);
	assert_int_equal(vlapic_read(&a, APIC_ISR + 0x20, 0), 0);
	/* The ICR: one 64-bit write sends, with the whole destination in bits 63:32. */
	assert_int_equal(vlapic_x2apic_write(&a, X2MSR(APIC_ICR), (0x10001ULL << 32) |
					     APIC_ICR_LOGICAL | 0x51, 0), 0);
	assert_int_equal(bus_icr_lo, APIC_ICR_LOGICAL | 0x51);
	assert_int_equal(bus_icr_hi, 0x10001);
	assert_int_equal(vlapic_x2apic_read(&a, X2MSR(APIC_ICR), &val, 0), 0);
	assert_int_equal(val, (0x10001ULL << 32) | APIC_ICR_LOGICAL | 0x51);
}

/* x2APIC destinations: 32-bit physical IDs, clusters, broadcasts; an xAPIC never has an ID above 0xff. */
static void x2apic_destinations(void **state)
{
	struct vlapic x2, x;

	vlapic_reset(&x2, 0x13);
	vlapic_enable_x2apic(&x2);
	assert_true(vlapic_match_dest(&x2, 0x13, false));
	assert_false(vlapic_match_dest(&x2, 0x113, false));
	assert_true(vlapic_match_dest(&x2, X2APIC_BROADCAST_ID, false));
	assert_true(vlapic_match_dest(&x2, 0x10008, true));	/* cluster 1, bit 3 */
	assert_false(vlapic_match_dest(&x2, 0x00008, true));	/* cluster 0 */
	assert_false(vlapic_match_dest(&x2, 0x10004, true));
	assert_true(vlapic_match_dest(&x2, 0xffff0008, true));	/* every cluster */
	vlapic_reset(&x, 0x13);
	assert_false(vlapic_match_dest(&x, 0x113, false));
	assert_true(vlapic_match_dest(&x, 0x13, false));
	assert_true(vlapic_match_dest(&x, X2APIC_BROADCAST_ID, false));
}

/*
 * The virtual-APIC page (vlapic_fill_page()) shows what a read of each
 * register the CPU virtualizes would return, and leaves the rest (PPR,
 * ARBPRI, TMCCT, reserved offsets: those reads still exit) alone.
 */
static void the_page_shows_every_virtualized_register(void **state)
{
	static const u32 virtualized[] = {
		APIC_ID, APIC_LVR, APIC_TASKPRI, APIC_EOI, APIC_LDR, APIC_DFR, APIC_SPIV, APIC_ESR,
		APIC_ICR, APIC_ICR2, APIC_LVTT, APIC_LVTTHMR, APIC_LVTPC, APIC_LVT0, APIC_LVT1,
		APIC_LVTERR, APIC_TMICT, APIC_TDCR,
	};
	static u32 page[VLAPIC_PAGE_WORDS];
	struct vlapic a;

	vlapic_reset(&a, 5);
	enable(&a);
	vlapic_write(&a, APIC_TASKPRI, 0x20, 0);
	vlapic_write(&a, APIC_LDR, 0x04000000, 0);
	vlapic_write(&a, APIC_ICR2, 0x05000000, 0);
	vlapic_write(&a, APIC_LVT0, 0x8700, 0);
	vlapic_write(&a, APIC_TDCR, 0xb, 0);
	vlapic_write(&a, APIC_LVTT, 0x31, 0);
	vlapic_write(&a, APIC_TMICT, 1000, 0);
	/* Vectors in three different registers of each array: ISR, IRR; TMR by a level IPI. */
	vlapic_accept(&a, APIC_DM_FIXED, 0x51, false);
	vlapic_ack(&a, 0x51);
	vlapic_accept(&a, APIC_DM_FIXED, 0x93, true);
	vlapic_accept(&a, APIC_DM_FIXED, 0xe7, false);
	for (unsigned int i = 0; i < VLAPIC_PAGE_WORDS; i++)
		page[i] = 0xa5a5a5a5u;
	vlapic_fill_page(&a, page, 500);
	for (unsigned int i = 0; i < sizeof(virtualized) / sizeof(virtualized[0]); i++)
		assert_int_equal(page[virtualized[i] / 4], vlapic_read(&a, virtualized[i], 500));
	for (u32 r = 0; r < 0x80; r += 0x10) {
		assert_int_equal(page[(APIC_ISR + r) / 4], vlapic_read(&a, APIC_ISR + r, 500));
		assert_int_equal(page[(APIC_TMR + r) / 4], vlapic_read(&a, APIC_TMR + r, 500));
		assert_int_equal(page[(APIC_IRR + r) / 4], vlapic_read(&a, APIC_IRR + r, 500));
	}
	assert_int_equal(page[(APIC_ISR + 0x20) / 4], 1u << (0x51 - 0x40));
	assert_int_equal(page[(APIC_IRR + 0x40) / 4], 1u << (0x93 - 0x80));
	assert_int_equal(page[(APIC_TMR + 0x40) / 4], 1u << (0x93 - 0x80));
	assert_int_equal(page[(APIC_IRR + 0x70) / 4], 1u << (0xe7 - 0xe0));
	assert_int_equal(page[APIC_ICR2 / 4], 0x05000000u);
	assert_int_equal(page[APIC_TASKPRI / 4], 0x20u);
	/* Not virtualized: the CPU exits for them, so the page is not written there. */
	assert_int_equal(page[APIC_PROCPRI / 4], 0xa5a5a5a5u);
	assert_int_equal(page[APIC_ARBPRI / 4], 0xa5a5a5a5u);
	assert_int_equal(page[APIC_TMCCT / 4], 0xa5a5a5a5u);
	assert_int_equal(page[0x400 / 4], 0xa5a5a5a5u);
}

/* The page's bit of vector in a 256-bit register at offset reg. */
static u32 *page_vec(u32 *page, u32 reg, u8 vector, u32 *bit)
{
	*bit = 1u << (vector % 32);
	return &page[(reg + (vector / 32) * 0x10) / 4];
}

/*
 * Virtual-interrupt delivery: the CPU delivers from the filled page and ends
 * vectors at EOI; vlapic_sync_page() takes that back, keeping a vector
 * accepted meanwhile (here the one the CPU delivered, accepted again) and a
 * self-IPI the CPU virtualized; the VMCS state names the highest IRR and
 * ISR vectors and the level-triggered ones; an EOI-induced exit's vector
 * reaches the bus only when level-triggered.
 */
static void virtual_interrupt_delivery_syncs_back(void **state)
{
	static const struct vlapic_bus bus = { .ipi = bus_ipi, .eoi = bus_eoi };
	static u32 page[VLAPIC_PAGE_WORDS];
	struct vlapic_vid vid;
	struct vlapic a;
	u32 bit, *w;

	vlapic_reset(&a, 2);
	a.bus = &bus;
	enable(&a);
	assert_true(vlapic_accept(&a, APIC_DM_FIXED, 0x41, false));
	assert_true(vlapic_accept(&a, APIC_DM_FIXED, 0x93, true));	/* level */
	vlapic_fill_page(&a, page, 0);
	vlapic_vid_state(&a, &vid);
	assert_int_equal(vid.rvi, 0x93);
	assert_int_equal(vid.svi, 0);
	assert_true(vid.eoi_exit[2] == 1ULL << (0x93 - 0x80));
	assert_true(vid.eoi_exit[0] == 0 && vid.eoi_exit[1] == 0 && vid.eoi_exit[3] == 0);
	/* The CPU delivers 0x93 (IRR to ISR) and 0x41, ends 0x41 at the guest's EOI. */
	w = page_vec(page, APIC_IRR, 0x93, &bit);
	*w &= ~bit;
	w = page_vec(page, APIC_ISR, 0x93, &bit);
	*w |= bit;
	w = page_vec(page, APIC_IRR, 0x41, &bit);
	*w &= ~bit;
	/* A self-IPI it virtualized; meanwhile the bus brings 0x93 again and 0x60. */
	w = page_vec(page, APIC_IRR, 0x77, &bit);
	*w |= bit;
	assert_true(vlapic_accept(&a, APIC_DM_FIXED, 0x93, true));
	assert_true(vlapic_accept(&a, APIC_DM_FIXED, 0x60, false));
	vlapic_sync_page(&a, page);
	assert_int_equal(vlapic_read(&a, APIC_IRR + 0x20, 0), 0);		/* 0x41 taken */
	assert_int_equal(vlapic_read(&a, APIC_IRR + 0x30, 0), 1u << (0x77 - 0x60) | 1u);
	assert_int_equal(vlapic_read(&a, APIC_IRR + 0x40, 0), 1u << (0x93 - 0x80));
	assert_int_equal(vlapic_read(&a, APIC_ISR + 0x40, 0), 1u << (0x93 - 0x80));
	assert_int_equal(vlapic_read(&a, APIC_ISR + 0x20, 0), 0);
	vlapic_vid_state(&a, &vid);
	assert_int_equal(vid.rvi, 0x93);
	assert_int_equal(vid.svi, 0x93);
	/* The CPU ends 0x93 (the EOI-exit bitmap makes that exit): the bus hears it; edge 0x60 not. */
	bus_eois = 0;
	vlapic_eoi_induced(&a, 0x93);
	assert_int_equal(bus_eois, 1);
	assert_int_equal(bus_eoi_vector, 0x93);
	vlapic_eoi_induced(&a, 0x60);
	assert_int_equal(bus_eois, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(power_up_state),
		cmocka_unit_test(self_ipi_is_delivered_and_eoi_clears_isr),
		cmocka_unit_test(physical_and_logical_destinations),
		cmocka_unit_test(tpr_holds_back_lower_classes),
		cmocka_unit_test(illegal_vectors_and_registers_set_esr),
		cmocka_unit_test(software_disable_keeps_lvts_masked),
		cmocka_unit_test(one_shot_timer),
		cmocka_unit_test(periodic_timer_coalesces_missed_periods),
		cmocka_unit_test(a_too_fast_periodic_timer_is_slowed_to_min_period),
		cmocka_unit_test(mode_change_keeps_the_count),
		cmocka_unit_test(tsc_deadline_mode),
		cmocka_unit_test(a_bus_routes_ipis_and_level_eois),
		cmocka_unit_test(x2apic_registers_by_msr),
		cmocka_unit_test(x2apic_destinations),
		cmocka_unit_test(the_page_shows_every_virtualized_register),
		cmocka_unit_test(virtual_interrupt_delivery_syncs_back),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
