/* virtio-mem, memory hot-plug (include/devices/virtio_mem.h). */
#include "devices/virtio_chain.h"
#include "devices/virtio_mem.h"
#include "lib/errno.h"
#include "lib/string.h"

int virtio_mem_init(struct virtio_mem *m, u64 addr, u64 region_size, u64 block_size,
		    const struct virtio_mem_hooks *hooks, struct virtio_mmio *transport)
{
	if (block_size < VIRTIO_MEM_MIN_BLOCK_SIZE || (block_size & (block_size - 1)) ||
	    addr % block_size || !region_size || region_size % block_size ||
	    region_size / block_size > VIRTIO_MEM_MAX_BLOCKS || addr + region_size < addr ||
	    !hooks->plug || !hooks->unplug)
		return -EINVAL;
	memset(m, 0, sizeof(*m));
	m->config.block_size = block_size;
	m->config.addr = addr;
	m->config.region_size = region_size;
	m->config.usable_region_size = region_size;
	m->hooks = *hooks;
	m->transport = transport;
	m->nr_blocks = region_size / block_size;
	return 0;
}

bool virtio_mem_block_plugged(const struct virtio_mem *m, u64 i)
{
	return i < m->nr_blocks && (m->plugged[i / 64] >> (i % 64) & 1);
}

/* Block i is now plugged or not: the bitmap and plugged_size follow (no config interrupt, 5.15.4). */
static void set_block(struct virtio_mem *m, u64 i, bool plugged)
{
	if (plugged) {
		m->plugged[i / 64] |= 1ULL << (i % 64);
		m->config.plugged_size += m->config.block_size;
	} else {
		m->plugged[i / 64] &= ~(1ULL << (i % 64));
		m->config.plugged_size -= m->config.block_size;
	}
	if (m->transport)
		virtio_mmio_config_changed(m->transport, false);
}

/* The hook for block i, and the block's state after it: 0 or the hook's error. */
static int hook_block(struct virtio_mem *m, u64 i, bool plug)
{
	u64 gpa = m->config.addr + i * m->config.block_size;
	int err = plug ? m->hooks.plug(m->hooks.ctx, gpa, m->config.block_size) :
			 m->hooks.unplug(m->hooks.ctx, gpa, m->config.block_size);

	if (err) {
		m->stats.hook_failures++;
		return err;
	}
	if (plug)
		m->stats.blocks_plugged++;
	else
		m->stats.blocks_unplugged++;
	set_block(m, i, plug);
	return 0;
}

/* addr and nb_blocks name blocks [*first, *first + nb) of the usable region (5.15.6). */
static bool valid_range(const struct virtio_mem *m, u64 addr, u16 nb, u64 *first)
{
	u64 usable = m->config.usable_region_size / m->config.block_size;
	u64 off = addr - m->config.addr;

	if (!nb || addr < m->config.addr || off % m->config.block_size)
		return false;
	*first = off / m->config.block_size;
	return *first < usable && nb <= usable - *first;
}

/* How many of blocks [first, first + nb) are plugged. */
static u64 count_plugged(const struct virtio_mem *m, u64 first, u16 nb)
{
	u64 n = 0;

	for (u64 i = first; i < first + nb; i++)
		n += virtio_mem_block_plugged(m, i);
	return n;
}

/*
 * Change blocks [first, first + nb) to plug, block by block; a hook
 * failing undoes the blocks done so far (5.15.6: a failed request
 * changes no block's state) and answers BUSY, as QEMU does: what fails
 * there is the hypervisor's (no memory for a block's backing), and Linux
 * tries a BUSY request again later, where ERROR would end its hot-plug.
 */
static u16 change_range(struct virtio_mem *m, u64 first, u16 nb, bool plug)
{
	for (u64 i = first; i < first + nb; i++) {
		if (!hook_block(m, i, plug))
			continue;
		while (i-- > first)
			hook_block(m, i, !plug);	/* a failure here leaves the block as it is, counted */
		return VIRTIO_MEM_RESP_BUSY;
	}
	return VIRTIO_MEM_RESP_ACK;
}

/* PLUG (5.15.6): ERROR for a bad range or a plugged block, NACK past requested_size. */
static u16 mem_plug(struct virtio_mem *m, const struct virtio_mem_req *req)
{
	u64 first;

	if (!valid_range(m, req->addr, req->nb_blocks, &first))
		return VIRTIO_MEM_RESP_ERROR;
	if (m->config.plugged_size + req->nb_blocks * m->config.block_size > m->config.requested_size)
		return VIRTIO_MEM_RESP_NACK;
	if (count_plugged(m, first, req->nb_blocks))
		return VIRTIO_MEM_RESP_ERROR;
	return change_range(m, first, req->nb_blocks, true);
}

/* UNPLUG (5.15.6): ERROR for a bad range or an unplugged block. */
static u16 mem_unplug(struct virtio_mem *m, const struct virtio_mem_req *req)
{
	u64 first;

	if (!valid_range(m, req->addr, req->nb_blocks, &first) ||
	    count_plugged(m, first, req->nb_blocks) != req->nb_blocks)
		return VIRTIO_MEM_RESP_ERROR;
	return change_range(m, first, req->nb_blocks, false);
}

/* UNPLUG_ALL (5.15.6): every plugged block; BUSY if a hook fails, the rest left for a retry. */
static u16 mem_unplug_all(struct virtio_mem *m)
{
	for (u64 i = 0; i < m->nr_blocks; i++)
		if (virtio_mem_block_plugged(m, i) && hook_block(m, i, false))
			return VIRTIO_MEM_RESP_BUSY;
	return VIRTIO_MEM_RESP_ACK;
}

/* STATE (5.15.6): ERROR for a bad range, else ACK with the blocks' state. */
static u16 mem_state(struct virtio_mem *m, const struct virtio_mem_req *req, u16 *state)
{
	u64 first, n;

	if (!valid_range(m, req->addr, req->nb_blocks, &first))
		return VIRTIO_MEM_RESP_ERROR;
	n = count_plugged(m, first, req->nb_blocks);
	*state = n == req->nb_blocks ? VIRTIO_MEM_STATE_PLUGGED :
		 !n ? VIRTIO_MEM_STATE_UNPLUGGED : VIRTIO_MEM_STATE_MIXED;
	return VIRTIO_MEM_RESP_ACK;
}

static u16 mem_serve(struct virtio_mem *m, const struct virtio_mem_req *req, u16 *state)
{
	switch (req->type) {
	case VIRTIO_MEM_REQ_PLUG: return mem_plug(m, req);
	case VIRTIO_MEM_REQ_UNPLUG: return mem_unplug(m, req);
	case VIRTIO_MEM_REQ_UNPLUG_ALL: return mem_unplug_all(m);
	case VIRTIO_MEM_REQ_STATE: return mem_state(m, req, state);
	default: return VIRTIO_MEM_RESP_ERROR;
	}
}

static void count(struct virtio_mem *m, u16 resp)
{
	m->stats.requests++;
	if (resp == VIRTIO_MEM_RESP_NACK)
		m->stats.nacks++;
	else if (resp == VIRTIO_MEM_RESP_ERROR)
		m->stats.errors++;
	else if (resp == VIRTIO_MEM_RESP_BUSY)
		m->stats.busy++;
}

/* One request: the used length, or 0 with *why set when the queue must break. */
static u32 mem_request(struct virtio_mem *m, const struct virtq_mem *gm, const struct virtq_chain *c,
		       const char **why)
{
	struct virtio_mem_resp resp = { 0 };
	struct virtio_mem_req req;

	if (virtio_chain_len(c, false) < sizeof(req)) {
		*why = "virtio-mem request shorter than 24 bytes";
		return 0;
	}
	if (virtio_chain_len(c, true) < sizeof(resp)) {
		*why = "virtio-mem response buffer shorter than 10 bytes";
		return 0;
	}
	if (virtio_chain_read(c, gm, 0, &req, sizeof(req)))
		resp.type = VIRTIO_MEM_RESP_ERROR;	/* the request is in no memslot */
	else
		resp.type = mem_serve(m, &req, &resp.state);
	count(m, resp.type);
	if (virtio_chain_write(c, gm, 0, &resp, sizeof(resp))) {
		*why = "virtio-mem response not in guest memory";
		return 0;
	}
	return sizeof(resp);
}

static void virtio_mem_notify(struct virtio_mmio *vm, unsigned int q)
{
	struct virtio_mem *m = vm->dev;
	struct virtq *vq = virtio_mmio_queue(vm, q);
	struct virtq_chain c;
	const char *why;
	u32 used;

	while (virtq_pop(vq, &vm->mem, &c) == 1) {
		used = mem_request(m, &vm->mem, &c, &why);
		if (!used) {
			virtq_mark_broken(vq, why);
			break;
		}
		if (virtq_push(vq, &vm->mem, c.head, used))
			break;
		virtio_mmio_used(vm);
	}
	if (vq->broken)
		virtio_mmio_broken(vm, q);
}

int virtio_mem_set_requested(struct virtio_mem *m, u64 size)
{
	if (size % m->config.block_size || size > m->config.region_size)
		return -EINVAL;
	m->config.requested_size = size;
	if (m->transport)
		virtio_mmio_config_changed(m->transport, true);
	return 0;
}

static u8 virtio_mem_config_read(struct virtio_mmio *vm, u32 offset)
{
	const struct virtio_mem *m = vm->dev;

	return ((const u8 *)&m->config)[offset];
}

const struct virtio_dev_ops virtio_mem_ops = {
	.device_id = VIRTIO_ID_MEM,
	.features = VIRTIO_MEM_F_UNPLUGGED_INACCESSIBLE,
	.required_features = VIRTIO_MEM_F_UNPLUGGED_INACCESSIBLE,
	.nr_queues = 1,
	.queue_max = VIRTIO_MEM_QUEUE_MAX,
	.notify = virtio_mem_notify,
	.config_read = virtio_mem_config_read,
	.config_len = sizeof(struct virtio_mem_config),
};
