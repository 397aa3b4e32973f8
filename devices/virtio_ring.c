/* The split virtqueue, device side (include/devices/virtio_ring.h). */
#include "devices/virtio_ring.h"
#include "lib/errno.h"
#include "lib/string.h"

int virtq_init(struct virtq *q, u16 size, u64 desc, u64 avail, u64 used)
{
	if (!size || size > VIRTQ_MAX_SIZE || (size & (size - 1)))
		return -EINVAL;
	memset(q, 0, sizeof(*q));
	q->size = size;
	q->desc = desc;
	q->avail = avail;
	q->used = used;
	return 0;
}

static int broken(struct virtq *q, int err, const char *why)
{
	q->broken = true;
	q->why = why;
	return err;
}

static int read_u16(const struct virtq_mem *m, u64 gpa, u16 *val)
{
	return m->read(m->ctx, gpa, val, sizeof(*val));
}

/* Descriptor idx of the table, checked on its own: flags known, no wrap. */
static int read_desc(struct virtq *q, const struct virtq_mem *m, u16 idx, struct virtq_desc *d)
{
	if (idx >= q->size)
		return broken(q, -EINVAL, "descriptor index past the queue");
	if (m->read(m->ctx, q->desc + (u64)idx * sizeof(*d), d, sizeof(*d)))
		return broken(q, -EFAULT, "descriptor table not in guest memory");
	if (d->flags & VIRTQ_DESC_F_INDIRECT)
		return broken(q, -EINVAL, "indirect descriptor (not offered)");
	if (d->addr + d->len < d->addr)
		return broken(q, -EINVAL, "buffer wraps the address space");
	return 0;
}

/* Follow the chain from head into c (2.7.5): at most size links, readable before writable. */
static int walk_chain(struct virtq *q, const struct virtq_mem *m, u16 head, struct virtq_chain *c)
{
	struct virtq_desc d;
	u16 idx = head;
	int err;

	c->head = head;
	c->nr = 0;
	for (unsigned int links = 0;; links++) {
		if (links == q->size)
			return broken(q, -ELOOP, "descriptor chain loops");
		if (c->nr == VIRTQ_MAX_CHAIN)
			return broken(q, -E2BIG, "descriptor chain longer than the device takes");
		err = read_desc(q, m, idx, &d);
		if (err)
			return err;
		if (c->nr && c->bufs[c->nr - 1].device_writes && !(d.flags & VIRTQ_DESC_F_WRITE))
			return broken(q, -EINVAL, "device-readable descriptor after a writable one");
		c->bufs[c->nr++] = (struct virtq_buf){ .gpa = d.addr, .len = d.len,
						       .device_writes = d.flags & VIRTQ_DESC_F_WRITE };
		if (!(d.flags & VIRTQ_DESC_F_NEXT))
			return 1;
		idx = d.next;
	}
}

int virtq_pop(struct virtq *q, const struct virtq_mem *m, struct virtq_chain *c)
{
	u16 avail_idx, head;

	if (q->broken)
		return -EIO;
	if (read_u16(m, q->avail + VIRTQ_AVAIL_IDX, &avail_idx))
		return broken(q, -EFAULT, "available ring not in guest memory");
	if ((u16)(avail_idx - q->last_avail) > q->size)
		return broken(q, -EINVAL, "available index more than the queue size ahead");
	if (avail_idx == q->last_avail)
		return 0;
	/* The entry is read after the index, as the driver wrote them in the other order (2.7.13). */
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	if (read_u16(m, q->avail + VIRTQ_AVAIL_RING + 2ULL * (q->last_avail % q->size), &head))
		return broken(q, -EFAULT, "available ring not in guest memory");
	q->last_avail++;
	return walk_chain(q, m, head, c);
}

int virtq_push(struct virtq *q, const struct virtq_mem *m, u16 head, u32 written)
{
	struct virtq_used_elem e = { .id = head, .len = written };
	u16 idx;

	if (q->broken)
		return -EIO;
	if (head >= q->size)
		return broken(q, -EINVAL, "used entry for a head past the queue");
	if (m->write(m->ctx, q->used + VIRTQ_USED_RING + 8ULL * (q->used_idx % q->size), &e,
		     sizeof(e)))
		return broken(q, -EFAULT, "used ring not in guest memory");
	/* The element before the index that publishes it (2.7.8.2). */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	idx = ++q->used_idx;
	if (m->write(m->ctx, q->used + VIRTQ_USED_IDX, &idx, sizeof(idx)))
		return broken(q, -EFAULT, "used ring not in guest memory");
	return 0;
}

void virtq_mark_broken(struct virtq *q, const char *why)
{
	broken(q, -EIO, why);
}
