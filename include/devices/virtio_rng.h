/*
 * virtio-rng, the entropy device (virtio 1.2, section 5.4): device ID 4,
 * one queue (requestq), no feature bits, no configuration space.  Each
 * request's device-writable buffers are filled from the fill callback the
 * VM gives (in the hypervisor, RDRAND or RDSEED; in tests, a counter), in
 * order, at most VIRTIO_RNG_MAX_PER_REQUEST bytes a request, and the
 * request is returned with the number of bytes written (5.4.6.2: the
 * driver takes only those).  Device-readable buffers are not touched.  A
 * request with no writable space is returned with 0.  A guest-memory
 * write that fails (an address in no memslot) ends that request with the
 * bytes written before it; the device goes on with the next one (the
 * driver gets fewer bytes, never bytes it was not given).  A queue the
 * ring code finds malformed is marked broken (virtio_mmio_broken()).  No
 * hardware dependency: host-tested (tests/unit/test_virtio_rng.c).
 */
#pragma once

#include "devices/virtio_mmio.h"
#include "types.h"

#define VIRTIO_ID_RNG 4
#define VIRTIO_RNG_QUEUE_MAX 64
#define VIRTIO_RNG_MAX_PER_REQUEST 0x10000	/* 64 KiB: bounds the time one request takes */

struct virtio_rng {
	void (*fill)(void *ctx, void *buf, u32 len);
	void *ctx;
	/* For the monitor. */
	u64 requests;
	u64 bytes;
	u64 faults;		/* requests cut short by a failed guest-memory write */
};

void virtio_rng_init(struct virtio_rng *r, void (*fill)(void *ctx, void *buf, u32 len), void *ctx);

/* The model for virtio_mmio_init(vm, &virtio_rng_ops, r, mem). */
extern const struct virtio_dev_ops virtio_rng_ops;
