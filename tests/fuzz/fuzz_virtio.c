/*
 * The virtio devices (devices/virtio_ring.c, virtio_chain.c, virtio_mmio.c
 * and the models virtio_rng.c, virtio_blk.c, virtio_mem.c) on what a guest
 * writes.  The input picks the device and queue size, then a few register
 * writes to the virtio-mmio window (after a driver set the device up as
 * tests/unit/fake_virtio_driver.h does), then the bytes of guest memory
 * from the descriptor table up: descriptors, available ring, requests.
 * The queue is notified three times.  Invariants: the device writes guest
 * memory only in a used ring and in buffers of descriptors it read marked
 * device-writable (2.7.4), reads and writes nothing outside the guest's
 * memory (the accessors would say -EFAULT; ASan watches the disk image,
 * exactly its size), a read-only disk is never written, and virtio-mem's
 * plugged blocks stay inside its region and agree with the hooks' view.
 */
#include "devices/virtio_blk.h"
#include "devices/virtio_mem.h"
#include "devices/virtio_mmio.h"
#include "devices/virtio_ring.h"
#include "devices/virtio_rng.h"
#include "lib/errno.h"
#include "fuzz.h"

#define MEM_SIZE	0x10000
#define DRV_DESC	0x1000
#define DRV_AVAIL	0x2000
#define DRV_USED	0x3000
#define DISK_SIZE	(8 * 512)
#define MEM_BASE	0x100000000ULL	/* virtio-mem's region: 4 GiB up, 16 blocks of 2 MiB */
#define MEM_BS		0x200000ULL
#define MEM_NBLOCKS	16
#define MAX_REG_WRITES	8
#define NOTIFIES	3
#define QSIZE_SHIFT_MAX	8		/* queues of 1 to 256 entries */
#define DESC_LEN	16
#define USED_ELEM_LEN	8
#define USED_HDR_LEN	4
#define USED_EVENT_LEN	2		/* avail_event after the ring (2.7.8) */
#define MAX_GRANTED	4096

enum fuzz_dev { DEV_RNG, DEV_BLK, DEV_BLK_RO, DEV_MEM, NR_DEVS };

static u8 mem[MEM_SIZE];
static u16 qsize;
static bool writes_ok;		/* a device write outside a writable buffer was seen if false */
static bool mem_slot[MEM_NBLOCKS];

/*
 * The buffers the device may write: those of the descriptors it read with
 * VIRTQ_DESC_F_WRITE set, as it read them (the table may change under it:
 * a buffer may cover the table itself).
 */
static struct virtq_desc granted[MAX_GRANTED];
static unsigned int nr_granted;
static struct virtio_mmio dev;

static bool writable(u64 gpa, u32 len)
{
	for (unsigned int i = 0; i < nr_granted; i++) {
		const struct virtq_desc *d = &granted[i];

		if (gpa >= d->addr && len <= d->len && gpa - d->addr <= d->len - len)
			return true;
	}
	return false;
}

static bool in_used_ring(u64 gpa, u32 len)
{
	for (unsigned int i = 0; i < VIRTIO_MMIO_MAX_QUEUES; i++) {
		const struct virtq *q = &dev.queues[i].vq;
		u64 end = q->used + USED_HDR_LEN + (u64)q->size * USED_ELEM_LEN + USED_EVENT_LEN;

		if (dev.queues[i].ready && gpa >= q->used && gpa + len <= end)
			return true;
	}
	return false;
}

/* A descriptor the device read: remember its buffer if the device may write it. */
static void note_desc_read(u64 gpa, const void *buf, u32 len)
{
	for (unsigned int i = 0; i < VIRTIO_MMIO_MAX_QUEUES; i++) {
		const struct virtq *q = &dev.queues[i].vq;
		struct virtq_desc d;

		if (!dev.queues[i].ready || len != DESC_LEN || gpa < q->desc ||
		    gpa >= q->desc + (u64)q->size * DESC_LEN || (gpa - q->desc) % DESC_LEN)
			continue;
		memcpy(&d, buf, sizeof(d));
		if ((d.flags & VIRTQ_DESC_F_WRITE) && nr_granted < MAX_GRANTED)
			granted[nr_granted++] = d;
		return;
	}
}

static int fuzz_mem_read(void *ctx, u64 gpa, void *buf, u32 len)
{
	if (gpa >= MEM_SIZE || len > MEM_SIZE - gpa)
		return -EFAULT;
	memcpy(buf, mem + gpa, len);
	note_desc_read(gpa, buf, len);
	return 0;
}

static int fuzz_mem_write(void *ctx, u64 gpa, const void *buf, u32 len)
{
	if (gpa >= MEM_SIZE || len > MEM_SIZE - gpa)
		return -EFAULT;
	if (!in_used_ring(gpa, len) && !writable(gpa, len)) {
		fprintf(stderr, "device wrote 0x%x bytes at 0x%llx, in no writable buffer\n", len,
			(unsigned long long)gpa);
		writes_ok = false;
	}
	memcpy(mem + gpa, buf, len);
	return 0;
}

static int mem_hook(u64 addr, u64 size, bool plug)
{
	u64 i = (addr - MEM_BASE) / MEM_BS;

	FUZZ_CHECK(addr >= MEM_BASE && size == MEM_BS && (addr - MEM_BASE) % MEM_BS == 0 &&
		   i < MEM_NBLOCKS, "hook for 0x%llx+0x%llx", (unsigned long long)addr,
		   (unsigned long long)size);
	FUZZ_CHECK(mem_slot[i] != plug, "block %llu %s twice", (unsigned long long)i,
		   plug ? "plugged" : "unplugged");
	mem_slot[i] = plug;
	return 0;
}

static int hook_plug(void *ctx, u64 addr, u64 size)
{
	return mem_hook(addr, size, true);
}

static int hook_unplug(void *ctx, u64 addr, u64 size)
{
	return mem_hook(addr, size, false);
}

static u32 rd(u32 off)
{
	return virtio_mmio_read(&dev, off, 4);
}

static void wr(u32 off, u32 val)
{
	virtio_mmio_write(&dev, off, 4, val);
}

/* Linux's probe: every feature the device offers, queue 0 at the fixed rings, DRIVER_OK. */
static void driver_probe(void)
{
	u32 lo, hi, s = VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER;

	wr(VIRTIO_MMIO_STATUS, 0);
	wr(VIRTIO_MMIO_STATUS, s);
	wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	lo = rd(VIRTIO_MMIO_DEVICE_FEATURES);
	wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	hi = rd(VIRTIO_MMIO_DEVICE_FEATURES);
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, lo);
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, hi);
	wr(VIRTIO_MMIO_STATUS, s | VIRTIO_STATUS_FEATURES_OK);
	wr(VIRTIO_MMIO_QUEUE_SEL, 0);
	wr(VIRTIO_MMIO_QUEUE_NUM, qsize);
	wr(VIRTIO_MMIO_QUEUE_DESC_LOW, DRV_DESC);
	wr(VIRTIO_MMIO_QUEUE_DRIVER_LOW, DRV_AVAIL);
	wr(VIRTIO_MMIO_QUEUE_DEVICE_LOW, DRV_USED);
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
	wr(VIRTIO_MMIO_STATUS, rd(VIRTIO_MMIO_STATUS) | VIRTIO_STATUS_DRIVER_OK);
}

static void rng_fill(void *ctx, void *buf, u32 len)
{
	memset(buf, 0x5a, len);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	static const struct virtq_mem m = { fuzz_mem_read, fuzz_mem_write, NULL };
	static const struct virtio_mem_hooks hooks = { hook_plug, hook_unplug, NULL };
	static struct virtio_rng rng;
	static struct virtio_blk blk;
	static struct virtio_mem vmem;
	struct fuzz_stream s = { data, size };
	unsigned int which = (unsigned int)fuzz_take(&s, 1) % NR_DEVS;
	unsigned int nr_writes = (unsigned int)fuzz_take(&s, 1) % (MAX_REG_WRITES + 1);
	u8 *disk = calloc(1, DISK_SIZE), *disk_before = NULL;

	qsize = (u16)(1u << ((unsigned int)fuzz_take(&s, 1) % (QSIZE_SHIFT_MAX + 1)));
	memset(mem, 0, sizeof(mem));
	memset(mem_slot, 0, sizeof(mem_slot));
	writes_ok = true;
	nr_granted = 0;
	for (unsigned int i = 0; i < DISK_SIZE; i++)
		disk[i] = (u8)(i * 13 + 7);
	switch (which) {
	case DEV_RNG:
		virtio_rng_init(&rng, rng_fill, NULL);
		virtio_mmio_init(&dev, &virtio_rng_ops, &rng, &m);
		break;
	case DEV_BLK:
	case DEV_BLK_RO:
		FUZZ_CHECK(!virtio_blk_init(&blk, disk, DISK_SIZE, which == DEV_BLK_RO),
			   "blk init");
		virtio_mmio_init(&dev, virtio_blk_dev_ops(&blk), &blk, &m);
		if (which == DEV_BLK_RO) {
			disk_before = malloc(DISK_SIZE);
			memcpy(disk_before, disk, DISK_SIZE);
		}
		break;
	default:
		FUZZ_CHECK(!virtio_mem_init(&vmem, MEM_BASE, MEM_NBLOCKS * MEM_BS, MEM_BS, &hooks,
					    &dev), "mem init");
		virtio_mmio_init(&dev, &virtio_mem_ops, &vmem, &m);
		virtio_mem_set_requested(&vmem, MEM_NBLOCKS / 2 * MEM_BS);
		break;
	}
	driver_probe();
	for (unsigned int i = 0; i < nr_writes; i++) {
		u32 off = (u32)fuzz_take(&s, 2) % VIRTIO_MMIO_SIZE;
		u32 val = (u32)fuzz_take(&s, 4);

		virtio_mmio_write(&dev, off & ~3u, 4, val);
		virtio_mmio_read(&dev, (off * 7) % VIRTIO_MMIO_SIZE & ~3u, 4);
	}
	memcpy(mem + DRV_DESC, s.p, MIN(s.left, (size_t)(MEM_SIZE - DRV_DESC)));
	for (unsigned int i = 0; i < NOTIFIES; i++) {
		wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
		virtio_mmio_irq_level(&dev);
		wr(VIRTIO_MMIO_INTERRUPT_ACK, rd(VIRTIO_MMIO_INTERRUPT_STATUS));
	}
	FUZZ_CHECK(writes_ok, "the device wrote outside the used ring and the writable buffers");
	if (disk_before)
		FUZZ_CHECK(!memcmp(disk, disk_before, DISK_SIZE), "a read-only disk was written");
	if (which == DEV_MEM)
		for (unsigned int i = 0; i < MEM_NBLOCKS; i++)
			FUZZ_CHECK(virtio_mem_block_plugged(&vmem, i) == mem_slot[i],
				   "block %u: the device and the hooks disagree", i);
	free(disk_before);
	free(disk);
	return 0;
}
