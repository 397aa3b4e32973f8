/*
 * The virtio-mmio transport (devices/virtio_mmio.c) driven as Linux's
 * virtio_mmio driver drives it, over a fake guest memory and a fake device
 * model (one queue, an entropy device's ID, 4 bytes of config space): the
 * identification registers, feature negotiation (refused without
 * VERSION_1 or with a feature not offered), queue set-up (a size the
 * device does not take stays not ready; registers of a ready queue are
 * frozen), a notification reaching the model, which pops and pushes, the
 * used-ring interrupt and its ack, a broken queue giving
 * DEVICE_NEEDS_RESET and the config interrupt, reset by writing 0; a
 * feature the device requires, and the model's config changes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "devices/virtio_mmio.h"
#include "lib/errno.h"
#include "fake_virtio_driver.h"

#define DESC DRV_DESC
#define AVAIL DRV_AVAIL
#define USED DRV_USED

static unsigned int notified, resets;
static int last_pop;

/* The model: take each request, "fill" it with as many bytes as its first buffer holds. */
static void model_notify(struct virtio_mmio *vm, unsigned int q)
{
	struct virtq *vq = virtio_mmio_queue(vm, q);
	struct virtq_chain c;

	notified++;
	while ((last_pop = virtq_pop(vq, &vm->mem, &c)) == 1) {
		if (virtq_push(vq, &vm->mem, c.head, c.bufs[0].len)) {
			virtio_mmio_broken(vm, q);
			return;
		}
		virtio_mmio_used(vm);
	}
	if (last_pop < 0)
		virtio_mmio_broken(vm, q);
}

static u8 model_config(struct virtio_mmio *vm, u32 off)
{
	return 0xa0 + off;
}

static void model_reset(struct virtio_mmio *vm)
{
	resets++;
}

static const struct virtio_dev_ops ops = {
	.device_id = 4, .features = 1ULL << 33, .nr_queues = 1, .queue_max = 16,
	.notify = model_notify, .config_read = model_config, .config_len = 4,
	.reset = model_reset,
};

static int setup(void **state)
{
	static const struct virtq_mem m = { mem_read, mem_write, NULL };

	memset(mem, 0, sizeof(mem));
	notified = resets = 0;
	virtio_mmio_init(&dev, &ops, NULL, &m);
	return 0;
}

static void setup_queue(u32 num)
{
	drv_wr(VIRTIO_MMIO_QUEUE_SEL, 0);
	drv_wr(VIRTIO_MMIO_QUEUE_NUM, num);
	drv_wr(VIRTIO_MMIO_QUEUE_DESC_LOW, DESC);
	drv_wr(VIRTIO_MMIO_QUEUE_DESC_HIGH, 0);
	drv_wr(VIRTIO_MMIO_QUEUE_DRIVER_LOW, AVAIL);
	drv_wr(VIRTIO_MMIO_QUEUE_DEVICE_LOW, USED);
	drv_wr(VIRTIO_MMIO_QUEUE_READY, 1);
}

static void driver_ok(void)
{
	assert_true(drv_negotiate(VIRTIO_F_VERSION_1 | 1ULL << 33) & VIRTIO_STATUS_FEATURES_OK);
	setup_queue(8);
	assert_int_equal(drv_rd(VIRTIO_MMIO_QUEUE_READY), 1);
	drv_wr(VIRTIO_MMIO_STATUS, drv_rd(VIRTIO_MMIO_STATUS) | VIRTIO_STATUS_DRIVER_OK);
}

static void make_available(u16 head, u64 addr, u32 len, u16 flags, u16 next)
{
	struct virtq_desc d = { addr, len, flags, next };
	u16 idx;

	memcpy(mem + DESC + 16 * head, &d, sizeof(d));
	memcpy(&idx, mem + AVAIL + VIRTQ_AVAIL_IDX, 2);
	memcpy(mem + AVAIL + VIRTQ_AVAIL_RING + 2 * (idx % 8), &head, 2);
	idx++;
	memcpy(mem + AVAIL + VIRTQ_AVAIL_IDX, &idx, 2);
}

static void identification(void **state)
{
	assert_int_equal(drv_rd(VIRTIO_MMIO_MAGIC_VALUE), VIRTIO_MMIO_MAGIC);
	assert_int_equal(drv_rd(VIRTIO_MMIO_VERSION_REG), 2);
	assert_int_equal(drv_rd(VIRTIO_MMIO_DEVICE_ID), 4);
	assert_int_equal(drv_rd(VIRTIO_MMIO_VENDOR_ID), VIRTIO_MMIO_VENDOR);
	drv_wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	assert_int_equal(drv_rd(VIRTIO_MMIO_DEVICE_FEATURES), 3);	/* VERSION_1 and bit 33 */
	drv_wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	assert_int_equal(drv_rd(VIRTIO_MMIO_DEVICE_FEATURES), 0);
	drv_wr(VIRTIO_MMIO_QUEUE_SEL, 0);
	assert_int_equal(drv_rd(VIRTIO_MMIO_QUEUE_NUM_MAX), 16);
	drv_wr(VIRTIO_MMIO_QUEUE_SEL, 1);
	assert_int_equal(drv_rd(VIRTIO_MMIO_QUEUE_NUM_MAX), 0);	/* no such queue */
	assert_int_equal(virtio_mmio_read(&dev, VIRTIO_MMIO_CONFIG + 1, 2), 0xa2a1);
	assert_int_equal(virtio_mmio_read(&dev, VIRTIO_MMIO_CONFIG + 3, 4), 0xa3);	/* past its end: 0 */
	assert_int_equal(virtio_mmio_read(&dev, VIRTIO_MMIO_MAGIC_VALUE, 2), 0);	/* not 32-bit */
	assert_int_equal(virtio_mmio_read(&dev, VIRTIO_MMIO_MAGIC_VALUE + 1, 4), 0);
}

static void features_are_negotiated(void **state)
{
	assert_false(drv_negotiate(1ULL << 33) & VIRTIO_STATUS_FEATURES_OK);	/* legacy: no VERSION_1 */
	assert_false(drv_negotiate(VIRTIO_F_VERSION_1 | 1ULL << 34) & VIRTIO_STATUS_FEATURES_OK);
	assert_true(drv_negotiate(VIRTIO_F_VERSION_1) & VIRTIO_STATUS_FEATURES_OK);
	/* Features are frozen once FEATURES_OK is set. */
	drv_wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	drv_wr(VIRTIO_MMIO_DRIVER_FEATURES, 0);
	assert_int_equal(dev.driver_features, VIRTIO_F_VERSION_1);
}

static void queue_setup_rules(void **state)
{
	assert_true(drv_negotiate(VIRTIO_F_VERSION_1) & VIRTIO_STATUS_FEATURES_OK);
	setup_queue(32);				/* above QueueNumMax */
	assert_int_equal(drv_rd(VIRTIO_MMIO_QUEUE_READY), 0);
	setup_queue(6);					/* not a power of two */
	assert_int_equal(drv_rd(VIRTIO_MMIO_QUEUE_READY), 0);
	setup_queue(8);
	assert_int_equal(drv_rd(VIRTIO_MMIO_QUEUE_READY), 1);
	drv_wr(VIRTIO_MMIO_QUEUE_DESC_LOW, 0x8000);		/* frozen while ready */
	assert_int_equal(dev.queues[0].vq.desc, DESC);
	assert_null(virtio_mmio_queue(&dev, 0));	/* not DRIVER_OK yet */
	drv_wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	assert_int_equal(notified, 0);
}

static void a_notification_runs_the_queue(void **state)
{
	struct virtq_used_elem e;

	driver_ok();
	make_available(2, 0x4000, 64, VIRTQ_DESC_F_WRITE, 0);
	drv_wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	assert_int_equal(notified, 1);
	memcpy(&e, mem + USED + VIRTQ_USED_RING, sizeof(e));
	assert_int_equal(e.id, 2);
	assert_int_equal(e.len, 64);
	assert_true(virtio_mmio_irq_level(&dev));
	assert_int_equal(drv_rd(VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_INT_USED_RING);
	drv_wr(VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_INT_USED_RING);
	assert_false(virtio_mmio_irq_level(&dev));
	drv_wr(VIRTIO_MMIO_QUEUE_NOTIFY, 5);		/* no such queue: ignored */
	assert_int_equal(notified, 1);
}

/* A loop in the guest's descriptors: DEVICE_NEEDS_RESET, the config interrupt, no more notifications. */
static void a_broken_queue_needs_reset(void **state)
{
	driver_ok();
	make_available(0, 0x4000, 8, VIRTQ_DESC_F_NEXT, 0);
	drv_wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	assert_int_equal(last_pop, -ELOOP);
	assert_true(drv_rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET);
	assert_int_equal(drv_rd(VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_INT_CONFIG);
	drv_wr(VIRTIO_MMIO_STATUS, drv_rd(VIRTIO_MMIO_STATUS) & ~VIRTIO_STATUS_NEEDS_RESET);
	assert_true(drv_rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET);	/* the driver cannot clear it */
	drv_wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	assert_int_equal(notified, 1);
	/* Reset: everything back to the start, the model told. */
	drv_wr(VIRTIO_MMIO_STATUS, 0);
	assert_int_equal(drv_rd(VIRTIO_MMIO_STATUS), 0);
	assert_int_equal(drv_rd(VIRTIO_MMIO_QUEUE_READY), 0);
	assert_false(virtio_mmio_irq_level(&dev));
	assert_int_equal(resets, 3);			/* init, drv_negotiate()'s and this one */
}

/* A feature the device requires: FEATURES_OK only with it (virtio-mem's UNPLUGGED_INACCESSIBLE). */
static void required_features_are_enforced(void **state)
{
	static const struct virtio_dev_ops req_ops = {
		.device_id = 24, .features = 1ULL << 33 | 1ULL << 1, .required_features = 1ULL << 1,
		.nr_queues = 1, .queue_max = 16, .notify = model_notify,
	};
	static const struct virtq_mem m = { mem_read, mem_write, NULL };

	virtio_mmio_init(&dev, &req_ops, NULL, &m);
	assert_false(drv_negotiate(VIRTIO_F_VERSION_1 | 1ULL << 33) & VIRTIO_STATUS_FEATURES_OK);
	assert_true(drv_negotiate(VIRTIO_F_VERSION_1 | 1ULL << 1) & VIRTIO_STATUS_FEATURES_OK);
}

/* The model's config changed: the generation moves; the interrupt only when asked and DRIVER_OK. */
static void config_changes_are_signalled(void **state)
{
	u32 gen = drv_rd(VIRTIO_MMIO_CONFIG_GENERATION);

	virtio_mmio_config_changed(&dev, true);			/* before DRIVER_OK: no interrupt */
	assert_int_equal(drv_rd(VIRTIO_MMIO_CONFIG_GENERATION), gen + 1);
	assert_false(virtio_mmio_irq_level(&dev));
	driver_ok();
	virtio_mmio_config_changed(&dev, false);		/* silent: the generation only */
	assert_int_equal(drv_rd(VIRTIO_MMIO_CONFIG_GENERATION), gen + 2);
	assert_false(virtio_mmio_irq_level(&dev));
	virtio_mmio_config_changed(&dev, true);
	assert_int_equal(drv_rd(VIRTIO_MMIO_CONFIG_GENERATION), gen + 3);
	assert_int_equal(drv_rd(VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_INT_CONFIG);
	drv_wr(VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_INT_CONFIG);
	assert_false(virtio_mmio_irq_level(&dev));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(identification, setup),
		cmocka_unit_test_setup(features_are_negotiated, setup),
		cmocka_unit_test_setup(queue_setup_rules, setup),
		cmocka_unit_test_setup(a_notification_runs_the_queue, setup),
		cmocka_unit_test_setup(a_broken_queue_needs_reset, setup),
		cmocka_unit_test_setup(required_features_are_enforced, setup),
		cmocka_unit_test_setup(config_changes_are_signalled, setup),
	};

	return cmocka_run_group_tests_name("virtio_mmio", tests, NULL, NULL);
}
