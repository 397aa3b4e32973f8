/* The virtio-mmio transport, version 2 (include/devices/virtio_mmio.h). */
#include "devices/virtio_mmio.h"
#include "lib/string.h"

static void reset(struct virtio_mmio *vm)
{
	vm->status = 0;
	vm->dev_features_sel = vm->drv_features_sel = vm->queue_sel = 0;
	vm->driver_features = 0;
	vm->interrupt_status = 0;
	memset(vm->queues, 0, sizeof(vm->queues));
	if (vm->ops->reset)
		vm->ops->reset(vm);
}

void virtio_mmio_init(struct virtio_mmio *vm, const struct virtio_dev_ops *ops, void *dev,
		      const struct virtq_mem *mem)
{
	memset(vm, 0, sizeof(*vm));
	vm->ops = ops;
	vm->dev = dev;
	vm->mem = *mem;
	reset(vm);
}

static u64 device_features(const struct virtio_mmio *vm)
{
	return vm->ops->features | VIRTIO_F_VERSION_1;
}

/* The selected queue, or NULL past the device's queues (QueueNumMax then reads 0, 4.2.2). */
static struct virtio_mmio_queue *selected(struct virtio_mmio *vm)
{
	return vm->queue_sel < vm->ops->nr_queues ? &vm->queues[vm->queue_sel] : NULL;
}

static u32 read_reg(struct virtio_mmio *vm, u32 offset)
{
	struct virtio_mmio_queue *q = selected(vm);

	switch (offset) {
	case VIRTIO_MMIO_MAGIC_VALUE: return VIRTIO_MMIO_MAGIC;
	case VIRTIO_MMIO_VERSION_REG: return VIRTIO_MMIO_VERSION;
	case VIRTIO_MMIO_DEVICE_ID: return vm->ops->device_id;
	case VIRTIO_MMIO_VENDOR_ID: return VIRTIO_MMIO_VENDOR;
	case VIRTIO_MMIO_DEVICE_FEATURES:
		return vm->dev_features_sel < 2 ?
			(u32)(device_features(vm) >> (32 * vm->dev_features_sel)) : 0;
	case VIRTIO_MMIO_QUEUE_NUM_MAX: return q ? vm->ops->queue_max : 0;
	case VIRTIO_MMIO_QUEUE_READY: return q && q->ready;
	case VIRTIO_MMIO_INTERRUPT_STATUS: return vm->interrupt_status;
	case VIRTIO_MMIO_STATUS: return vm->status;
	case VIRTIO_MMIO_CONFIG_GENERATION: return vm->config_generation;
	default: return 0;	/* write-only or reserved */
	}
}

/*
 * FEATURES_OK only for a subset of the offered features with VERSION_1 and
 * those the device requires (2.2: a legacy driver is refused; 3.1.1: the
 * driver reads the status back).
 */
static u32 check_status(struct virtio_mmio *vm, u32 val)
{
	bool setting_ok = (val & VIRTIO_STATUS_FEATURES_OK) &&
			  !(vm->status & VIRTIO_STATUS_FEATURES_OK);

	u64 required = vm->ops->required_features | VIRTIO_F_VERSION_1;

	if (setting_ok && ((vm->driver_features & ~device_features(vm)) ||
			   (vm->driver_features & required) != required))
		val &= ~VIRTIO_STATUS_FEATURES_OK;
	return val | (vm->status & VIRTIO_STATUS_NEEDS_RESET);
}

/* QueueReady 1: the ring as placed, if its size is one the device takes (4.2.3.2). */
static void queue_ready(struct virtio_mmio *vm, struct virtio_mmio_queue *q, u32 val)
{
	if (!val) {
		q->ready = false;
		return;
	}
	if (q->num > vm->ops->queue_max ||
	    virtq_init(&q->vq, q->num, q->desc, q->driver, q->device))
		return;	/* stays not ready: the driver reads QueueReady back */
	q->ready = true;
}

static void set_half(u64 *reg, bool high, u32 val)
{
	*reg = high ? (*reg & 0xffffffffULL) | (u64)val << 32 : (*reg & ~0xffffffffULL) | val;
}

/* Queue registers: only while the queue is not ready (4.2.2.3). */
static void write_queue_reg(struct virtio_mmio *vm, u32 offset, u32 val)
{
	struct virtio_mmio_queue *q = selected(vm);

	if (!q || (q->ready && offset != VIRTIO_MMIO_QUEUE_READY))
		return;
	switch (offset) {
	case VIRTIO_MMIO_QUEUE_NUM: q->num = (u16)val; break;
	case VIRTIO_MMIO_QUEUE_READY: queue_ready(vm, q, val); break;
	case VIRTIO_MMIO_QUEUE_DESC_LOW: set_half(&q->desc, false, val); break;
	case VIRTIO_MMIO_QUEUE_DESC_HIGH: set_half(&q->desc, true, val); break;
	case VIRTIO_MMIO_QUEUE_DRIVER_LOW: set_half(&q->driver, false, val); break;
	case VIRTIO_MMIO_QUEUE_DRIVER_HIGH: set_half(&q->driver, true, val); break;
	case VIRTIO_MMIO_QUEUE_DEVICE_LOW: set_half(&q->device, false, val); break;
	case VIRTIO_MMIO_QUEUE_DEVICE_HIGH: set_half(&q->device, true, val); break;
	}
}

static void write_reg(struct virtio_mmio *vm, u32 offset, u32 val)
{
	switch (offset) {
	case VIRTIO_MMIO_DEVICE_FEATURES_SEL: vm->dev_features_sel = val; break;
	case VIRTIO_MMIO_DRIVER_FEATURES_SEL: vm->drv_features_sel = val; break;
	case VIRTIO_MMIO_DRIVER_FEATURES:
		if (vm->drv_features_sel < 2 && !(vm->status & VIRTIO_STATUS_FEATURES_OK))
			set_half(&vm->driver_features, vm->drv_features_sel, val);
		break;
	case VIRTIO_MMIO_QUEUE_SEL: vm->queue_sel = val; break;
	case VIRTIO_MMIO_QUEUE_NOTIFY:
		if (virtio_mmio_queue(vm, val))
			vm->ops->notify(vm, val);
		break;
	case VIRTIO_MMIO_INTERRUPT_ACK: vm->interrupt_status &= ~val; break;
	case VIRTIO_MMIO_STATUS:
		if (!val)
			reset(vm);
		else
			vm->status = check_status(vm, val);
		break;
	default:
		write_queue_reg(vm, offset, val);
		break;
	}
}

u32 virtio_mmio_read(struct virtio_mmio *vm, u32 offset, unsigned int len)
{
	u32 val = 0;

	if (offset >= VIRTIO_MMIO_CONFIG) {
		for (unsigned int i = 0; i < len && i < 4; i++) {
			u32 off = offset - VIRTIO_MMIO_CONFIG + i;

			if (vm->ops->config_read && off < vm->ops->config_len)
				val |= (u32)vm->ops->config_read(vm, off) << (8 * i);
		}
		return val;
	}
	return len == 4 && !(offset & 3) ? read_reg(vm, offset) : 0;
}

void virtio_mmio_write(struct virtio_mmio *vm, u32 offset, unsigned int len, u32 val)
{
	if (offset >= VIRTIO_MMIO_CONFIG)
		return;	/* no device here has writable config space yet */
	if (len == 4 && !(offset & 3))
		write_reg(vm, offset, val);
}

bool virtio_mmio_irq_level(const struct virtio_mmio *vm)
{
	return vm->interrupt_status != 0;
}

struct virtq *virtio_mmio_queue(struct virtio_mmio *vm, unsigned int q)
{
	if (q >= vm->ops->nr_queues || !vm->queues[q].ready || vm->queues[q].vq.broken ||
	    !(vm->status & VIRTIO_STATUS_DRIVER_OK) || (vm->status & VIRTIO_STATUS_NEEDS_RESET))
		return NULL;
	return &vm->queues[q].vq;
}

void virtio_mmio_used(struct virtio_mmio *vm)
{
	vm->interrupt_status |= VIRTIO_INT_USED_RING;
}

void virtio_mmio_broken(struct virtio_mmio *vm, unsigned int q)
{
	vm->status |= VIRTIO_STATUS_NEEDS_RESET;
	if (vm->status & VIRTIO_STATUS_DRIVER_OK)
		vm->interrupt_status |= VIRTIO_INT_CONFIG;
}

void virtio_mmio_config_changed(struct virtio_mmio *vm, bool notify)
{
	vm->config_generation++;
	if (notify && (vm->status & VIRTIO_STATUS_DRIVER_OK))
		vm->interrupt_status |= VIRTIO_INT_CONFIG;
}
