/*
 * virtio-blk, the block device (virtio 1.2, section 5.2), over a disk image
 * in hypervisor memory: device ID 2, one queue.  Offered: SEG_MAX (62 data
 * buffers: a chain is at most VIRTQ_MAX_CHAIN, less header and status),
 * BLK_SIZE (512), FLUSH, and RO for a read-only image.  Configuration
 * space (5.2.4): capacity in 512-byte sectors, size_max (not offered, 0),
 * seg_max, geometry (not offered, 0), blk_size.
 *
 * A request (5.2.6) is a 16-byte header in the device-readable bytes,
 * data, and a status byte, the last byte of the last device-writable
 * buffer; the framing is the driver's (2.6.4): the header may span
 * buffers, data may share a buffer with the header or the status.  T_IN
 * reads into the writable bytes before the status, T_OUT writes the
 * readable bytes after the header, T_FLUSH and T_GET_ID (20 bytes,
 * "slotvisor-disk" padded with NULs, cut to the room given) are served,
 * anything else is S_UNSUPP.  S_IOERR, with nothing transferred: a data
 * length not a multiple of 512 or of 4 GiB or more, sectors past the
 * capacity, T_OUT on a read-only disk.  S_IOERR too when a guest-memory access fails (an
 * address in no memslot): the header, or data part way (then part of the
 * data may have moved, as on a disk whose transfer failed); the device
 * goes on.  The queue is broken (virtio_mmio_broken(), the reason in the
 * queue) for a request the device cannot answer: no status byte (no
 * writable buffer, or a zero-length last one), a header shorter than 16
 * bytes, a status byte outside guest memory.  The used length is the
 * bytes written into the driver's buffers: data read and the status byte
 * (the status byte alone on an error).  No hardware dependency:
 * host-tested (tests/unit/test_virtio_blk.c).
 */
#pragma once

#include <stddef.h>
#include "devices/virtio_mmio.h"
#include "types.h"

#define VIRTIO_ID_BLOCK 2
#define VIRTIO_BLK_QUEUE_MAX 256

/* Feature bits (5.2.3). */
#define VIRTIO_BLK_F_SEG_MAX (1ULL << 2)
#define VIRTIO_BLK_F_RO (1ULL << 5)
#define VIRTIO_BLK_F_BLK_SIZE (1ULL << 6)
#define VIRTIO_BLK_F_FLUSH (1ULL << 9)

/* Request types (5.2.6). */
#define VIRTIO_BLK_T_IN 0
#define VIRTIO_BLK_T_OUT 1
#define VIRTIO_BLK_T_FLUSH 4
#define VIRTIO_BLK_T_GET_ID 8

/* Status values (5.2.6). */
#define VIRTIO_BLK_S_OK 0
#define VIRTIO_BLK_S_IOERR 1
#define VIRTIO_BLK_S_UNSUPP 2

#define VIRTIO_BLK_SECTOR_SIZE 512	/* capacity and header.sector count these, whatever blk_size */
#define VIRTIO_BLK_SEG_MAX (VIRTQ_MAX_CHAIN - 2)
/* Data of one request, at most: the used length (data + status) is 32 bits (S_IOERR beyond). */
#define VIRTIO_BLK_MAX_DATA (0xffffffffULL - VIRTIO_BLK_SECTOR_SIZE + 1)
#define VIRTIO_BLK_ID_BYTES 20
#define VIRTIO_BLK_ID "slotvisor-disk"

/* The configuration space up to blk_size (5.2.4), little-endian. */
struct virtio_blk_config {
	u64 capacity;		/* 512-byte sectors */
	u32 size_max;
	u32 seg_max;
	u16 cylinders;		/* geometry */
	u8 heads;
	u8 sectors;
	u32 blk_size;
};
_Static_assert(offsetof(struct virtio_blk_config, seg_max) == 12, "virtio 1.2 5.2.4: seg_max");
_Static_assert(offsetof(struct virtio_blk_config, cylinders) == 16, "virtio 1.2 5.2.4: geometry");
_Static_assert(offsetof(struct virtio_blk_config, blk_size) == 20, "virtio 1.2 5.2.4: blk_size");
_Static_assert(sizeof(struct virtio_blk_config) == 24, "virtio_blk_config up to blk_size");

/* The request header (5.2.6). */
struct virtio_blk_req_hdr {
	u32 type;
	u32 reserved;
	u64 sector;
};
_Static_assert(sizeof(struct virtio_blk_req_hdr) == 16, "virtio 1.2 5.2.6: 16-byte header");
_Static_assert(offsetof(struct virtio_blk_req_hdr, sector) == 8, "virtio_blk_req_hdr.sector");

/* For the monitor. */
struct virtio_blk_stats {
	u64 requests;
	u64 bytes_read;		/* by the guest: T_IN */
	u64 bytes_written;	/* by the guest: T_OUT */
	u64 errors;		/* S_IOERR answers */
	u64 unsupported;	/* S_UNSUPP answers */
};

struct virtio_blk {
	u8 *image;
	u64 size;		/* bytes, a multiple of 512 */
	bool read_only;
	struct virtio_blk_config config;
	struct virtio_blk_stats stats;
};

/* A disk over image; -EINVAL unless size is a non-zero multiple of 512. */
int virtio_blk_init(struct virtio_blk *b, u8 *image, u64 size, bool read_only);

/* The models for virtio_mmio_init(vm, ops, b, mem): read-write and read-only (RO offered). */
extern const struct virtio_dev_ops virtio_blk_ops;
extern const struct virtio_dev_ops virtio_blk_ro_ops;

/* The one of the two that fits b. */
const struct virtio_dev_ops *virtio_blk_dev_ops(const struct virtio_blk *b);
