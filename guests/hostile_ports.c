/*
 * hostile_ports: every I/O port, 0 to 0xffff, read and then written at 8,
 * 16 and 32 bits (the hostile suite, issue 17; tests/kernel/test_hostile.c).
 * A write puts a value derived from the port, so that each device sees
 * something other than what it just said.  Ports no device claims read as
 * all ones from the VMM; the VM's own devices (PIC, PIT, COM1, fw_cfg) take
 * whatever they are given.  The test guests' ucall port is left alone (a
 * write there is how this guest reports).  Interrupts stay off: what the
 * writes program must not reach the guest, nor stop it.  SYNC 1 reports
 * how many reads of a port's first byte were not all ones.
 */
#include "guest.h"

#define NR_PORTS 0x10000u
#define GOLDEN 0x9e3779b9u	/* spreads a port number over the value's bits */

static inline void out_width(uint16_t port, uint32_t v, unsigned int width)
{
	if (width == 1)
		__asm__ __volatile__("outb %b0, %w1" : : "a"(v), "Nd"(port));
	else if (width == 2)
		__asm__ __volatile__("outw %w0, %w1" : : "a"(v), "Nd"(port));
	else
		__asm__ __volatile__("outl %0, %w1" : : "a"(v), "Nd"(port));
}

static inline uint32_t in_width(uint16_t port, unsigned int width)
{
	uint32_t v = 0;

	if (width == 1)
		__asm__ __volatile__("inb %w1, %b0" : "+a"(v) : "Nd"(port));
	else if (width == 2)
		__asm__ __volatile__("inw %w1, %w0" : "+a"(v) : "Nd"(port));
	else
		__asm__ __volatile__("inl %w1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

void guest_main(void)
{
	uint64_t answered = 0;

	for (uint32_t port = 0; port < NR_PORTS; port++) {
		for (unsigned int width = 1; width <= 4; width *= 2) {
			if ((in_width((uint16_t)port, width) & 0xff) != 0xff)
				answered++;
			if (port != UCALL_PORT)
				out_width((uint16_t)port, port * GOLDEN, width);
		}
	}
	GUEST_SYNC2(1, answered);
}
