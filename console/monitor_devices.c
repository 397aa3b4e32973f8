/*
 * The monitor's device commands: `info virtio` (each virtio-mmio device's
 * transport state, queues and counters), `info mem` (the guest's RAM and
 * its hot-plug region: requested, plugged, usable, which blocks) and
 * `hotplug SIZE` (ask the guest to grow or shrink to SIZE of plugged
 * memory).  The VM is paused while they run (docs/monitor.md).
 */
#include "lib/errno.h"
#include "lib/parse.h"
#include "lib/printf.h"
#include "console/monitor.h"
#include "memslot/memslot.h"
#include "mm/frame.h"
#include "vm/vm.h"

static void show_queue(const struct virtio_mmio_queue *q, unsigned int i)
{
	kprintf("    queue %u: size %u, %s", i, q->num, q->ready ? "ready" : "not ready");
	if (q->ready)
		kprintf(", next available %u, next used %u%s%s", q->vq.last_avail, q->vq.used_idx,
			q->vq.broken ? ", BROKEN: " : "", q->vq.broken ? q->vq.why : "");
	kprintf("\n");
}

static void show_model(struct vm *vm, const struct vm_virtio *d)
{
	if (d->mmio.dev == &vm->blk)
		kprintf("    disk: %llu bytes; %llu requests, %llu bytes read, %llu written, %llu errors, "
			"%llu unsupported\n", vm->blk.size, vm->blk.stats.requests,
			vm->blk.stats.bytes_read, vm->blk.stats.bytes_written, vm->blk.stats.errors,
			vm->blk.stats.unsupported);
	else if (d->mmio.dev == &vm->rng)
		kprintf("    entropy: %llu requests, %llu bytes, %llu cut short\n", vm->rng.requests,
			vm->rng.bytes, vm->rng.faults);
	else if (d->mmio.dev == &vm->mem)
		kprintf("    memory: %llu requests, %llu blocks plugged, %llu unplugged (see info mem)\n",
			vm->mem.stats.requests, vm->mem.stats.blocks_plugged,
			vm->mem.stats.blocks_unplugged);
}

int monitor_info_virtio(struct vm *vm, int argc, char **argv)
{
	if (!vm->nr_virtio)
		kprintf("virtio: no devices (a Linux guest has them: docs/devices.md)\n");
	for (unsigned int i = 0; i < vm->nr_virtio; i++) {
		const struct vm_virtio *d = &vm->virtio[i];
		const struct virtio_mmio *m = &d->mmio;

		kprintf("%s: mmio 0x%llx, GSI %u, status 0x%x, features 0x%llx, interrupt status "
			"0x%x, %llu guest-memory faults\n", d->name, d->base, d->gsi, m->status,
			m->driver_features, m->interrupt_status, d->mem_errors);
		for (unsigned int q = 0; q < m->ops->nr_queues; q++)
			show_queue(&m->queues[q], q);
		show_model(vm, d);
	}
	return MONITOR_STAY;
}

/* The plugged blocks as ranges, "[first-last]" by block number. */
static void show_plugged(const struct virtio_mem *m)
{
	u64 i = 0, shown = 0;

	kprintf("  plugged blocks:");
	while (i < m->nr_blocks) {
		u64 first;

		if (!virtio_mem_block_plugged(m, i++))
			continue;
		first = i - 1;
		while (i < m->nr_blocks && virtio_mem_block_plugged(m, i))
			i++;
		kprintf(" %llu-%llu (slots %llu-%llu)", first, i - 1, VM_HOTPLUG_SLOT + first,
			VM_HOTPLUG_SLOT + i - 1);
		shown++;
	}
	kprintf("%s\n", shown ? "" : " none");
}

int monitor_info_mem(struct vm *vm, int argc, char **argv)
{
	const struct virtio_mem_config *c = &vm->mem.config;
	struct kvm_memory_slot *s;
	struct frame_stats st;
	u64 ram = 0;

	spin_lock(&vm->kvm.slots_lock);
	kvm_for_each_memslot(s, __kvm_memslots(&vm->kvm, 0)) {
		if (s->id < VM_HOTPLUG_SLOT || !vm->mem_dev)
			ram += s->npages << GFN_SHIFT;
	}
	spin_unlock(&vm->kvm.slots_lock);
	frame_get_stats(&st);
	kprintf("mem: %llu MiB of RAM in memslots; the frame allocator has %llu MiB free of %llu\n",
		ram >> 20, st.free_frames >> 8, st.total_frames >> 8);
	if (!vm->mem_dev) {
		kprintf("mem: no hot-plug region (make run HOTPLUG=SIZE)\n");
		return MONITOR_STAY;
	}
	kprintf("hot-plug: region [0x%llx-0x%llx), %llu MiB in %llu blocks of %llu KiB; requested "
		"%llu MiB, plugged %llu MiB, usable %llu MiB\n", c->addr, c->addr + c->region_size,
		c->region_size >> 20, vm->mem.nr_blocks, c->block_size >> 10, c->requested_size >> 20,
		c->plugged_size >> 20, c->usable_region_size >> 20);
	show_plugged(&vm->mem);
	return MONITOR_STAY;
}

int monitor_hotplug(struct vm *vm, int argc, char **argv)
{
	u64 size;
	int err;

	if (argc != 1 || parse_size(argv[0], &size)) {
		kprintf("usage: hotplug SIZE (e.g. 256M: what the guest should have plugged)\n");
		return MONITOR_STAY;
	}
	err = vm_hotplug_request(vm, size);
	if (err == -ENODEV)
		kprintf("hotplug: this VM has no hot-plug region (make run HOTPLUG=SIZE)\n");
	else if (err)
		kprintf("hotplug: %s is not a multiple of %llu KiB up to the region's %llu MiB\n",
			argv[0], vm->mem.config.block_size >> 10, vm->mem.config.region_size >> 20);
	else
		kprintf("hotplug: asked the guest for %llu MiB (%llu MiB plugged now); it plugs or "
			"unplugs once it runs again\n", size >> 20, vm->mem.config.plugged_size >> 20);
	return MONITOR_STAY;
}
