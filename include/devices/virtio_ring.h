/*
 * The split virtqueue (virtio 1.2, section 2.7) as a device sees it: a
 * descriptor table, the driver's available ring and the device's used
 * ring, all in guest memory.  The device reaches that memory only through
 * the accessors the caller gives (struct virtq_mem: in a VM they translate
 * each guest-physical address through the memslots at the time of the
 * access, so a slot that changed since the last request is seen as it is
 * now, and an address in no slot fails the access).  Everything read from
 * the guest is checked before it is used: a head or next index past the
 * queue, a chain longer than the queue (a loop), a device-readable
 * descriptor after a device-writable one, an indirect descriptor
 * (VIRTIO_F_INDIRECT_DESC is not offered), a buffer whose end wraps, an
 * available index more than the queue size ahead, or guest memory that
 * cannot be read: the queue is marked broken and every later call fails,
 * as the spec lets a device do (2.1.2, DEVICE_NEEDS_RESET is the
 * transport's to set).  No hardware dependency: host-tested and fuzzed
 * (tests/unit/test_virtio_ring.c).  Guest-visible layout is little-endian,
 * as x86 is.
 */
#pragma once

#include <stddef.h>
#include "types.h"

#define VIRTQ_DESC_F_NEXT 1
#define VIRTQ_DESC_F_WRITE 2
#define VIRTQ_DESC_F_INDIRECT 4
#define VIRTQ_MAX_SIZE 32768	/* queue sizes are powers of two up to this (2.7) */
#define VIRTQ_MAX_CHAIN 64	/* buffers one request may have here */

struct virtq_desc {
	u64 addr;
	u32 len;
	u16 flags;
	u16 next;
};
_Static_assert(sizeof(struct virtq_desc) == 16, "virtio 1.2 2.7.5: 16-byte descriptors");
_Static_assert(offsetof(struct virtq_desc, flags) == 12, "virtq_desc.flags");

struct virtq_used_elem {
	u32 id;			/* the head of the chain */
	u32 len;		/* bytes the device wrote into it */
};
_Static_assert(sizeof(struct virtq_used_elem) == 8, "virtio 1.2 2.7.8: 8-byte used elements");

/* Offsets in the rings (2.7.6, 2.7.8): flags, idx, then the ring entries. */
#define VIRTQ_AVAIL_IDX 2
#define VIRTQ_AVAIL_RING 4
#define VIRTQ_USED_IDX 2
#define VIRTQ_USED_RING 4

/* How the device reads and writes guest memory: 0, or a negative errno. */
struct virtq_mem {
	int (*read)(void *ctx, u64 gpa, void *buf, u32 len);
	int (*write)(void *ctx, u64 gpa, const void *buf, u32 len);
	void *ctx;
};

struct virtq {
	u16 size;		/* a power of two, 1 to VIRTQ_MAX_SIZE */
	u64 desc, avail, used;	/* guest-physical addresses of the three parts */
	u16 last_avail;		/* the next available entry to take */
	u16 used_idx;		/* the next used entry to fill */
	bool broken;
	const char *why;	/* what broke it, for the message the transport prints */
};

struct virtq_buf {
	u64 gpa;
	u32 len;
	bool device_writes;	/* VIRTQ_DESC_F_WRITE */
};

/* One request: its chain of buffers, device-readable ones first. */
struct virtq_chain {
	u16 head;
	unsigned int nr;
	struct virtq_buf bufs[VIRTQ_MAX_CHAIN];
};

/* A queue of size entries at those addresses; -EINVAL if size is not a power of two in range. */
int virtq_init(struct virtq *q, u16 size, u64 desc, u64 avail, u64 used);

/*
 * Take the next request the driver made available: 1 with *c filled, 0
 * if there is none, or a negative errno with the queue broken (q->why).
 */
int virtq_pop(struct virtq *q, const struct virtq_mem *m, struct virtq_chain *c);

/* Return a request to the driver with written bytes in it: 0, or a negative errno (broken). */
int virtq_push(struct virtq *q, const struct virtq_mem *m, u16 head, u32 written);

/*
 * For a device model: the request it took breaks a rule of its device
 * (a virtio-blk request without a status byte, say): the queue is broken
 * with that reason, as if the ring code had found it, and every later call fails.
 */
void virtq_mark_broken(struct virtq *q, const char *why);
