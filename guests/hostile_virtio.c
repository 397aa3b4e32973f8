/*
 * hostile_virtio: the virtio-mmio windows abused (the hostile suite, issue
 * 17; tests/kernel/test_hostile_mmio.c).  The VMM gives the VM virtio-rng
 * and virtio-blk (windows 0 and 1 from HOSTILE_MMIO_VIRTIO_BASE); for each
 * window the guest
 *  1. writes garbage to every register and the config space at 1, 2, 4
 *     and 8 bytes, aligned and not, and reads each back;
 *  2. negotiates features as a driver does (virtio 1.2, 3.1.1) and sets up
 *     queue 0 three times, each notified and then reset: its rings where
 *     no memory is (the device's reads fail), its
 *     descriptor table at the top of the address space (wrapping), and in
 *     RAM with descriptor 0 pointing where no memory is and chained to
 *     itself; also a queue size of 0xffff, an unknown queue selected and
 *     notified, and a notify before DRIVER_OK;
 *  3. reports the status after the looping queue (SYNC STATUS, window i in
 *     byte i): the device must have set NEEDS_RESET, and the VM runs on.
 * Register layout and status bits: include/devices/virtio_mmio.h.
 */
#include "guest.h"
#include "hostile_abi.h"
#include "devices/virtio_mmio.h"

#define QUEUE_SIZE 8
#define GARBAGE 0xdeadbeefcafef00dULL
#define NOWHERE 0xc0000000ULL			/* no slot, no device */
#define TOP_OF_SPACE 0xfffffffffffff000ULL	/* a table that wraps the address space */
#define UNKNOWN_QUEUE 7

struct ring_page {
	struct virtq_desc desc[QUEUE_SIZE];
	uint16_t avail[2 + QUEUE_SIZE];		/* flags, idx, ring */
	uint8_t used[4 + 8 * QUEUE_SIZE] __attribute__((aligned(4)));
};

static struct ring_page rings __attribute__((aligned(4096)));

static void wr32(uint8_t *win, uint32_t off, uint32_t val)
{
	*(volatile uint32_t *)(win + off) = val;
}

static uint32_t rd32(uint8_t *win, uint32_t off)
{
	return *(volatile uint32_t *)(win + off);
}

/* Every offset of the window and a page past it, at each width; then each read. */
static void garbage(uint8_t *win)
{
	for (uint32_t off = 0; off < VIRTIO_MMIO_SIZE + 0x10; off += 4) {
		if (off == VIRTIO_MMIO_QUEUE_NOTIFY)
			continue;	/* notified below, with queues set up */
		*(volatile uint8_t *)(win + off + 1) = (uint8_t)GARBAGE;
		*(volatile uint16_t *)(win + off + 2) = (uint16_t)GARBAGE;
		wr32(win, off, (uint32_t)(GARBAGE >> (off & 31)));
		*(volatile uint64_t *)(win + (off & ~7u)) = GARBAGE ^ off;
		(void)*(volatile uint8_t *)(win + off + 3);
		(void)*(volatile uint64_t *)(win + (off & ~7u));
		(void)rd32(win, off);
	}
	*(volatile uint64_t *)(win + HOSTILE_MMIO_VIRTIO_STRIDE - 4) = GARBAGE;
}

/* ACKNOWLEDGE, DRIVER, the device's own features back, FEATURES_OK (virtio 1.2, 3.1.1). */
static void negotiate(uint8_t *win)
{
	wr32(win, VIRTIO_MMIO_STATUS, 0);
	wr32(win, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	for (uint32_t sel = 0; sel < 2; sel++) {
		wr32(win, VIRTIO_MMIO_DEVICE_FEATURES_SEL, sel);
		wr32(win, VIRTIO_MMIO_DRIVER_FEATURES_SEL, sel);
		wr32(win, VIRTIO_MMIO_DRIVER_FEATURES, rd32(win, VIRTIO_MMIO_DEVICE_FEATURES));
	}
	wr32(win, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
				      VIRTIO_STATUS_FEATURES_OK);
}

static void queue_addr(uint8_t *win, uint32_t low_reg, uint64_t gpa)
{
	wr32(win, low_reg, (uint32_t)gpa);
	wr32(win, low_reg + 4, (uint32_t)(gpa >> 32));
}

/*
 * Queue 0 with its three parts where asked, ready, DRIVER_OK, one request
 * notified; the status after.
 */
static uint32_t one_queue(uint8_t *win, uint64_t desc, uint64_t avail, uint64_t used)
{
	uint32_t status;

	negotiate(win);
	wr32(win, VIRTIO_MMIO_QUEUE_SEL, 0);
	wr32(win, VIRTIO_MMIO_QUEUE_NUM, QUEUE_SIZE);
	queue_addr(win, VIRTIO_MMIO_QUEUE_DESC_LOW, desc);
	queue_addr(win, VIRTIO_MMIO_QUEUE_DRIVER_LOW, avail);
	queue_addr(win, VIRTIO_MMIO_QUEUE_DEVICE_LOW, used);
	wr32(win, VIRTIO_MMIO_QUEUE_READY, 1);
	wr32(win, VIRTIO_MMIO_STATUS, rd32(win, VIRTIO_MMIO_STATUS) | VIRTIO_STATUS_DRIVER_OK);
	wr32(win, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	wr32(win, VIRTIO_MMIO_QUEUE_NOTIFY, UNKNOWN_QUEUE);
	status = rd32(win, VIRTIO_MMIO_STATUS);
	wr32(win, VIRTIO_MMIO_INTERRUPT_ACK, rd32(win, VIRTIO_MMIO_INTERRUPT_STATUS));
	return status;
}

/* The odd requests: a notify before DRIVER_OK, a size of 0xffff, an unknown queue made ready. */
static void odd_queues(uint8_t *win)
{
	negotiate(win);
	wr32(win, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	wr32(win, VIRTIO_MMIO_QUEUE_SEL, 0);
	wr32(win, VIRTIO_MMIO_QUEUE_NUM, 0xffff);
	wr32(win, VIRTIO_MMIO_QUEUE_READY, 1);
	GUEST_ASSERT(rd32(win, VIRTIO_MMIO_QUEUE_READY) == 0);
	wr32(win, VIRTIO_MMIO_QUEUE_SEL, UNKNOWN_QUEUE);
	wr32(win, VIRTIO_MMIO_QUEUE_NUM, QUEUE_SIZE);
	wr32(win, VIRTIO_MMIO_QUEUE_READY, 1);
	wr32(win, VIRTIO_MMIO_QUEUE_NOTIFY, UNKNOWN_QUEUE);
}

static uint32_t queues(uint8_t *win)
{
	uint64_t r = (uint64_t)&rings;

	odd_queues(win);
	one_queue(win, NOWHERE, NOWHERE + 0x100, NOWHERE + 0x200);
	one_queue(win, TOP_OF_SPACE, r + offsetof(struct ring_page, avail),
		  r + offsetof(struct ring_page, used));
	for (unsigned int i = 0; i < QUEUE_SIZE; i++)
		rings.desc[i] = (struct virtq_desc){ .addr = NOWHERE, .len = 0x1000,
						     .flags = VIRTQ_DESC_F_NEXT, .next = 0 };
	rings.avail[0] = 0;
	rings.avail[1] = 1;	/* idx: one request, descriptor 0 */
	rings.avail[2] = 0;
	return one_queue(win, r, r + offsetof(struct ring_page, avail),
			 r + offsetof(struct ring_page, used));
}

void guest_main(void)
{
	uint64_t statuses = 0;

	for (unsigned int i = 0; i < HOSTILE_MMIO_VIRTIO_WINDOWS; i++) {
		uint8_t *win = (uint8_t *)(HOSTILE_MMIO_VIRTIO_BASE +
					   i * HOSTILE_MMIO_VIRTIO_STRIDE);

		GUEST_ASSERT(rd32(win, VIRTIO_MMIO_MAGIC_VALUE) == VIRTIO_MMIO_MAGIC);
		garbage(win);
		statuses |= (uint64_t)(uint8_t)queues(win) << (8 * i);
		wr32(win, VIRTIO_MMIO_STATUS, 0);
	}
	GUEST_SYNC2(HOSTILE_REPORT_STATUS, statuses);
}
