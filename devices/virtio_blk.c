/* virtio-blk over an in-memory image (include/devices/virtio_blk.h). */
#include "devices/virtio_blk.h"
#include "devices/virtio_chain.h"
#include "lib/errno.h"
#include "lib/string.h"

int virtio_blk_init(struct virtio_blk *b, u8 *image, u64 size, bool read_only)
{
	if (!image || !size || size % VIRTIO_BLK_SECTOR_SIZE)
		return -EINVAL;
	memset(b, 0, sizeof(*b));
	b->image = image;
	b->size = size;
	b->read_only = read_only;
	b->config.capacity = size / VIRTIO_BLK_SECTOR_SIZE;
	b->config.seg_max = VIRTIO_BLK_SEG_MAX;
	b->config.blk_size = VIRTIO_BLK_SECTOR_SIZE;
	return 0;
}

/*
 * len bytes from sector on are on the disk (5.2.6.1: whole sectors), and
 * few enough for a used length; no overflow of sector * 512 + len,
 * whatever the guest wrote.
 */
static bool in_range(const struct virtio_blk *b, u64 sector, u64 len)
{
	u64 capacity = b->config.capacity;

	return !(len % VIRTIO_BLK_SECTOR_SIZE) && len <= VIRTIO_BLK_MAX_DATA &&
	       sector <= capacity && len / VIRTIO_BLK_SECTOR_SIZE <= capacity - sector;
}

/* One request in progress: its buffers and what it has written so far. */
struct blk_req {
	const struct virtq_chain *c;
	const struct virtq_mem *m;
	struct virtio_blk_req_hdr hdr;
	u64 readable, writable;	/* stream lengths; writable counts the status byte */
	u32 data_written;	/* bytes of data put into the driver's buffers */
};

/* T_IN (5.2.6): the writable bytes before the status byte, from the image. */
static u8 blk_read(struct virtio_blk *b, struct blk_req *r)
{
	u64 len = r->writable - 1;

	if (!in_range(b, r->hdr.sector, len))
		return VIRTIO_BLK_S_IOERR;
	if (virtio_chain_write(r->c, r->m, 0, b->image + r->hdr.sector * VIRTIO_BLK_SECTOR_SIZE, len))
		return VIRTIO_BLK_S_IOERR;
	r->data_written = (u32)len;	/* in_range(): below VIRTIO_BLK_MAX_DATA */
	b->stats.bytes_read += len;
	return VIRTIO_BLK_S_OK;
}

/* T_OUT: the readable bytes after the header, into the image (5.2.6.2: not on a read-only disk). */
static u8 blk_write(struct virtio_blk *b, struct blk_req *r)
{
	u64 len = r->readable - sizeof(r->hdr);

	if (b->read_only || !in_range(b, r->hdr.sector, len))
		return VIRTIO_BLK_S_IOERR;
	if (virtio_chain_read(r->c, r->m, sizeof(r->hdr),
			      b->image + r->hdr.sector * VIRTIO_BLK_SECTOR_SIZE, len))
		return VIRTIO_BLK_S_IOERR;
	b->stats.bytes_written += len;
	return VIRTIO_BLK_S_OK;
}

/* T_GET_ID: up to 20 bytes of the ID string, NUL-padded (5.2.6). */
static u8 blk_get_id(struct blk_req *r)
{
	char id[VIRTIO_BLK_ID_BYTES] = VIRTIO_BLK_ID;
	u32 len = r->writable - 1 < VIRTIO_BLK_ID_BYTES ? (u32)(r->writable - 1) : VIRTIO_BLK_ID_BYTES;

	if (virtio_chain_write(r->c, r->m, 0, id, len))
		return VIRTIO_BLK_S_IOERR;
	r->data_written = len;
	return VIRTIO_BLK_S_OK;
}

static u8 blk_serve(struct virtio_blk *b, struct blk_req *r)
{
	if (virtio_chain_read(r->c, r->m, 0, &r->hdr, sizeof(r->hdr)))
		return VIRTIO_BLK_S_IOERR;
	switch (r->hdr.type) {
	case VIRTIO_BLK_T_IN: return blk_read(b, r);
	case VIRTIO_BLK_T_OUT: return blk_write(b, r);
	case VIRTIO_BLK_T_FLUSH: return VIRTIO_BLK_S_OK;	/* the image is the medium */
	case VIRTIO_BLK_T_GET_ID: return blk_get_id(r);
	default: return VIRTIO_BLK_S_UNSUPP;
	}
}

static void count(struct virtio_blk *b, u8 status)
{
	b->stats.requests++;
	if (status == VIRTIO_BLK_S_IOERR)
		b->stats.errors++;
	else if (status == VIRTIO_BLK_S_UNSUPP)
		b->stats.unsupported++;
}

/*
 * One request: the used length, or -1 with *why set when the device
 * cannot answer it (the queue is then broken).
 */
static s64 blk_request(struct virtio_blk *b, const struct virtq_mem *m, const struct virtq_chain *c,
		       const char **why)
{
	const struct virtq_buf *last = &c->bufs[c->nr - 1];
	struct blk_req r = { .c = c, .m = m };
	u8 status;

	if (!last->device_writes || !last->len) {
		*why = "virtio-blk request without a status byte";
		return -1;
	}
	r.readable = virtio_chain_len(c, false);
	r.writable = virtio_chain_len(c, true);
	if (r.readable < sizeof(r.hdr)) {
		*why = "virtio-blk request header shorter than 16 bytes";
		return -1;
	}
	status = blk_serve(b, &r);
	if (status != VIRTIO_BLK_S_OK)
		r.data_written = 0;
	count(b, status);
	if (m->write(m->ctx, last->gpa + last->len - 1, &status, 1)) {
		*why = "virtio-blk status byte not in guest memory";
		return -1;
	}
	return (s64)r.data_written + 1;
}

static void virtio_blk_notify(struct virtio_mmio *vm, unsigned int q)
{
	struct virtio_blk *b = vm->dev;
	struct virtq *vq = virtio_mmio_queue(vm, q);
	struct virtq_chain c;
	const char *why;
	s64 used;

	while (virtq_pop(vq, &vm->mem, &c) == 1) {
		used = blk_request(b, &vm->mem, &c, &why);
		if (used < 0) {
			virtq_mark_broken(vq, why);
			break;
		}
		if (virtq_push(vq, &vm->mem, c.head, (u32)used))
			break;
		virtio_mmio_used(vm);
	}
	if (vq->broken)
		virtio_mmio_broken(vm, q);
}

static u8 virtio_blk_config_read(struct virtio_mmio *vm, u32 offset)
{
	const struct virtio_blk *b = vm->dev;

	return ((const u8 *)&b->config)[offset];
}

#define VIRTIO_BLK_FEATURES (VIRTIO_BLK_F_SEG_MAX | VIRTIO_BLK_F_BLK_SIZE | VIRTIO_BLK_F_FLUSH)

const struct virtio_dev_ops virtio_blk_ops = {
	.device_id = VIRTIO_ID_BLOCK,
	.features = VIRTIO_BLK_FEATURES,
	.nr_queues = 1,
	.queue_max = VIRTIO_BLK_QUEUE_MAX,
	.notify = virtio_blk_notify,
	.config_read = virtio_blk_config_read,
	.config_len = sizeof(struct virtio_blk_config),
};

const struct virtio_dev_ops virtio_blk_ro_ops = {
	.device_id = VIRTIO_ID_BLOCK,
	.features = VIRTIO_BLK_FEATURES | VIRTIO_BLK_F_RO,
	.nr_queues = 1,
	.queue_max = VIRTIO_BLK_QUEUE_MAX,
	.notify = virtio_blk_notify,
	.config_read = virtio_blk_config_read,
	.config_len = sizeof(struct virtio_blk_config),
};

const struct virtio_dev_ops *virtio_blk_dev_ops(const struct virtio_blk *b)
{
	return b->read_only ? &virtio_blk_ro_ops : &virtio_blk_ops;
}
