/*
 * The virtio-mmio transport, version 2 (virtio 1.2, section 4.2): one
 * device's register window.  The driver reads the device's features,
 * writes the ones it takes, sets FEATURES_OK (kept only if what it took is
 * a subset of what is offered and includes VIRTIO_F_VERSION_1 and what the
 * device requires), sizes and
 * places each queue and sets it ready, then DRIVER_OK; a queue
 * notification hands the device model its queue (struct virtio_dev_ops).
 * Registers are 32-bit aligned accesses (4.2.2.2); others are ignored (a
 * read gives 0).  A queue the ring code finds broken sets
 * DEVICE_NEEDS_RESET and raises the configuration-change interrupt
 * (2.1.2).  The interrupt output is a level: InterruptStatus != 0.  No
 * hardware dependency: host-tested (tests/unit/test_virtio_mmio.c).
 */
#pragma once

#include "devices/virtio_ring.h"
#include "types.h"

#define VIRTIO_MMIO_SIZE 0x200		/* registers, then up to 256 bytes of config space */
#define VIRTIO_MMIO_MAGIC 0x74726976	/* "virt" */
#define VIRTIO_MMIO_VERSION 2
#define VIRTIO_MMIO_VENDOR 0x554d4551	/* "QEMU", as QEMU and Firecracker report */

/* Register offsets (4.2.2). */
#define VIRTIO_MMIO_MAGIC_VALUE 0x000
#define VIRTIO_MMIO_VERSION_REG 0x004
#define VIRTIO_MMIO_DEVICE_ID 0x008
#define VIRTIO_MMIO_VENDOR_ID 0x00c
#define VIRTIO_MMIO_DEVICE_FEATURES 0x010
#define VIRTIO_MMIO_DEVICE_FEATURES_SEL 0x014
#define VIRTIO_MMIO_DRIVER_FEATURES 0x020
#define VIRTIO_MMIO_DRIVER_FEATURES_SEL 0x024
#define VIRTIO_MMIO_QUEUE_SEL 0x030
#define VIRTIO_MMIO_QUEUE_NUM_MAX 0x034
#define VIRTIO_MMIO_QUEUE_NUM 0x038
#define VIRTIO_MMIO_QUEUE_READY 0x044
#define VIRTIO_MMIO_QUEUE_NOTIFY 0x050
#define VIRTIO_MMIO_INTERRUPT_STATUS 0x060
#define VIRTIO_MMIO_INTERRUPT_ACK 0x064
#define VIRTIO_MMIO_STATUS 0x070
#define VIRTIO_MMIO_QUEUE_DESC_LOW 0x080
#define VIRTIO_MMIO_QUEUE_DESC_HIGH 0x084
#define VIRTIO_MMIO_QUEUE_DRIVER_LOW 0x090
#define VIRTIO_MMIO_QUEUE_DRIVER_HIGH 0x094
#define VIRTIO_MMIO_QUEUE_DEVICE_LOW 0x0a0
#define VIRTIO_MMIO_QUEUE_DEVICE_HIGH 0x0a4
#define VIRTIO_MMIO_CONFIG_GENERATION 0x0fc
#define VIRTIO_MMIO_CONFIG 0x100

/* Device status bits (2.1). */
#define VIRTIO_STATUS_ACKNOWLEDGE 1
#define VIRTIO_STATUS_DRIVER 2
#define VIRTIO_STATUS_DRIVER_OK 4
#define VIRTIO_STATUS_FEATURES_OK 8
#define VIRTIO_STATUS_NEEDS_RESET 64
#define VIRTIO_STATUS_FAILED 128

#define VIRTIO_F_VERSION_1 (1ULL << 32)

#define VIRTIO_INT_USED_RING 1
#define VIRTIO_INT_CONFIG 2

#define VIRTIO_MMIO_MAX_QUEUES 4

struct virtio_mmio;

/* What a device model (blk, rng, mem) gives the transport. */
struct virtio_dev_ops {
	u32 device_id;		/* 5.x: 4 entropy, 2 block, 24 memory */
	u64 features;		/* offered; VIRTIO_F_VERSION_1 is added */
	/* Offered features the device cannot work without: FEATURES_OK is refused without them. */
	u64 required_features;
	unsigned int nr_queues;	/* 1 to VIRTIO_MMIO_MAX_QUEUES */
	u16 queue_max;		/* QueueNumMax of each, a power of two */
	/* The driver notified queue q (ready, not broken). */
	void (*notify)(struct virtio_mmio *vm, unsigned int q);
	/* Config space byte access at offset (below config_len); may be NULL. */
	u8 (*config_read)(struct virtio_mmio *vm, u32 offset);
	u32 config_len;
	/* Reset the model's own state (status written 0). */
	void (*reset)(struct virtio_mmio *vm);
};

struct virtio_mmio_queue {
	u16 num;		/* QueueNum as written */
	bool ready;
	u64 desc, driver, device;
	struct virtq vq;	/* valid while ready */
};

struct virtio_mmio {
	const struct virtio_dev_ops *ops;
	void *dev;			/* the model's state */
	struct virtq_mem mem;		/* guest memory, for the queues */
	u32 status;
	u32 dev_features_sel, drv_features_sel, queue_sel;
	u64 driver_features;
	u32 interrupt_status;
	u32 config_generation;
	struct virtio_mmio_queue queues[VIRTIO_MMIO_MAX_QUEUES];
};

void virtio_mmio_init(struct virtio_mmio *vm, const struct virtio_dev_ops *ops, void *dev,
		      const struct virtq_mem *mem);

/* A guest access at offset in the window, len 1, 2 or 4 bytes. */
u32 virtio_mmio_read(struct virtio_mmio *vm, u32 offset, unsigned int len);
void virtio_mmio_write(struct virtio_mmio *vm, u32 offset, unsigned int len, u32 val);

/* The interrupt output (a level for the I/O APIC pin the DSDT names). */
bool virtio_mmio_irq_level(const struct virtio_mmio *vm);

/* For the model: queue q's ring (NULL unless ready and the driver is OK). */
struct virtq *virtio_mmio_queue(struct virtio_mmio *vm, unsigned int q);

/* For the model: requests were returned on a queue (raises the used-ring interrupt). */
void virtio_mmio_used(struct virtio_mmio *vm);

/* For the model: queue q broke (virtq_pop()/push() failed): DEVICE_NEEDS_RESET and the config interrupt. */
void virtio_mmio_broken(struct virtio_mmio *vm, unsigned int q);

/*
 * For the model: its configuration space changed.  ConfigGeneration moves
 * on (4.2.2: a driver reading a field twice sees the change); with notify,
 * and once the driver is OK, the configuration-change interrupt too
 * (4.2.3.3; virtio-mem's requested_size, 5.15.4).
 */
void virtio_mmio_config_changed(struct virtio_mmio *vm, bool notify);
