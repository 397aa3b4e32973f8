/*
 * The emulated 8254 (include/devices/pit8254.h), after Intel's 82C54 data
 * sheet.  A channel's state is a function of the time since its count was
 * loaded, so nothing runs between accesses.  Output rising edges, which
 * make IRQ 0 on a PC:
 *   mode 0 (interrupt on terminal count): one, when the count reaches 0;
 *   mode 2 (rate generator), 3 (square wave): one per period;
 *   mode 4 (software strobe): one, a tick after the count reaches 0.
 */
#include "devices/pit8254.h"

#define CW_CHANNEL(cw) ((cw) >> 6)
#define CW_ACCESS(cw) (((cw) >> 4) & 3)
#define CW_MODE(cw) (((cw) >> 1) & 7)
#define CW_READBACK 3
#define ACCESS_LATCH 0
#define ACCESS_LO 1
#define ACCESS_HI 2
#define ACCESS_LOHI 3
#define READBACK_NO_COUNT 0x20
#define PORT61_GATE2 0x01
#define PORT61_OUT2 0x20
#define PORT61_WRITABLE 0x0f
/*
 * The shortest period channel 0's periodic modes interrupt at: 200 us
 * (KVM's min_timer_period_us), in PIT ticks.  A guest that programs a
 * faster rate (a count of 2 is 597 kHz) gets an edge this often, so that
 * it still runs between its interrupts; the counter it reads back still
 * counts at the programmed rate.
 */
#define PIT_MIN_IRQ_PERIOD ((PIT_HZ * 200 + 999999) / 1000000)

void pit_init(struct pit *p)
{
	*p = (struct pit){ 0 };
}

static u64 period(const struct pit_channel *c)
{
	return c->count ? c->count : 0x10000;
}

static bool periodic(const struct pit_channel *c)
{
	return (c->mode & 3) == 2 || (c->mode & 3) == 3;	/* modes 2, 3 (and 6, 7 alias them) */
}

/* Ticks since the count was loaded; channel 2 stands still while its gate is low. */
static u64 elapsed(const struct pit *p, const struct pit_channel *c, u64 now)
{
	if (!c->counting || (c == &p->ch[2] && !p->gate2) || now < c->start)
		return 0;
	return now - c->start;
}

/* The counting element's value now. */
static u16 counter_value(const struct pit *p, const struct pit_channel *c, u64 now)
{
	u64 n = period(c), t = elapsed(p, c, now);

	if (!c->counting)
		return (u16)c->count;
	if (periodic(c)) {
		/* Mode 3 counts down by two, twice per period. */
		u64 step = (c->mode & 3) == 3 ? (2 * t) % n : t % n;

		return (u16)(n - step);
	}
	return (u16)(n - t);	/* modes 0 and 4 wrap through 0xffff after terminal count */
}

/* How often a periodic channel 0 raises IRQ 0: its period, at least PIT_MIN_IRQ_PERIOD. */
static u64 irq_period(const struct pit *p, const struct pit_channel *c)
{
	u64 n = period(c);

	return c == &p->ch[0] && n < PIT_MIN_IRQ_PERIOD ? PIT_MIN_IRQ_PERIOD : n;
}

/* The output's rising edges since loading, up to now. */
static u64 edges_until(const struct pit *p, const struct pit_channel *c, u64 now)
{
	u64 n = period(c), t = elapsed(p, c, now);

	if (!c->counting)
		return 0;
	if (periodic(c))
		return t / irq_period(p, c);
	if (c->mode == 4)
		return t >= n + 1;
	return t >= n;	/* mode 0 (and 1, which needs a gate edge slotvisor never makes) */
}

static bool output(const struct pit *p, const struct pit_channel *c, u64 now)
{
	if (!c->counting)
		return c->mode != 0;	/* mode 0 starts low, the others high */
	if (c->mode == 0)
		return elapsed(p, c, now) >= period(c);
	return true;	/* the one-tick low pulses are not visible to a poll */
}

u64 pit_irq0_edges(struct pit *p, u64 now)
{
	struct pit_channel *c = &p->ch[0];
	u64 total = edges_until(p, c, now), n = total - c->edges;

	c->edges = total;
	return n;
}

u64 pit_next_edge(const struct pit *p, u64 now)
{
	const struct pit_channel *c = &p->ch[0];
	u64 n = period(c);

	if (!c->counting)
		return ~0ULL;
	if (periodic(c))
		return c->start + (c->edges + 1) * irq_period(p, c);
	if (c->edges)
		return ~0ULL;
	return c->start + n + (c->mode == 4);
}

static void load(struct pit_channel *c, u64 now)
{
	c->start = now;
	c->counting = true;
	c->edges = 0;
}

static void write_count(struct pit_channel *c, u8 val, u64 now)
{
	switch (c->access) {
	case ACCESS_LO:
		c->count = val;
		break;
	case ACCESS_HI:
		c->count = (u32)val << 8;
		break;
	default:
		if (!c->write_hi) {
			c->count = (c->count & 0xff00) | val;
			c->write_hi = true;
			c->counting = false;	/* a half-written count stops mode 0 (data sheet) */
			c->edges = 0;		/* as edges_until() of a stopped channel: none yet */
			return;
		}
		c->count = (c->count & 0xff) | ((u32)val << 8);
		c->write_hi = false;
		break;
	}
	load(c, now);
}

static u8 read_count(struct pit *p, struct pit_channel *c, u64 now)
{
	u16 v = c->latched ? c->latch : counter_value(p, c, now);
	bool hi = c->access == ACCESS_HI || (c->access == ACCESS_LOHI && c->read_hi);

	if (c->access == ACCESS_LOHI)
		c->read_hi = !c->read_hi;
	if (c->access != ACCESS_LOHI || !c->read_hi)
		c->latched = false;	/* a latch holds until read completely */
	return hi ? v >> 8 : v & 0xff;
}

static void latch(struct pit *p, struct pit_channel *c, u64 now)
{
	if (!c->latched) {
		c->latch = counter_value(p, c, now);
		c->latched = true;
		c->read_hi = false;
	}
}

static void control_word(struct pit *p, u8 cw, u64 now)
{
	struct pit_channel *c;

	if (CW_CHANNEL(cw) == CW_READBACK) {
		for (int i = 0; i < PIT_CHANNELS; i++)
			if ((cw & (2u << i)) && !(cw & READBACK_NO_COUNT))
				latch(p, &p->ch[i], now);
		return;
	}
	c = &p->ch[CW_CHANNEL(cw)];
	if (CW_ACCESS(cw) == ACCESS_LATCH) {
		latch(p, c, now);
		return;
	}
	/* A new mode stops the channel until its count is written. */
	*c = (struct pit_channel){ .mode = CW_MODE(cw), .access = CW_ACCESS(cw) };
}

void pit_write(struct pit *p, u16 port, u8 val, u64 now)
{
	if (port == PIT_MODE_PORT) {
		control_word(p, val, now);
	} else if (port >= PIT_CH0 && port < PIT_CH0 + PIT_CHANNELS) {
		write_count(&p->ch[port - PIT_CH0], val, now);
	} else if (port == PIT_PORT61) {
		bool gate = val & PORT61_GATE2;

		/* A rising gate restarts channel 2's count (modes 0-5 reload on a gate edge here). */
		if (gate && !p->gate2 && p->ch[2].counting)
			p->ch[2].start = now;
		p->gate2 = gate;
		p->port61 = val & PORT61_WRITABLE;
	}
}

u8 pit_read(struct pit *p, u16 port, u64 now)
{
	if (port >= PIT_CH0 && port < PIT_CH0 + PIT_CHANNELS)
		return read_count(p, &p->ch[port - PIT_CH0], now);
	if (port == PIT_PORT61)
		return p->port61 | (output(p, &p->ch[2], now) ? PORT61_OUT2 : 0);
	return 0xff;	/* the control word register cannot be read */
}
