/*
 * A fake guest memory for device tests: 64 KiB at guest-physical 0, read
 * and written through the accessors a device model is given (struct
 * virtq_mem); an access that leaves it fails with -EFAULT, as an address
 * in no memslot does.
 */
#pragma once

#include <string.h>
#include "devices/virtio_ring.h"
#include "lib/errno.h"

#define MEM_SIZE 0x10000

static u8 mem[MEM_SIZE];

static int mem_read(void *ctx, u64 gpa, void *buf, u32 len)
{
	if (gpa >= MEM_SIZE || len > MEM_SIZE - gpa)
		return -EFAULT;
	memcpy(buf, mem + gpa, len);
	return 0;
}

static int mem_write(void *ctx, u64 gpa, const void *buf, u32 len)
{
	if (gpa >= MEM_SIZE || len > MEM_SIZE - gpa)
		return -EFAULT;
	memcpy(mem + gpa, buf, len);
	return 0;
}
