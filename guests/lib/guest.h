/*
 * The guest-side library of slotvisor's test guests: console output and
 * ucalls (include/vm/ucall_abi.h).  Guests are freestanding programs the
 * VMM loads at GUEST_LOAD_GPA and starts in 64-bit mode on an identity map
 * of the first 4 GiB it built, or in real mode for the real-mode guests.
 */
#pragma once

#include "idt_vectors.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vm/ucall_abi.h"

#define GUEST_COM1 0x3f8

void guest_putc(char c);
void guest_puts(const char *s);
/* A small printf: %d %u %x %llx %lx %s %c %%. */
void guest_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

void ucall(uint64_t cmd, uint64_t arg0, uint64_t arg1, const char *text);
__attribute__((noreturn)) void guest_abort(const char *file, int line, const char *expr);

#define GUEST_SYNC(stage) ucall(UCALL_SYNC, (stage), 0, NULL)
#define GUEST_SYNC2(stage, value) ucall(UCALL_SYNC, (stage), (value), NULL)
#define GUEST_DONE() ucall(UCALL_DONE, 0, 0, NULL)
#define GUEST_ASSERT(cond)                                      \
	do {                                                    \
		if (!(cond))                                    \
			guest_abort(__FILE__, __LINE__, #cond); \
	} while (0)

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ __volatile__("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ __volatile__("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void guest_cpuid(uint32_t leaf, uint32_t *a, uint32_t *b, uint32_t *c, uint32_t *d)
{
	__asm__ __volatile__("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(0));
}

/*
 * This vCPU's index in its VM: the initial APIC id CPUID reports
 * (CPUID.1:EBX[31:24]), which slotvisor sets to the vCPU's id.  One CPUID
 * exit; 0 for a VM's first vCPU.
 */
static inline unsigned int guest_vcpu_id(void)
{
	uint32_t a, b, c, d;

	guest_cpuid(1, &a, &b, &c, &d);
	return b >> 24;
}

/* The 8259A pair's ports and the end-of-interrupt command (OCW2). */
#define PIC1_CMD 0x20
#define PIC1_DATA 0x21
#define PIC2_CMD 0xa0
#define PIC2_DATA 0xa1
#define PIC_EOI 0x20

/*
 * Program the 8259A pair as Linux's init_8259A() does (ICW1-ICW4: edge,
 * cascade on IRQ 2, vectors GUEST_IRQ_BASE and GUEST_IRQ_BASE + 8), then
 * mask the master with master_mask and every line of the slave.
 */
void guest_pic_init(uint8_t master_mask);

/* The guest's entry point, called by the start code; returning means GUEST_DONE. */
void guest_main(void);

/*
 * Exceptions and interrupts (guests/lib/idt.c): route vectors 0-47, the
 * fixup state, and a handler per PIC IRQ (vector GUEST_IRQ_BASE + irq).
 */
void guest_idt_install(void);

/* A 64-bit IDT gate (SDM Vol. 3A 7.14.1), for guests that build an IDT of their own too. */
struct idt_gate {
	uint16_t off_lo, sel;
	uint8_t ist, attr;
	uint16_t off_mid;
	uint32_t off_hi, zero;
} __attribute__((packed));
_Static_assert(sizeof(struct idt_gate) == 16, "SDM Vol. 3A 7.14.1: 16-byte gates");
void guest_irq_install(unsigned int irq, void (*handler)(void));
extern volatile uint64_t guest_fixup_rip;
extern volatile int guest_fault_vector;

/*
 * Run one instruction (asm text, operands as for asm) that may fault: the
 * vector it raised, or -1.  Needs guest_idt_install().
 */
#define GUEST_SAFE(insn, ...)                                                     \
	({                                                                        \
		guest_fault_vector = -1;                                          \
		__asm__ __volatile__("leaq 1f(%%rip), %%r11\n\t"                  \
				     "movq %%r11, guest_fixup_rip(%%rip)\n\t"     \
				     insn "\n1:\n\t"                              \
				     "movq $0, guest_fixup_rip(%%rip)"            \
				     __VA_ARGS__);                                \
		guest_fault_vector;                                               \
	})

static inline uint64_t guest_read_cr4(void)
{
	uint64_t v;

	__asm__ __volatile__("mov %%cr4, %0" : "=r"(v));
	return v;
}

/* MOV to CR4 that may fault: the vector it raised, or -1 (GUEST_SAFE). */
static inline int guest_write_cr4_safe(uint64_t v)
{
	return GUEST_SAFE("mov %0, %%cr4", : : "r"(v) : "r11", "memory");
}

/*
 * STI; NOP; then *count, read by the very next instruction: an interrupt
 * made pending while IF=0 is recognized right after the instruction that
 * follows STI (SDM Vol. 3A 6.8.3, Vol. 2B STI), so a handler that counts
 * shows there (kvm-unit-tests' vmexit self_ipi_sti_nop).
 */
static inline uint32_t guest_sti_nop_read(const volatile uint32_t *count)
{
	uint32_t seen;

	__asm__ __volatile__("sti; nop; movl %1, %0" : "=r"(seen) : "m"(*count) : "memory");
	return seen;
}

/*
 * rounds of self_ipi_sti_nop: interrupts off, *count 0, send() an
 * interrupt to this CPU, STI; NOP; interrupts off again at the end.  The
 * rounds whose handler had not run by then.
 */
static inline uint32_t guest_sti_nop_rounds(int rounds, volatile uint32_t *count,
					    void (*send)(void))
{
	uint32_t late = 0;

	for (int i = 0; i < rounds; i++) {
		__asm__ __volatile__("cli" : : : "memory");
		*count = 0;
		send();
		if (guest_sti_nop_read(count) != 1)
			late++;
	}
	__asm__ __volatile__("cli" : : : "memory");
	return late;
}

/* RDMSR and WRMSR that may fault: the vector they raised, or -1 (GUEST_SAFE). */
static inline int rdmsr_safe(uint32_t msr, uint64_t *val)
{
	uint32_t lo = 0, hi = 0;
	int vec = GUEST_SAFE("rdmsr", : "=a"(lo), "=d"(hi) : "c"(msr) : "r11", "memory");

	*val = ((uint64_t)hi << 32) | lo;
	return vec;
}

static inline int wrmsr_safe(uint32_t msr, uint64_t val)
{
	return GUEST_SAFE("wrmsr", : : "c"(msr), "a"((uint32_t)val), "d"((uint32_t)(val >> 32))
			  : "r11", "memory");
}
