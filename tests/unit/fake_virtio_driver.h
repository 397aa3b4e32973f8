/*
 * A virtio driver for device tests, doing what Linux's virtio_mmio and
 * virtio core do: reset, ACKNOWLEDGE, DRIVER, features, FEATURES_OK read
 * back, one queue placed and made ready, DRIVER_OK; then requests as
 * descriptor chains made available and notified, and their used entries
 * read back.  Over the fake guest memory (fake_guest_mem.h): the rings at
 * DRV_DESC, DRV_AVAIL, DRV_USED, the requests' buffers from DRV_DATA up.
 */
#pragma once

#include <string.h>
#include "devices/virtio_mmio.h"
#include "fake_guest_mem.h"

#define DRV_DESC 0x1000
#define DRV_AVAIL 0x2000
#define DRV_USED 0x3000
#define DRV_DATA 0x4000

static struct virtio_mmio dev;
static u16 drv_qsize, drv_next_desc, drv_used_seen;

struct drv_buf {
	u64 gpa;
	u32 len;
	bool writable;
};

static inline u32 drv_rd(u32 off)
{
	return virtio_mmio_read(&dev, off, 4);
}

static inline void drv_wr(u32 off, u32 val)
{
	virtio_mmio_write(&dev, off, 4, val);
}

/* virtio_mmio probe and virtio_dev_probe up to FEATURES_OK; the status read back. */
static inline u32 drv_negotiate(u64 features)
{
	drv_wr(VIRTIO_MMIO_STATUS, 0);
	drv_wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
	drv_wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	drv_wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	drv_wr(VIRTIO_MMIO_DRIVER_FEATURES, (u32)features);
	drv_wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	drv_wr(VIRTIO_MMIO_DRIVER_FEATURES, features >> 32);
	drv_wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
					   VIRTIO_STATUS_FEATURES_OK);
	return drv_rd(VIRTIO_MMIO_STATUS);
}

/* The 64 feature bits the device offers. */
static inline u64 drv_device_features(void)
{
	u64 f;

	drv_wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	f = (u64)drv_rd(VIRTIO_MMIO_DEVICE_FEATURES) << 32;
	drv_wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	return f | drv_rd(VIRTIO_MMIO_DEVICE_FEATURES);
}

/* Reset everything, take features, queue 0 of qsize entries, DRIVER_OK; false if refused. */
static inline bool drv_probe(const struct virtio_dev_ops *ops, void *model, u64 features, u16 qsize)
{
	static const struct virtq_mem m = { mem_read, mem_write, NULL };

	memset(mem, 0, sizeof(mem));
	drv_next_desc = drv_used_seen = 0;
	drv_qsize = qsize;
	virtio_mmio_init(&dev, ops, model, &m);
	if (!(drv_negotiate(features) & VIRTIO_STATUS_FEATURES_OK))
		return false;
	drv_wr(VIRTIO_MMIO_QUEUE_SEL, 0);
	drv_wr(VIRTIO_MMIO_QUEUE_NUM, qsize);
	drv_wr(VIRTIO_MMIO_QUEUE_DESC_LOW, DRV_DESC);
	drv_wr(VIRTIO_MMIO_QUEUE_DRIVER_LOW, DRV_AVAIL);
	drv_wr(VIRTIO_MMIO_QUEUE_DEVICE_LOW, DRV_USED);
	drv_wr(VIRTIO_MMIO_QUEUE_READY, 1);
	if (drv_rd(VIRTIO_MMIO_QUEUE_READY) != 1)
		return false;
	drv_wr(VIRTIO_MMIO_STATUS, drv_rd(VIRTIO_MMIO_STATUS) | VIRTIO_STATUS_DRIVER_OK);
	return true;
}

/* Make a chain of n buffers available (not notified); its head. */
static inline u16 drv_add(const struct drv_buf *b, unsigned int n)
{
	u16 head = drv_next_desc, idx;

	for (unsigned int i = 0; i < n; i++) {
		u16 d = (u16)((head + i) % drv_qsize);
		struct virtq_desc desc = {
			.addr = b[i].gpa, .len = b[i].len,
			.flags = (u16)((b[i].writable ? VIRTQ_DESC_F_WRITE : 0) |
				       (i + 1 < n ? VIRTQ_DESC_F_NEXT : 0)),
			.next = (u16)((d + 1) % drv_qsize),
		};

		memcpy(mem + DRV_DESC + 16 * d, &desc, sizeof(desc));
	}
	drv_next_desc = (u16)((head + n) % drv_qsize);
	memcpy(&idx, mem + DRV_AVAIL + VIRTQ_AVAIL_IDX, 2);
	memcpy(mem + DRV_AVAIL + VIRTQ_AVAIL_RING + 2 * (idx % drv_qsize), &head, 2);
	idx++;
	memcpy(mem + DRV_AVAIL + VIRTQ_AVAIL_IDX, &idx, 2);
	return head;
}

static inline void drv_notify(void)
{
	drv_wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
}

/* The used index the device has published. */
static inline u16 drv_used_idx(void)
{
	u16 idx;

	memcpy(&idx, mem + DRV_USED + VIRTQ_USED_IDX, 2);
	return idx;
}

/* The next used entry: true with *e filled, false if the device has returned nothing more. */
static inline bool drv_get_used(struct virtq_used_elem *e)
{
	if (drv_used_idx() == drv_used_seen)
		return false;
	memcpy(e, mem + DRV_USED + VIRTQ_USED_RING + 8 * (drv_used_seen % drv_qsize), sizeof(*e));
	drv_used_seen++;
	return true;
}

/* One request: add, notify, and its used length; -1 if it did not come back. */
static inline s64 drv_request(const struct drv_buf *b, unsigned int n)
{
	u16 head = drv_add(b, n);
	struct virtq_used_elem e;

	drv_notify();
	if (!drv_get_used(&e) || e.id != head)
		return -1;
	return e.len;
}

static inline bool drv_needs_reset(void)
{
	return drv_rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET;
}
