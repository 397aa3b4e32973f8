/*
 * A VM's virtio-mmio devices (vm/virtio.c): each is a register window
 * (devices/virtio_mmio.c) at VM_VIRTIO_MMIO_BASE + i * VM_VIRTIO_MMIO_STRIDE,
 * in the 32-bit hole where no memslot lies, so every access exits as MMIO,
 * and one I/O APIC pin, VM_VIRTIO_GSI_BASE + i, driven as a level.  The
 * guest's DSDT describes each (devices/acpi_build.c, _HID "LNRO0005").
 * The device models reach guest memory only through the memslots at the
 * time of each access (memslot/guest_access.h), with a small
 * gfn_to_hva_cache that is checked against the memslot generation.
 */
#pragma once

#include "devices/virtio_mmio.h"
#include "lib/spinlock.h"
#include "memslot/guest_access.h"

#define VM_VIRTIO_MAX 4
#define VM_VIRTIO_MMIO_BASE 0xd0000000ULL	/* Firecracker's MMIO range starts here too */
#define VM_VIRTIO_MMIO_STRIDE 0x1000ULL
#define VM_VIRTIO_GSI_BASE 16		/* I/O APIC pins 16-19: no ISA IRQ, no 8259A */
#define VM_VIRTIO_HVA_CACHE 4		/* guest pages whose translation a device keeps */

struct vm;
struct vcpu_exit;

struct vm_virtio {
	/*
	 * The window and its device model, taken by the vCPU whose MMIO exit
	 * reaches it and by the monitor; nests outside slots_lock (the device
	 * reads guest memory under both) and the irqchip's lock (its line).
	 */
	spinlock_t lock;
	struct virtio_mmio mmio;
	struct vm *vm;
	const char *name;
	u64 base;
	u32 gsi;
	struct gfn_to_hva_cache hva_cache[VM_VIRTIO_HVA_CACHE];	/* by gfn % VM_VIRTIO_HVA_CACHE */
	u64 mem_errors;		/* accesses that found no usable memslot */
};

/*
 * Give vm a virtio-mmio device for the model ops/dev: its window and pin
 * are the next free ones.  The ACPI tables must be built afterwards.
 * Returns the device, or NULL when VM_VIRTIO_MAX are there.
 */
struct vm_virtio *vm_virtio_add(struct vm *vm, const struct virtio_dev_ops *ops, void *dev,
				const char *name);

/* An MMIO exit of a virtio window, completed in e (false: not one of them). */
bool vm_virtio_mmio(struct vm *vm, struct vcpu_exit *e);

/* Drive d's pin from its interrupt status (d->lock held): after the model changed it outside an MMIO exit. */
void vm_virtio_update_irq(struct vm_virtio *d);

/* Give vm its entropy device (virtio-rng): 0, or -ENOSPC. */
int vm_virtio_add_rng(struct vm *vm);

/* Give vm a virtio-blk disk over image (kept in place, written in place): 0, -EINVAL, -ENOSPC. */
int vm_virtio_add_blk(struct vm *vm, u8 *image, u64 len);

/*
 * Memory hot-plug (virtio-mem, docs/devices.md): a region of size bytes
 * (a multiple of VM_HOTPLUG_ALIGN, at most VM_HOTPLUG_MAX) at the first
 * 1 GiB boundary at or above both 4 GiB and ram_end, in blocks of
 * VM_HOTPLUG_BLOCK_SIZE.  Each block the guest plugs becomes memslot
 * VM_HOTPLUG_SLOT + its index, with backing of its own; each block it
 * unplugs is a memslot DELETE, after which its backing goes back to the
 * frame allocator.  0, -EINVAL, -ENOSPC.
 */
#define VM_HOTPLUG_BLOCK_SIZE MiB(2)	/* QEMU's default: Linux plugs parts of its memory blocks */
#define VM_HOTPLUG_ALIGN MiB(128)	/* Linux's memory block on x86-64: it adds memory so */
#define VM_HOTPLUG_MAX GiB(16)
#define VM_HOTPLUG_SLOT 16		/* slot ids 16 + block: 8,192 blocks at most */
int vm_virtio_add_mem(struct vm *vm, u64 ram_end, u64 size);

/* Ask the guest to have size bytes of the region plugged (the monitor): 0 or -EINVAL, -ENODEV. */
int vm_hotplug_request(struct vm *vm, u64 size);

/* Fill buf with len bytes for the guest's entropy device (RDRAND where the CPU has it). */
void vm_entropy_fill(void *ctx, void *buf, u32 len);
