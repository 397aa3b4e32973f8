/*
 * Exceptions in 64-bit test guests.  guest_idt_install() routes vectors
 * 0-31 to guest_exception(): a fault at an instruction armed by one of the
 * *_safe() helpers resumes after it with the vector recorded (the idea of
 * kvm-unit-tests' exception fixups); any other exception is reported to the
 * VMM as a failed assertion.
 */
#include "guest.h"

struct guest_frame {
	uint64_t r11, r10, r9, r8, rdi, rsi, rdx, rcx, rax;
	uint64_t vector, error_code, rip, cs, rflags, rsp, ss;
};

extern const uint64_t guest_isr_table[GUEST_IDT_VECTORS];
static struct idt_gate idt[GUEST_IDT_VECTORS] __attribute__((aligned(16)));
static void (*irq_handlers[GUEST_IDT_VECTORS - GUEST_IRQ_BASE])(void);
volatile uint64_t guest_fixup_rip;
volatile int guest_fault_vector = -1;

#define GUEST_CS 0x08
#define GATE_INTERRUPT 0x8e

void guest_idt_install(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) idtr = { sizeof(idt) - 1, (uint64_t)idt };

	for (int i = 0; i < GUEST_IDT_VECTORS; i++) {
		uint64_t h = guest_isr_table[i];

		idt[i] = (struct idt_gate){ (uint16_t)h, GUEST_CS, 0, GATE_INTERRUPT,
					    (uint16_t)(h >> 16), (uint32_t)(h >> 32), 0 };
	}
	__asm__ __volatile__("lidt %0" : : "m"(idtr));
}

void guest_irq_install(unsigned int irq, void (*handler)(void))
{
	irq_handlers[irq] = handler;
}

void guest_exception(struct guest_frame *f)
{
	char msg[64] = "unexpected exception, vector ";
	unsigned int n = 29;

	if (f->vector >= GUEST_IRQ_BASE) {
		void (*h)(void) = irq_handlers[f->vector - GUEST_IRQ_BASE];

		if (h) {
			h();
			return;
		}
		guest_abort("guest_exception", (int)f->vector, "interrupt without a handler");
	}

	if (guest_fixup_rip) {
		guest_fault_vector = (int)f->vector;
		f->rip = guest_fixup_rip;
		guest_fixup_rip = 0;
		return;
	}
	msg[n++] = '0' + (char)(f->vector / 10);
	msg[n++] = '0' + (char)(f->vector % 10);
	msg[n] = '\0';
	guest_abort("guest_exception", (int)f->rip, msg);
}
