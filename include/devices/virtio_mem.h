/*
 * virtio-mem, memory hot-plug (virtio 1.2, section 5.15): device ID 24, one
 * queue (guestq).  The device owns a region of guest-physical addresses,
 * [addr, addr + region_size), cut into blocks of block_size; the monitor
 * sets requested_size (virtio_mem_set_requested(): config generation and
 * the configuration-change interrupt), and the driver plugs or unplugs
 * blocks to reach it.  usable_region_size is region_size, always: the
 * driver may plug anywhere in the region, up to requested_size in all.
 *
 * Offered, and required: VIRTIO_MEM_F_UNPLUGGED_INACCESSIBLE (5.15.3):
 * unplugged memory is not accessible (it has no memslot).  Linux 6.1's
 * driver always accepts it (its feature table lists it unconditionally;
 * it never touches unplugged blocks), and a driver that does not is
 * refused FEATURES_OK, as QEMU refuses it.  Not offered: ACPI_PXM.
 *
 * The model never touches memory: it calls the VM's hooks, once per
 * block (each plugged block becomes its own memslot), plug before the
 * block counts as plugged, unplug before it counts as unplugged.  A
 * request (5.15.6) is 24 device-readable bytes, answered in 10
 * device-writable bytes:
 *   PLUG, UNPLUG, STATE: ERROR unless addr is block-aligned, nb_blocks > 0
 *     and the range lies in the usable region; PLUG: NACK past
 *     requested_size, ERROR if a block is plugged; UNPLUG: ERROR if a
 *     block is unplugged; STATE: PLUGGED, UNPLUGGED or MIXED.
 *   A hook failing: BUSY (Linux retries later), and the blocks of the
 *     request done so far are undone (state unchanged).  UNPLUG_ALL: every plugged block
 *     unplugged; a hook failing: BUSY (the driver retries; the blocks
 *     already unplugged stay so).  An unknown type: ERROR.  A request
 *     whose bytes cannot be read from guest memory: ERROR.
 * The queue is broken (virtio_mmio_broken(), the reason in the queue) for
 * a request shorter than 24 bytes, room for fewer than 10 response bytes,
 * or a response that cannot be written to guest memory.  A device reset
 * (status 0) keeps what is plugged: Linux's driver finds plugged_size set
 * and sends UNPLUG_ALL.  No hardware dependency: host-tested
 * (tests/unit/test_virtio_mem.c).
 */
#pragma once

#include <stddef.h>
#include "devices/virtio_mmio.h"
#include "types.h"

#define VIRTIO_ID_MEM 24
#define VIRTIO_MEM_QUEUE_MAX 64

/* Feature bits (5.15.3). */
#define VIRTIO_MEM_F_ACPI_PXM (1ULL << 0)
#define VIRTIO_MEM_F_UNPLUGGED_INACCESSIBLE (1ULL << 1)

/* Request types (5.15.6). */
#define VIRTIO_MEM_REQ_PLUG 0
#define VIRTIO_MEM_REQ_UNPLUG 1
#define VIRTIO_MEM_REQ_UNPLUG_ALL 2
#define VIRTIO_MEM_REQ_STATE 3

/* Response types (5.15.6). */
#define VIRTIO_MEM_RESP_ACK 0
#define VIRTIO_MEM_RESP_NACK 1
#define VIRTIO_MEM_RESP_BUSY 2
#define VIRTIO_MEM_RESP_ERROR 3

/* STATE answers (5.15.6). */
#define VIRTIO_MEM_STATE_PLUGGED 0
#define VIRTIO_MEM_STATE_UNPLUGGED 1
#define VIRTIO_MEM_STATE_MIXED 2

/* Blocks one device tracks: 64 GiB of 2 MiB blocks (a 4 KiB bitmap). */
#define VIRTIO_MEM_MAX_BLOCKS 32768
#define VIRTIO_MEM_MIN_BLOCK_SIZE 0x1000	/* a memslot's granule */

/* The configuration space (5.15.4), little-endian. */
struct virtio_mem_config {
	u64 block_size;
	u16 node_id;
	u8 padding[6];
	u64 addr;
	u64 region_size;
	u64 usable_region_size;
	u64 plugged_size;
	u64 requested_size;
};
_Static_assert(offsetof(struct virtio_mem_config, node_id) == 8, "virtio 1.2 5.15.4: node_id");
_Static_assert(offsetof(struct virtio_mem_config, addr) == 16, "virtio 1.2 5.15.4: addr");
_Static_assert(offsetof(struct virtio_mem_config, region_size) == 24, "5.15.4: region_size");
_Static_assert(offsetof(struct virtio_mem_config, usable_region_size) == 32, "5.15.4: usable");
_Static_assert(offsetof(struct virtio_mem_config, plugged_size) == 40, "5.15.4: plugged_size");
_Static_assert(offsetof(struct virtio_mem_config, requested_size) == 48, "5.15.4: requested");
_Static_assert(sizeof(struct virtio_mem_config) == 56, "virtio 1.2 5.15.4: 56 bytes");

/* A request (5.15.6): PLUG, UNPLUG and STATE use addr and nb_blocks. */
struct virtio_mem_req {
	u16 type;
	u16 padding[3];
	u64 addr;
	u16 nb_blocks;
	u16 padding2[3];
};
_Static_assert(offsetof(struct virtio_mem_req, addr) == 8, "virtio 1.2 5.15.6: req.addr");
_Static_assert(offsetof(struct virtio_mem_req, nb_blocks) == 16, "virtio 1.2 5.15.6: nb_blocks");
_Static_assert(sizeof(struct virtio_mem_req) == 24, "virtio 1.2 5.15.6: 24-byte request");

/* The response (5.15.6): state only for STATE. */
struct virtio_mem_resp {
	u16 type;
	u16 padding[3];
	u16 state;
};
_Static_assert(offsetof(struct virtio_mem_resp, state) == 8, "virtio 1.2 5.15.6: resp.state");
_Static_assert(sizeof(struct virtio_mem_resp) == 10, "virtio 1.2 5.15.6: 10-byte response");

/* What the VM does for a block: 0, or a negative errno (the request then fails). */
struct virtio_mem_hooks {
	int (*plug)(void *ctx, u64 addr, u64 size);	/* create its memslot */
	int (*unplug)(void *ctx, u64 addr, u64 size);	/* delete its memslot */
	void *ctx;
};

struct virtio_mem_stats {
	u64 requests;
	u64 blocks_plugged;	/* hook calls that succeeded */
	u64 blocks_unplugged;
	u64 nacks, errors, busy;
	u64 hook_failures;
};

struct virtio_mem {
	struct virtio_mem_config config;
	struct virtio_mmio *transport;	/* for the config-change interrupt */
	struct virtio_mem_hooks hooks;
	u64 nr_blocks;
	u64 plugged[VIRTIO_MEM_MAX_BLOCKS / 64];	/* bit i: block i is plugged */
	struct virtio_mem_stats stats;
};

/*
 * A device for [addr, addr + region_size) in blocks of block_size, nothing
 * plugged or requested; transport is the window it will be put behind.
 * -EINVAL unless block_size is a power of two of at least 4 KiB, addr and
 * region_size are multiples of it, the region has 1 to
 * VIRTIO_MEM_MAX_BLOCKS blocks and does not wrap, and both hooks are given.
 */
int virtio_mem_init(struct virtio_mem *m, u64 addr, u64 region_size, u64 block_size,
		    const struct virtio_mem_hooks *hooks, struct virtio_mmio *transport);

/*
 * The monitor's request: size (a multiple of block_size, at most
 * region_size, else -EINVAL) becomes requested_size, and the driver is
 * told (config generation, configuration-change interrupt).
 */
int virtio_mem_set_requested(struct virtio_mem *m, u64 size);

/* Block i of the region is plugged (for `info mem` and tests). */
bool virtio_mem_block_plugged(const struct virtio_mem *m, u64 i);

/* The model for virtio_mmio_init(transport, &virtio_mem_ops, m, mem). */
extern const struct virtio_dev_ops virtio_mem_ops;
