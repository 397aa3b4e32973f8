/* A request's buffers as two byte streams (include/devices/virtio_chain.h). */
#include "devices/virtio_chain.h"
#include "lib/errno.h"

u64 virtio_chain_len(const struct virtq_chain *c, bool writable)
{
	u64 len = 0;

	for (unsigned int i = 0; i < c->nr; i++)
		if (c->bufs[i].device_writes == writable)
			len += c->bufs[i].len;
	return len;
}

/*
 * Walk the buffers of one direction from offset off for len bytes, reading
 * into rd or writing from wr (one of them is NULL).
 */
static int copy(const struct virtq_chain *c, const struct virtq_mem *m, bool writable,
		u64 off, u8 *rd, const u8 *wr, u64 len)
{
	if (len > virtio_chain_len(c, writable) || off > virtio_chain_len(c, writable) - len)
		return -EINVAL;
	for (unsigned int i = 0; i < c->nr && len; i++) {
		const struct virtq_buf *b = &c->bufs[i];
		u32 n;
		int err;

		if (b->device_writes != writable)
			continue;
		if (off >= b->len) {
			off -= b->len;
			continue;
		}
		n = len < b->len - off ? (u32)len : b->len - (u32)off;
		err = rd ? m->read(m->ctx, b->gpa + off, rd, n) : m->write(m->ctx, b->gpa + off, wr, n);
		if (err)
			return err;
		if (rd)
			rd += n;
		else
			wr += n;
		len -= n;
		off = 0;
	}
	return 0;
}

int virtio_chain_read(const struct virtq_chain *c, const struct virtq_mem *m, u64 off,
		      void *buf, u64 len)
{
	return copy(c, m, false, off, buf, NULL, len);
}

int virtio_chain_write(const struct virtq_chain *c, const struct virtq_mem *m, u64 off,
		       const void *buf, u64 len)
{
	return copy(c, m, true, off, NULL, buf, len);
}
