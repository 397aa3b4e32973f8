/* virtio-rng, the entropy device (include/devices/virtio_rng.h). */
#include "devices/virtio_rng.h"
#include "lib/string.h"

#define CHUNK 256	/* bytes asked of the fill callback at a time */

void virtio_rng_init(struct virtio_rng *r, void (*fill)(void *ctx, void *buf, u32 len), void *ctx)
{
	memset(r, 0, sizeof(*r));
	r->fill = fill;
	r->ctx = ctx;
}

/* Fill buffer b from its start, at most want bytes: the bytes written before any failed write. */
static u32 fill_buf(struct virtio_rng *r, const struct virtq_mem *m, const struct virtq_buf *b,
		    u32 want)
{
	u8 chunk[CHUNK];
	u32 done = 0;

	while (done < want) {
		u32 n = want - done < CHUNK ? want - done : CHUNK;

		r->fill(r->ctx, chunk, n);
		if (m->write(m->ctx, b->gpa + done, chunk, n))
			break;
		done += n;
	}
	memset(chunk, 0, sizeof(chunk));	/* no entropy left behind on the stack */
	return done;
}

/*
 * Fill c's writable buffers in order (5.4.6.2), up to VIRTIO_RNG_MAX_PER_REQUEST
 * bytes: the bytes written, a prefix of the writable space.
 */
static u32 fill_request(struct virtio_rng *r, const struct virtq_mem *m, const struct virtq_chain *c)
{
	u32 total = 0;

	for (unsigned int i = 0; i < c->nr && total < VIRTIO_RNG_MAX_PER_REQUEST; i++) {
		const struct virtq_buf *b = &c->bufs[i];
		u32 want, done;

		if (!b->device_writes)
			continue;
		want = b->len < VIRTIO_RNG_MAX_PER_REQUEST - total ? b->len :
			VIRTIO_RNG_MAX_PER_REQUEST - total;
		done = fill_buf(r, m, b, want);
		total += done;
		if (done < want) {
			r->faults++;
			break;
		}
	}
	return total;
}

static void virtio_rng_notify(struct virtio_mmio *vm, unsigned int q)
{
	struct virtio_rng *r = vm->dev;
	struct virtq *vq = virtio_mmio_queue(vm, q);
	struct virtq_chain c;
	int ret;

	while ((ret = virtq_pop(vq, &vm->mem, &c)) == 1) {
		u32 written = fill_request(r, &vm->mem, &c);

		r->requests++;
		r->bytes += written;
		if (virtq_push(vq, &vm->mem, c.head, written))
			break;
		virtio_mmio_used(vm);
	}
	if (vq->broken)
		virtio_mmio_broken(vm, q);
}

const struct virtio_dev_ops virtio_rng_ops = {
	.device_id = VIRTIO_ID_RNG,
	.features = 0,
	.nr_queues = 1,
	.queue_max = VIRTIO_RNG_QUEUE_MAX,
	.notify = virtio_rng_notify,
};
