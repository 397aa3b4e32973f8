/*
 * self_ipi: a self-IPI through the xAPIC's ICR is delivered when the CPU
 * would deliver it (issue 16; tests/kernel/test_guest_self_ipi.c).  The
 * VMM gives the vCPU its emulated xAPIC.
 *  1. kvm-unit-tests' vmexit self_ipi_sti_nop, ROUNDS times: interrupts
 *     off, a fixed self-IPI of vector 0x2f through ICR, then STI; NOP and
 *     the handler's count read by the very next instruction.  An interrupt
 *     made pending while IF=0 is recognized right after the instruction
 *     that follows STI (SDM Vol. 3A 6.8.3, Vol. 2B STI), so the count is 1
 *     there every round (SYNC 1: the rounds where it was not);
 *  2. EOI: two self-IPIs (0x2e, 0x2f) with interrupts off, both in IRR;
 *     STI; NOP: 0x2f runs first, sees its ISR bit set, its EOI clears it
 *     and 0x2e, held back by 0x2f in service (same priority class, SDM
 *     Vol. 3A 11.8.3.1), runs only after that handler's IRET; then ISR and
 *     IRR are empty (SYNC 2: the order, as 0x2f * 256 + 0x2e);
 *  3. the bench's round (guests/bench_apic.c does the same, timed): cli,
 *     self-IPI, sti; nop, EOI in the handler, ROUNDS times with no round
 *     missed (SYNC 3: the rounds the handler ran);
 *  4. ICR2 keeps what the guest wrote across an exit (SYNC 4 is one; with
 *     APIC virtualization the write does not exit, vmx/apic_access.c),
 *     then an IPI by physical destination (ICR2 = this APIC's ID 0, no
 *     shorthand) arrives (SYNC 5: ICR2 as read back after SYNC 4, then
 *     the handler's runs);
 *  5. the APIC disabled (IA32_APIC_BASE.EN clear): a read of its page is
 *     an MMIO access no device claims, never memory (the VMM answers all
 *     ones; SYNC 6: the ID read).
 */
#include "guest.h"

#define APIC_BASE 0xfee00000UL
#define APIC_ID 0x20
#define APIC_EOI 0xb0
#define APIC_SVR 0xf0
#define APIC_ISR 0x100
#define APIC_IRR 0x200
#define APIC_ICR_LO 0x300
#define APIC_ICR_HI 0x310
#define APIC_SVR_ENABLE 0x100
#define APIC_ICR_SELF (1u << 18)	/* destination shorthand 01: self, fixed, edge */
#define ICR2_MARK 0x0f000000u		/* an APIC ID no vCPU has, in ICR2's bits 31:24 */
#define MSR_IA32_APIC_BASE 0x1b
#define APIC_BASE_ENABLE (1u << 11)	/* IA32_APIC_BASE.EN (SDM Vol. 3A 11.4.4) */
#define ROUNDS 200
#define IRQ_HIGH 15			/* vector GUEST_IRQ_BASE + 15 = 0x2f */
#define IRQ_LOW 14			/* vector 0x2e, the same priority class */
#define VEC_HIGH (GUEST_IRQ_BASE + IRQ_HIGH)
#define VEC_LOW (GUEST_IRQ_BASE + IRQ_LOW)

static volatile uint32_t *apic_reg(unsigned int off)
{
	return (volatile uint32_t *)(APIC_BASE + off);
}

/* ISR and IRR are eight 32-bit registers, 16 bytes apart (SDM Vol. 3A 11.8.4). */
static bool apic_vec_set(unsigned int base, unsigned int vec)
{
	return *apic_reg(base + (vec / 32) * 0x10) & (1u << (vec % 32));
}

static volatile uint32_t taken;
static volatile uint32_t order;
static volatile bool isr_seen, isr_cleared, low_inside;
static volatile uint32_t low_taken;

static void handler_high(void)
{
	taken++;
	order = order * 256 + VEC_HIGH;
	isr_seen = apic_vec_set(APIC_ISR, VEC_HIGH);
	*apic_reg(APIC_EOI) = 0;
	isr_cleared = !apic_vec_set(APIC_ISR, VEC_HIGH);
	/* IF is 0 in the handler (an interrupt gate): 0x2e must wait for IRETQ. */
	low_inside = low_taken != 0;
}

static void handler_low(void)
{
	low_taken++;
	order = order * 256 + VEC_LOW;
	*apic_reg(APIC_EOI) = 0;
}

static void self_ipi(unsigned int vec)
{
	*apic_reg(APIC_ICR_HI) = 0;
	*apic_reg(APIC_ICR_LO) = APIC_ICR_SELF | vec;
}

static void send_high(void)
{
	self_ipi(VEC_HIGH);
}

static void stage_sti_nop(void)
{
	GUEST_SYNC2(1, guest_sti_nop_rounds(ROUNDS, &taken, send_high));
}

static void stage_eoi(void)
{
	__asm__ __volatile__("cli" : : : "memory");
	order = 0;
	self_ipi(VEC_LOW);
	self_ipi(VEC_HIGH);
	GUEST_ASSERT(apic_vec_set(APIC_IRR, VEC_LOW) && apic_vec_set(APIC_IRR, VEC_HIGH));
	GUEST_ASSERT(!apic_vec_set(APIC_ISR, VEC_LOW) && !apic_vec_set(APIC_ISR, VEC_HIGH));
	guest_sti_nop_read(&taken);
	__asm__ __volatile__("cli" : : : "memory");
	GUEST_ASSERT(isr_seen);
	GUEST_ASSERT(isr_cleared);
	GUEST_ASSERT(!low_inside);
	GUEST_ASSERT(low_taken == 1);
	for (unsigned int vec = VEC_LOW; vec <= VEC_HIGH; vec++)
		GUEST_ASSERT(!apic_vec_set(APIC_ISR, vec) && !apic_vec_set(APIC_IRR, vec));
	GUEST_SYNC2(2, order);
}

static void stage_rounds(void)
{
	taken = 0;
	for (int i = 0; i < ROUNDS; i++) {
		__asm__ __volatile__("cli" : : : "memory");
		self_ipi(VEC_HIGH);
		__asm__ __volatile__("sti; nop" : : : "memory");
	}
	__asm__ __volatile__("cli" : : : "memory");
	GUEST_SYNC2(3, taken);
}

static void stage_icr2(void)
{
	uint32_t icr2;

	*apic_reg(APIC_ICR_HI) = ICR2_MARK;
	GUEST_SYNC(4);
	icr2 = *apic_reg(APIC_ICR_HI);
	taken = 0;
	__asm__ __volatile__("cli" : : : "memory");
	*apic_reg(APIC_ICR_HI) = 0;	/* physical destination: APIC ID 0, this vCPU */
	*apic_reg(APIC_ICR_LO) = VEC_HIGH;
	guest_sti_nop_read(&taken);
	__asm__ __volatile__("cli" : : : "memory");
	GUEST_SYNC2(5, icr2 == ICR2_MARK ? taken : 100 + taken);
}

static void stage_disabled(void)
{
	uint64_t base;

	GUEST_ASSERT(rdmsr_safe(MSR_IA32_APIC_BASE, &base) < 0);
	GUEST_ASSERT(wrmsr_safe(MSR_IA32_APIC_BASE, base & ~(uint64_t)APIC_BASE_ENABLE) < 0);
	GUEST_SYNC2(6, *apic_reg(APIC_ID));
}

void guest_main(void)
{
	guest_idt_install();
	guest_irq_install(IRQ_HIGH, handler_high);
	guest_irq_install(IRQ_LOW, handler_low);
	*apic_reg(APIC_SVR) = APIC_SVR_ENABLE | 0xff;

	stage_sti_nop();
	stage_eoi();
	stage_rounds();
	stage_icr2();
	stage_disabled();
}
