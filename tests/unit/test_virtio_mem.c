/*
 * virtio-mem (devices/virtio_mem.c) driven through the virtio-mmio window
 * as Linux's virtio_mem drives it, over a fake guest memory: the
 * identification, UNPLUGGED_INACCESSIBLE required, the config space;
 * plug and unplug sequences with the VM's hooks called once per block;
 * every refusal (alignment, empty and out-of-region ranges, past
 * requested_size, plugged or unplugged blocks, unknown types); a hook
 * failing part way with the request undone; UNPLUG_ALL; STATE; the
 * config-change interrupt on set_requested; malformed requests breaking
 * the queue; and random requests checked against a reference bitmap.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "devices/virtio_mem.h"
#include "fake_virtio_driver.h"

#define BASE 0x100000000ULL	/* the region: 4 GiB up */
#define BS 0x200000ULL		/* 2 MiB blocks */
#define NBLOCKS 64
#define REQ 0x4000
#define RESP 0x5000
#define FEATURES (VIRTIO_F_VERSION_1 | VIRTIO_MEM_F_UNPLUGGED_INACCESSIBLE)

static struct virtio_mem vmem;
static bool slot[NBLOCKS];	/* the VM's memslots, as the hooks saw them */
static int hook_calls, fail_at;	/* fail_at: the hook call (1-based) that fails; 0 none */

static int hook(u64 addr, u64 size, bool plug)
{
	u64 i = (addr - BASE) / BS;

	assert_int_equal(size, BS);
	assert_int_equal((addr - BASE) % BS, 0);
	assert_true(i < NBLOCKS);
	assert_true(slot[i] != plug);		/* never twice */
	if (++hook_calls == fail_at)
		return -ENOMEM;
	slot[i] = plug;
	return 0;
}

static int hook_plug(void *ctx, u64 addr, u64 size)
{
	return hook(addr, size, true);
}

static int hook_unplug(void *ctx, u64 addr, u64 size)
{
	return hook(addr, size, false);
}

static const struct virtio_mem_hooks hooks = { hook_plug, hook_unplug, NULL };

static int setup(void **state)
{
	memset(slot, 0, sizeof(slot));
	hook_calls = fail_at = 0;
	assert_int_equal(virtio_mem_init(&vmem, BASE, NBLOCKS * BS, BS, &hooks, &dev), 0);
	assert_true(drv_probe(&virtio_mem_ops, &vmem, FEATURES, 8));
	return 0;
}

static u64 config64(u32 off)
{
	return virtio_mmio_read(&dev, VIRTIO_MMIO_CONFIG + off, 4) |
	       (u64)virtio_mmio_read(&dev, VIRTIO_MMIO_CONFIG + off + 4, 4) << 32;
}

/* Linux's virtio_mem_send_request(): request, response; the response type, state in *state. */
static int send(u16 type, u64 addr, u16 nb, u16 *state)
{
	struct virtio_mem_req req = { .type = type, .addr = addr, .nb_blocks = nb };
	struct virtio_mem_resp resp;
	const struct drv_buf b[] = { { REQ, sizeof(req), false }, { RESP, sizeof(resp), true } };

	memcpy(mem + REQ, &req, sizeof(req));
	memset(mem + RESP, 0xff, sizeof(resp));
	if (drv_request(b, 2) != sizeof(resp))
		return -1;
	memcpy(&resp, mem + RESP, sizeof(resp));
	if (state)
		*state = resp.state;
	return resp.type;
}

static u64 blk(u64 i)
{
	return BASE + i * BS;
}

/* The device's bitmap, the hooks' slots and plugged_size all say the same. */
static void assert_consistent(void)
{
	u64 n = 0;

	for (u64 i = 0; i < NBLOCKS; i++) {
		assert_int_equal(virtio_mem_block_plugged(&vmem, i), slot[i]);
		n += slot[i];
	}
	assert_int_equal(config64(offsetof(struct virtio_mem_config, plugged_size)), n * BS);
}

static void identification_and_config(void **state)
{
	assert_int_equal(drv_rd(VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_MEM);
	assert_int_equal(drv_device_features(), FEATURES);
	assert_int_equal(config64(0), BS);
	assert_int_equal(config64(offsetof(struct virtio_mem_config, addr)), BASE);
	assert_int_equal(config64(offsetof(struct virtio_mem_config, region_size)), NBLOCKS * BS);
	assert_int_equal(config64(offsetof(struct virtio_mem_config, usable_region_size)), NBLOCKS * BS);
	assert_int_equal(config64(offsetof(struct virtio_mem_config, requested_size)), 0);
	/* A driver without UNPLUGGED_INACCESSIBLE is refused. */
	assert_false(drv_negotiate(VIRTIO_F_VERSION_1) & VIRTIO_STATUS_FEATURES_OK);
}

static void init_checks_its_arguments(void **state)
{
	struct virtio_mem m;
	const struct virtio_mem_hooks none = { NULL, hook_unplug, NULL };

	assert_int_equal(virtio_mem_init(&m, BASE, BS, 0x3000, &hooks, NULL), -EINVAL);	/* not 2^n */
	assert_int_equal(virtio_mem_init(&m, BASE, BS, 0x800, &hooks, NULL), -EINVAL);	/* < 4 KiB */
	assert_int_equal(virtio_mem_init(&m, BASE + 0x1000, BS, BS, &hooks, NULL), -EINVAL);
	assert_int_equal(virtio_mem_init(&m, BASE, BS + 0x1000, BS, &hooks, NULL), -EINVAL);
	assert_int_equal(virtio_mem_init(&m, BASE, 0, BS, &hooks, NULL), -EINVAL);
	assert_int_equal(virtio_mem_init(&m, BASE, (VIRTIO_MEM_MAX_BLOCKS + 1) * BS, BS, &hooks, NULL),
			 -EINVAL);
	assert_int_equal(virtio_mem_init(&m, -BS, 2 * BS, BS, &hooks, NULL), -EINVAL);	/* wraps */
	assert_int_equal(virtio_mem_init(&m, BASE, BS, BS, &none, NULL), -EINVAL);
	assert_int_equal(virtio_mem_init(&m, BASE, VIRTIO_MEM_MAX_BLOCKS * BS, BS, &hooks, NULL), 0);
}

static void set_requested_raises_the_config_interrupt(void **state)
{
	u32 gen = drv_rd(VIRTIO_MMIO_CONFIG_GENERATION);

	assert_int_equal(virtio_mem_set_requested(&vmem, BS + 1), -EINVAL);
	assert_int_equal(virtio_mem_set_requested(&vmem, (NBLOCKS + 1) * BS), -EINVAL);
	assert_false(virtio_mmio_irq_level(&dev));
	assert_int_equal(virtio_mem_set_requested(&vmem, 8 * BS), 0);
	assert_int_equal(config64(offsetof(struct virtio_mem_config, requested_size)), 8 * BS);
	assert_int_equal(drv_rd(VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_INT_CONFIG);
	assert_int_not_equal(drv_rd(VIRTIO_MMIO_CONFIG_GENERATION), gen);
	drv_wr(VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_INT_CONFIG);
	/* A plug changes plugged_size and the generation, with no config interrupt. */
	gen = drv_rd(VIRTIO_MMIO_CONFIG_GENERATION);
	assert_int_equal(send(VIRTIO_MEM_REQ_PLUG, blk(0), 1, NULL), VIRTIO_MEM_RESP_ACK);
	assert_int_not_equal(drv_rd(VIRTIO_MMIO_CONFIG_GENERATION), gen);
	assert_int_equal(drv_rd(VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_INT_USED_RING);
}

static void plug_and_unplug(void **state)
{
	u16 st;

	assert_int_equal(virtio_mem_set_requested(&vmem, 8 * BS), 0);
	assert_int_equal(send(VIRTIO_MEM_REQ_PLUG, blk(2), 4, NULL), VIRTIO_MEM_RESP_ACK);
	assert_int_equal(hook_calls, 4);			/* once per block */
	assert_true(slot[2] && slot[5] && !slot[1] && !slot[6]);
	assert_consistent();
	assert_int_equal(send(VIRTIO_MEM_REQ_STATE, blk(2), 4, &st), VIRTIO_MEM_RESP_ACK);
	assert_int_equal(st, VIRTIO_MEM_STATE_PLUGGED);
	assert_int_equal(send(VIRTIO_MEM_REQ_STATE, blk(0), 4, &st), VIRTIO_MEM_RESP_ACK);
	assert_int_equal(st, VIRTIO_MEM_STATE_MIXED);
	assert_int_equal(send(VIRTIO_MEM_REQ_STATE, blk(6), 58, &st), VIRTIO_MEM_RESP_ACK);
	assert_int_equal(st, VIRTIO_MEM_STATE_UNPLUGGED);
	assert_int_equal(send(VIRTIO_MEM_REQ_UNPLUG, blk(3), 2, NULL), VIRTIO_MEM_RESP_ACK);
	assert_true(slot[2] && !slot[3] && !slot[4] && slot[5]);
	assert_consistent();
	assert_int_equal(send(VIRTIO_MEM_REQ_PLUG, blk(NBLOCKS - 4), 4, NULL), VIRTIO_MEM_RESP_ACK);
	assert_consistent();
	assert_int_equal(vmem.stats.blocks_plugged, 8);
	assert_int_equal(vmem.stats.blocks_unplugged, 2);
}

static void refusals(void **state)
{
	assert_int_equal(virtio_mem_set_requested(&vmem, 4 * BS), 0);
	assert_int_equal(send(VIRTIO_MEM_REQ_PLUG, blk(0) + 0x1000, 1, NULL), VIRTIO_MEM_RESP_ERROR);
	assert_int_equal(send(VIRTIO_MEM_REQ_PLUG, blk(0), 0, NULL), VIRTIO_MEM_RESP_ERROR);
	assert_int_equal(send(VIRTIO_MEM_REQ_PLUG, BASE - BS, 1, NULL), VIRTIO_MEM_RESP_ERROR);
	assert_int_equal(send(VIRTIO_MEM_REQ_PLUG, blk(NBLOCKS), 1, NULL), VIRTIO_MEM_RESP_ERROR);
	assert_int_equal(send(VIRTIO_MEM_REQ_PLUG, blk(NBLOCKS - 1), 2, NULL), VIRTIO_MEM_RESP_ERROR);
	assert_int_equal(send(VIRTIO_MEM_REQ_PLUG, blk(1), 0xffff, NULL), VIRTIO_MEM_RESP_ERROR);
	assert_int_equal(send(VIRTIO_MEM_REQ_PLUG, ~0ULL - BS + 1, 1, NULL), VIRTIO_MEM_RESP_ERROR);
	assert_int_equal(send(VIRTIO_MEM_REQ_PLUG, blk(0), 5, NULL), VIRTIO_MEM_RESP_NACK);
	assert_int_equal(send(VIRTIO_MEM_REQ_PLUG, blk(0), 2, NULL), VIRTIO_MEM_RESP_ACK);
	assert_int_equal(send(VIRTIO_MEM_REQ_PLUG, blk(1), 2, NULL), VIRTIO_MEM_RESP_ERROR);	/* 1 plugged */
	assert_int_equal(send(VIRTIO_MEM_REQ_PLUG, blk(2), 3, NULL), VIRTIO_MEM_RESP_NACK);	/* 2 + 3 > 4 */
	assert_int_equal(send(VIRTIO_MEM_REQ_UNPLUG, blk(1), 2, NULL), VIRTIO_MEM_RESP_ERROR);	/* 2 not */
	assert_int_equal(send(VIRTIO_MEM_REQ_UNPLUG, blk(0), 0, NULL), VIRTIO_MEM_RESP_ERROR);
	assert_int_equal(send(VIRTIO_MEM_REQ_UNPLUG, blk(0) + BS / 2, 1, NULL), VIRTIO_MEM_RESP_ERROR);
	assert_int_equal(send(VIRTIO_MEM_REQ_STATE, blk(NBLOCKS - 1), 2, NULL), VIRTIO_MEM_RESP_ERROR);
	assert_int_equal(send(VIRTIO_MEM_REQ_STATE, blk(0), 0, NULL), VIRTIO_MEM_RESP_ERROR);
	assert_int_equal(send(4, blk(0), 1, NULL), VIRTIO_MEM_RESP_ERROR);		/* unknown */
	assert_int_equal(hook_calls, 2);
	assert_consistent();
	assert_int_equal(vmem.stats.nacks, 2);
	assert_false(drv_needs_reset());
}

/* The third block's hook fails: the two before are undone, BUSY, nothing changed. */
static void a_hook_failure_changes_nothing(void **state)
{
	assert_int_equal(virtio_mem_set_requested(&vmem, 16 * BS), 0);
	assert_int_equal(send(VIRTIO_MEM_REQ_PLUG, blk(10), 2, NULL), VIRTIO_MEM_RESP_ACK);
	fail_at = hook_calls + 3;
	assert_int_equal(send(VIRTIO_MEM_REQ_PLUG, blk(0), 4, NULL), VIRTIO_MEM_RESP_BUSY);
	assert_int_equal(hook_calls, 2 + 3 + 2);		/* 2 plugged, 1 failed, 2 undone */
	assert_true(!slot[0] && !slot[1] && !slot[2] && slot[10] && slot[11]);
	assert_consistent();
	fail_at = hook_calls + 2;
	assert_int_equal(send(VIRTIO_MEM_REQ_UNPLUG, blk(10), 2, NULL), VIRTIO_MEM_RESP_BUSY);
	assert_true(slot[10] && slot[11]);
	assert_consistent();
	assert_int_equal(vmem.stats.hook_failures, 2);
	assert_int_equal(send(VIRTIO_MEM_REQ_UNPLUG, blk(10), 2, NULL), VIRTIO_MEM_RESP_ACK);
	assert_consistent();
}

static void unplug_all(void **state)
{
	assert_int_equal(virtio_mem_set_requested(&vmem, NBLOCKS * BS), 0);
	assert_int_equal(send(VIRTIO_MEM_REQ_PLUG, blk(1), 3, NULL), VIRTIO_MEM_RESP_ACK);
	assert_int_equal(send(VIRTIO_MEM_REQ_PLUG, blk(40), 10, NULL), VIRTIO_MEM_RESP_ACK);
	fail_at = hook_calls + 5;				/* the 5th unplug fails: BUSY */
	assert_int_equal(send(VIRTIO_MEM_REQ_UNPLUG_ALL, 0, 0, NULL), VIRTIO_MEM_RESP_BUSY);
	assert_consistent();
	assert_int_equal(config64(offsetof(struct virtio_mem_config, plugged_size)), 9 * BS);
	assert_int_equal(send(VIRTIO_MEM_REQ_UNPLUG_ALL, 0, 0, NULL), VIRTIO_MEM_RESP_ACK);
	assert_consistent();
	assert_int_equal(config64(offsetof(struct virtio_mem_config, plugged_size)), 0);
	assert_int_equal(send(VIRTIO_MEM_REQ_UNPLUG_ALL, 0, 0, NULL), VIRTIO_MEM_RESP_ACK);
	/* A reset keeps what is plugged: the driver will ask UNPLUG_ALL. */
	assert_int_equal(send(VIRTIO_MEM_REQ_PLUG, blk(7), 1, NULL), VIRTIO_MEM_RESP_ACK);
	drv_wr(VIRTIO_MMIO_STATUS, 0);
	assert_true(slot[7]);
	assert_int_equal(config64(offsetof(struct virtio_mem_config, plugged_size)), BS);
}

static void expect_broken(const struct drv_buf *b, unsigned int n, const char *why)
{
	assert_int_equal(drv_request(b, n), -1);
	assert_true(drv_needs_reset());
	assert_string_equal(dev.queues[0].vq.why, why);
}

static void short_request(void **state)
{
	const struct drv_buf b[] = { { REQ, 16, false }, { RESP, 10, true } };

	expect_broken(b, 2, "virtio-mem request shorter than 24 bytes");
}

static void short_response(void **state)
{
	const struct drv_buf b[] = { { REQ, 24, false }, { RESP, 8, true } };

	expect_broken(b, 2, "virtio-mem response buffer shorter than 10 bytes");
}

static void response_outside_memory(void **state)
{
	const struct drv_buf b[] = { { REQ, 24, false }, { MEM_SIZE, 10, true } };

	expect_broken(b, 2, "virtio-mem response not in guest memory");
}

/* A request in no memslot: ERROR, the device goes on. */
static void request_outside_memory(void **state)
{
	const struct drv_buf b[] = { { MEM_SIZE, 24, false }, { RESP, 10, true } };
	struct virtio_mem_resp resp;

	assert_int_equal(drv_request(b, 2), 10);
	memcpy(&resp, mem + RESP, sizeof(resp));
	assert_int_equal(resp.type, VIRTIO_MEM_RESP_ERROR);
	assert_false(drv_needs_reset());
}

/* Random requests and sizes, hooks failing now and then, against a reference bitmap. */
static void random_requests_match_a_reference(void **state)
{
	bool ref[NBLOCKS] = { false };
	u64 requested = 0, plugged = 0;

	srand(24);
	for (int iter = 0; iter < 20000; iter++) {
		int op = rand() % 10;
		u64 first = rand() % (NBLOCKS + 4);
		u16 nb = (u16)(rand() % 12), st;
		u64 addr = blk(first) + (rand() % 16 ? 0 : 0x1000);
		bool range_ok = nb && first + nb <= NBLOCKS && addr == blk(first);
		u64 n = 0;
		int want;

		if (op == 0) {
			requested = BS * (rand() % (NBLOCKS + 1));
			assert_int_equal(virtio_mem_set_requested(&vmem, requested), 0);
			continue;
		}
		fail_at = rand() % 8 ? 0 : hook_calls + 1 + rand() % 4;
		for (u64 i = first; range_ok && i < first + nb; i++)
			n += ref[i];
		if (op <= 4) {			/* PLUG */
			want = !range_ok ? VIRTIO_MEM_RESP_ERROR :
			       plugged + nb * BS > requested ? VIRTIO_MEM_RESP_NACK :
			       n ? VIRTIO_MEM_RESP_ERROR :
			       fail_at && fail_at <= hook_calls + nb ? VIRTIO_MEM_RESP_BUSY : VIRTIO_MEM_RESP_ACK;
			assert_int_equal(send(VIRTIO_MEM_REQ_PLUG, addr, nb, NULL), want);
		} else if (op <= 7) {		/* UNPLUG */
			want = !range_ok || n != nb ? VIRTIO_MEM_RESP_ERROR :
			       fail_at && fail_at <= hook_calls + nb ? VIRTIO_MEM_RESP_BUSY : VIRTIO_MEM_RESP_ACK;
			assert_int_equal(send(VIRTIO_MEM_REQ_UNPLUG, addr, nb, NULL), want);
		} else if (op == 8) {		/* STATE */
			want = range_ok ? VIRTIO_MEM_RESP_ACK : VIRTIO_MEM_RESP_ERROR;
			fail_at = 0;
			assert_int_equal(send(VIRTIO_MEM_REQ_STATE, addr, nb, &st), want);
			if (range_ok)
				assert_int_equal(st, n == nb ? VIRTIO_MEM_STATE_PLUGGED :
						 n ? VIRTIO_MEM_STATE_MIXED : VIRTIO_MEM_STATE_UNPLUGGED);
			continue;
		} else {			/* UNPLUG_ALL: BUSY leaves some; the bitmap is checked below */
			send(VIRTIO_MEM_REQ_UNPLUG_ALL, 0, 0, NULL);
			memcpy(ref, slot, sizeof(ref));
			plugged = 0;
			for (int i = 0; i < NBLOCKS; i++)
				plugged += ref[i] * BS;
			assert_consistent();
			continue;
		}
		if (want == VIRTIO_MEM_RESP_ACK) {
			for (u64 i = first; i < first + nb; i++)
				ref[i] = op <= 4;
			plugged = op <= 4 ? plugged + nb * BS : plugged - nb * BS;
		}
		for (int i = 0; i < NBLOCKS; i++)
			assert_int_equal(slot[i], ref[i]);
		assert_consistent();
	}
	assert_false(drv_needs_reset());
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(identification_and_config, setup),
		cmocka_unit_test_setup(init_checks_its_arguments, setup),
		cmocka_unit_test_setup(set_requested_raises_the_config_interrupt, setup),
		cmocka_unit_test_setup(plug_and_unplug, setup),
		cmocka_unit_test_setup(refusals, setup),
		cmocka_unit_test_setup(a_hook_failure_changes_nothing, setup),
		cmocka_unit_test_setup(unplug_all, setup),
		cmocka_unit_test_setup(short_request, setup),
		cmocka_unit_test_setup(short_response, setup),
		cmocka_unit_test_setup(response_outside_memory, setup),
		cmocka_unit_test_setup(request_outside_memory, setup),
		cmocka_unit_test_setup(random_requests_match_a_reference, setup),
	};

	return cmocka_run_group_tests_name("virtio_mem", tests, NULL, NULL);
}
