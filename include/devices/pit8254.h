/*
 * An emulated 8254 programmable interval timer (ports 0x40-0x43) with the
 * PC's port 0x61 (channel 2 gate, its output): the tick source of guests
 * without a local APIC timer.  Time is the caller's, in PIT clock ticks
 * (PIT_HZ; vm/pc.c converts from the TSC).  Modes 0, 2, 3 and 4 (what
 * Linux's i8253 clockevent and TSC calibration use), counter latch and
 * read-back of counts.  Channel 0's output drives ISA IRQ 0.  No hardware
 * dependency: host-tested.
 */
#pragma once

#include "types.h"

#define PIT_HZ 1193182ULL
#define PIT_CH0 0x40
#define PIT_CH2 0x42
#define PIT_MODE_PORT 0x43
#define PIT_PORT61 0x61
#define PIT_CHANNELS 3

struct pit_channel {
	u32 count;		/* the reload value; 0 stands for 65536 */
	u64 start;		/* when counting began (PIT ticks) */
	u8 mode, access;	/* control word bits 3:1 and 5:4 */
	bool counting;		/* a count was written completely */
	bool write_hi;		/* lo/hi access: the next write is the high byte */
	bool read_hi;		/* lo/hi access: the next read is the high byte */
	bool latched;
	u16 latch;
	u64 edges;		/* output rising edges reported so far (channel 0) */
};

struct pit {
	struct pit_channel ch[PIT_CHANNELS];
	bool gate2;		/* port 0x61 bit 0 */
	u8 port61;		/* speaker bit and the rest, as written */
};

void pit_init(struct pit *p);

/* Guest accesses at time now (PIT ticks): ports 0x40-0x43 and 0x61. */
u8 pit_read(struct pit *p, u16 port, u64 now);
void pit_write(struct pit *p, u16 port, u8 val, u64 now);

/*
 * How many rising edges channel 0's output made since the last call, up
 * to now: each is an IRQ 0 request.  A guest that ran late sees one.
 */
u64 pit_irq0_edges(struct pit *p, u64 now);

/* When channel 0's next rising edge is due (PIT ticks), or ~0ULL if none will come. */
u64 pit_next_edge(const struct pit *p, u64 now);
