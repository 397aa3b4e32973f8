/*
 * x2apic_ipi: the x2APIC's MSRs under x2APIC virtualization (issue 16;
 * tests/kernel/test_guest_x2apic.c).  The VMM gives the vCPU its emulated
 * xAPIC; the guest turns on x2APIC mode (IA32_APIC_BASE.EXTD, SDM Vol. 3A
 * 11.12.1), then:
 *  1. kvm-unit-tests' self_ipi_sti_nop in x2APIC mode, ROUNDS times:
 *     interrupts off, a SELF IPI (MSR 0x83f) of vector 0x2f, STI; NOP and
 *     the handler's count read by the very next instruction, the handler
 *     ending it with a write of 0 to EOI (MSR 0x80b).  SYNC 1: the rounds
 *     where the interrupt came late;
 *  2. two SELF IPIs with interrupts off show in IRR (MSRs 0x820-0x827),
 *     then run; a TPR written by MSR reads back; the ID and LDR read as
 *     x2APIC mode has them (ID 0, LDR cluster 0 bit 0: SDM 11.12.10.2); DFR
 *     (0x80e) is no register in x2APIC mode and LVR (0x803) is read-only:
 *     both #GP; the ICR reads back its 64 bits, destination included (an
 *     IPI to an x2APIC ID no vCPU has, which goes nowhere).  SYNC 2: a bit
 *     per check that failed (0: all passed).
 */
#include "guest.h"

#define MSR_IA32_APIC_BASE 0x1b
#define APIC_BASE_EXTD (1u << 10)
#define X2APIC_ID 0x802
#define X2APIC_LVR 0x803
#define X2APIC_TPR 0x808
#define X2APIC_EOI 0x80b
#define X2APIC_LDR 0x80d
#define X2APIC_DFR 0x80e
#define X2APIC_SVR 0x80f
#define X2APIC_IRR 0x820
#define X2APIC_ICR 0x830
#define ICR_NO_ONE (5ULL << 32 | VEC_LOW)	/* fixed, physical, to x2APIC ID 5: no vCPU */
#define X2APIC_SELF_IPI 0x83f
#define APIC_SVR_ENABLE 0x100
#define X86_GP 13
#define ROUNDS 200
#define IRQ_HIGH 15			/* vector GUEST_IRQ_BASE + 15 = 0x2f */
#define IRQ_LOW 14			/* 0x2e */
#define VEC_HIGH (GUEST_IRQ_BASE + IRQ_HIGH)
#define VEC_LOW (GUEST_IRQ_BASE + IRQ_LOW)
#define TPR_MARK 0x20

static volatile uint32_t taken;

static uint64_t rdmsr_or(uint32_t msr, uint64_t dflt)
{
	uint64_t v;

	return rdmsr_safe(msr, &v) < 0 ? v : dflt;
}

static void handler(void)
{
	taken++;
	wrmsr_safe(X2APIC_EOI, 0);
}

static void send_high(void)
{
	wrmsr_safe(X2APIC_SELF_IPI, VEC_HIGH);
}

static void stage_sti_nop(void)
{
	GUEST_SYNC2(1, guest_sti_nop_rounds(ROUNDS, &taken, send_high));
}

static bool irr_set(unsigned int vec)
{
	return rdmsr_or(X2APIC_IRR + vec / 32, 0) & (1ULL << (vec % 32));
}

static void stage_registers(void)
{
	uint64_t failed = 0, v;

	__asm__ __volatile__("cli" : : : "memory");
	taken = 0;
	wrmsr_safe(X2APIC_SELF_IPI, VEC_LOW);
	wrmsr_safe(X2APIC_SELF_IPI, VEC_HIGH);
	failed |= !(irr_set(VEC_LOW) && irr_set(VEC_HIGH)) << 0;
	guest_sti_nop_read(&taken);
	__asm__ __volatile__("nop; cli" : : : "memory");
	failed |= (taken != 2) << 1;
	failed |= (irr_set(VEC_LOW) || irr_set(VEC_HIGH)) << 2;
	failed |= (wrmsr_safe(X2APIC_TPR, TPR_MARK) >= 0 ||
		   rdmsr_or(X2APIC_TPR, ~0ULL) != TPR_MARK) << 3;
	wrmsr_safe(X2APIC_TPR, 0);
	failed |= (rdmsr_or(X2APIC_ID, ~0ULL) != 0) << 4;
	failed |= (rdmsr_or(X2APIC_LDR, ~0ULL) != 1) << 5;
	failed |= (rdmsr_safe(X2APIC_DFR, &v) != X86_GP) << 6;
	failed |= (wrmsr_safe(X2APIC_LVR, 0) != X86_GP) << 7;
	/* ICR's 64 bits read back whole (the write exits; the read is the page's). */
	failed |= (wrmsr_safe(X2APIC_ICR, ICR_NO_ONE) >= 0 ||
		   rdmsr_or(X2APIC_ICR, 0) != ICR_NO_ONE) << 8;
	GUEST_SYNC2(2, failed);
}

void guest_main(void)
{
	uint64_t base = 0;

	guest_idt_install();
	guest_irq_install(IRQ_HIGH, handler);
	guest_irq_install(IRQ_LOW, handler);
	GUEST_ASSERT(rdmsr_safe(MSR_IA32_APIC_BASE, &base) < 0);
	GUEST_ASSERT(wrmsr_safe(MSR_IA32_APIC_BASE, base | APIC_BASE_EXTD) < 0);
	GUEST_ASSERT(wrmsr_safe(X2APIC_SVR, APIC_SVR_ENABLE | 0xff) < 0);
	stage_sti_nop();
	stage_registers();
}
