/*
 * A VM's virtio-mmio devices (include/vm/virtio.h): the MMIO exits of
 * their windows, their interrupt pins, and the guest-memory accessors
 * their models use, which translate through the memslots at each access.
 */
#include "arch/x86/cpu.h"
#include "irq/irq.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "vm/virtio.h"
#include "vm/vm.h"

#define RDRAND_RETRIES 10	/* Intel's advice before taking RDRAND as broken */

/*
 * One access of a device model to guest memory.  Within a page, through
 * the device's gfn_to_hva_cache for that page (translated again whenever
 * the memslots changed since); across pages, or where the cache cannot
 * hold the page (a read-only slot), by the uncached path.  Under
 * slots_lock, so no memslot change (and no release of its backing)
 * happens in between.
 */
static int guest_access(struct vm_virtio *d, u64 gpa, void *buf, u32 len, bool write)
{
	struct kvm *kvm = &d->vm->kvm;
	u64 page = gpa & ~(GFN_SIZE - 1);
	struct gfn_to_hva_cache *c = &d->hva_cache[(gpa >> GFN_SHIFT) % VM_VIRTIO_HVA_CACHE];
	int err = -EFAULT;

	memslot_guest_lock(kvm);
	if (gpa - page + len <= GFN_SIZE) {
		if (c->gpa != page || c->len != GFN_SIZE)
			kvm_gfn_to_hva_cache_init(kvm, c, page, GFN_SIZE);
		err = write ? kvm_write_guest_offset_cached(kvm, c, buf, gpa - page, len) :
			      kvm_read_guest_offset_cached(kvm, c, buf, gpa - page, len);
	}
	if (err == -EFAULT && gpa + len >= gpa)
		err = write ? kvm_write_guest(kvm, gpa, buf, len) : kvm_read_guest(kvm, gpa, buf, len);
	memslot_guest_unlock(kvm);
	if (err)
		d->mem_errors++;
	return err;
}

static int virtio_read(void *ctx, u64 gpa, void *buf, u32 len)
{
	return guest_access(ctx, gpa, buf, len, false);
}

static int virtio_write(void *ctx, u64 gpa, const void *buf, u32 len)
{
	return guest_access(ctx, gpa, (void *)buf, len, true);
}

struct vm_virtio *vm_virtio_add(struct vm *vm, const struct virtio_dev_ops *ops, void *dev,
				const char *name)
{
	struct vm_virtio *d;
	unsigned int i = vm->nr_virtio;

	if (i == VM_VIRTIO_MAX)
		return NULL;
	d = &vm->virtio[i];
	memset(d, 0, sizeof(*d));	/* the lock too: unlocked */
	d->vm = vm;
	d->name = name;
	d->base = VM_VIRTIO_MMIO_BASE + i * VM_VIRTIO_MMIO_STRIDE;
	d->gsi = VM_VIRTIO_GSI_BASE + i;
	virtio_mmio_init(&d->mmio, ops, dev,
			 &(struct virtq_mem){ .read = virtio_read, .write = virtio_write, .ctx = d });
	vm->nr_virtio = i + 1;
	return d;
}

int vm_virtio_add_rng(struct vm *vm)
{
	virtio_rng_init(&vm->rng, vm_entropy_fill, NULL);
	return vm_virtio_add(vm, &virtio_rng_ops, &vm->rng, "virtio-rng") ? 0 : -ENOSPC;
}

int vm_virtio_add_blk(struct vm *vm, u8 *image, u64 len)
{
	int err = virtio_blk_init(&vm->blk, image, len, false);

	if (err)
		return err;
	return vm_virtio_add(vm, virtio_blk_dev_ops(&vm->blk), &vm->blk, "virtio-blk") ? 0 : -ENOSPC;
}

void vm_virtio_update_irq(struct vm_virtio *d)
{
	lockdep_assert_held(&d->lock);
	irqchip_set_line(&d->vm->irqchip, d->gsi, virtio_mmio_irq_level(&d->mmio));
}

/* Registers are 32 bits wide; an 8-byte access is two of them, low first. */
static void window_access(struct vm_virtio *d, u32 off, struct vcpu_exit *e)
{
	u32 len = e->mmio.len == 8 ? 4 : e->mmio.len;

	for (u32 done = 0; done < e->mmio.len; done += len) {
		if (e->mmio.is_write)
			virtio_mmio_write(&d->mmio, off + done, len, (u32)(e->mmio.data >> (8 * done)));
		else
			e->mmio.data |= (u64)virtio_mmio_read(&d->mmio, off + done, len) << (8 * done);
	}
}

bool vm_virtio_mmio(struct vm *vm, struct vcpu_exit *e)
{
	u64 off = e->mmio.gpa - VM_VIRTIO_MMIO_BASE;
	struct vm_virtio *d;

	if (e->mmio.gpa < VM_VIRTIO_MMIO_BASE || off >= vm->nr_virtio * VM_VIRTIO_MMIO_STRIDE)
		return false;
	d = &vm->virtio[off / VM_VIRTIO_MMIO_STRIDE];
	off %= VM_VIRTIO_MMIO_STRIDE;
	if (!e->mmio.is_write)
		e->mmio.data = 0;
	/* Past the registers and config space, or across its end: nothing there. */
	if (off + e->mmio.len > VIRTIO_MMIO_SIZE)
		return true;
	spin_lock(&d->lock);
	window_access(d, (u32)off, e);
	vm_virtio_update_irq(d);
	spin_unlock(&d->lock);
	return true;
}

/* SplitMix64 (Steele, Lea, Flood 2014): the fallback stream, seeded and stirred by the TSC. */
static u64 splitmix64(u64 *state, u64 stir)
{
	u64 z = __atomic_add_fetch(state, 0x9e3779b97f4a7c15ULL ^ stir, __ATOMIC_RELAXED);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static u64 entropy_word(bool has_rdrand)
{
	static u64 state;
	u64 v;

	for (unsigned int i = 0; has_rdrand && i < RDRAND_RETRIES; i++)
		if (rdrand64(&v))
			return v;
	/* Not cryptographic: what a CPU without RDRAND leaves the hypervisor with. */
	return splitmix64(&state, rdtsc() << 1);
}

void vm_entropy_fill(void *ctx, void *buf, u32 len)
{
	bool has_rdrand = cpuid(1).ecx & CPUID_1_ECX_RDRAND;
	u8 *out = buf;

	(void)ctx;
	while (len) {
		u64 v = entropy_word(has_rdrand);
		u32 n = MIN(len, (u32)sizeof(v));

		memcpy(out, &v, n);
		out += n;
		len -= n;
	}
}
