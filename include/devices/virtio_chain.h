/*
 * Bytes of one request (struct virtq_chain) as a stream: the device-readable
 * buffers one after the other, and the device-writable ones likewise.  A
 * driver may frame a request any way it likes (virtio 1.2, 2.6.4: a header
 * may span descriptors, or share one with data), so a device model reads
 * its header and data at offsets in the readable stream and writes at
 * offsets in the writable stream, never assuming which buffer holds what.
 * Guest memory is reached only through the request's accessors (struct
 * virtq_mem).  No hardware dependency: host-tested
 * (tests/unit/test_virtio_chain.c).
 */
#pragma once

#include "devices/virtio_ring.h"
#include "types.h"

/* Total bytes of the device-writable (writable true) or device-readable buffers. */
u64 virtio_chain_len(const struct virtq_chain *c, bool writable);

/*
 * Copy len bytes at offset off of the readable stream into buf: 0,
 * -EINVAL if they are not all there, or the accessor's error (-EFAULT:
 * an address in no memslot).  On an error some of buf may be filled.
 */
int virtio_chain_read(const struct virtq_chain *c, const struct virtq_mem *m, u64 off,
		      void *buf, u64 len);

/*
 * Copy len bytes of buf to offset off of the writable stream: 0, -EINVAL
 * if the stream is shorter, or the accessor's error.  On an error a
 * prefix may have reached guest memory.
 */
int virtio_chain_write(const struct virtq_chain *c, const struct virtq_mem *m, u64 off,
		       const void *buf, u64 len);
