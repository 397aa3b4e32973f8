/*
 * virtio-blk (devices/virtio_blk.c) driven through the virtio-mmio window
 * as Linux's virtio_blk drives it, over a fake guest memory and a 64 KiB
 * image: identification, features and config space; reads, writes,
 * flush, GET_ID, an unknown type; the header split across descriptors and
 * data sharing buffers with header and status; a read-only disk;
 * lengths not a multiple of 512 and sector ranges past the capacity
 * (overflowing ones too); data, header and status buffers outside guest
 * memory; requests without a status byte or with a short header; then
 * random requests in random framings checked against a reference image.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "devices/virtio_blk.h"
#include "fake_virtio_driver.h"

#define IMAGE_SIZE 0x10000
#define SECTORS (IMAGE_SIZE / 512)
#define HDR 0x4000	/* where the tests put a header */
#define DATA 0x5000	/* data buffers */
#define STATUS 0x8000	/* the status byte */
#define FEATURES (VIRTIO_F_VERSION_1 | VIRTIO_BLK_F_SEG_MAX | VIRTIO_BLK_F_BLK_SIZE | \
		  VIRTIO_BLK_F_FLUSH)

static struct virtio_blk blk;
static u8 image[IMAGE_SIZE];

static void fill_image(void)
{
	for (int i = 0; i < IMAGE_SIZE; i++)
		image[i] = (u8)(i * 7 + i / 512);
}

static int setup(void **state)
{
	fill_image();
	assert_int_equal(virtio_blk_init(&blk, image, IMAGE_SIZE, false), 0);
	assert_true(drv_probe(virtio_blk_dev_ops(&blk), &blk, FEATURES, 16));
	return 0;
}

static int setup_ro(void **state)
{
	fill_image();
	assert_int_equal(virtio_blk_init(&blk, image, IMAGE_SIZE, true), 0);
	assert_true(drv_probe(virtio_blk_dev_ops(&blk), &blk, FEATURES | VIRTIO_BLK_F_RO, 16));
	return 0;
}

static void put_hdr(u64 gpa, u32 type, u64 sector)
{
	struct virtio_blk_req_hdr h = { .type = type, .reserved = 0, .sector = sector };

	memcpy(mem + gpa, &h, sizeof(h));
}

/* Linux's framing: header, data (len bytes, device-writable for T_IN), status. */
static s64 request(u32 type, u64 sector, u32 len)
{
	const struct drv_buf b[] = {
		{ HDR, 16, false }, { DATA, len, type == VIRTIO_BLK_T_IN || type == VIRTIO_BLK_T_GET_ID },
		{ STATUS, 1, true },
	};

	put_hdr(HDR, type, sector);
	mem[STATUS] = 0xff;
	return len ? drv_request(b, 3) : drv_request((const struct drv_buf[]){ b[0], b[2] }, 2);
}

static u32 config32(u32 off)
{
	return virtio_mmio_read(&dev, VIRTIO_MMIO_CONFIG + off, 4);
}

static void identification(void **state)
{
	assert_int_equal(drv_rd(VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_BLOCK);
	assert_int_equal(drv_device_features(), FEATURES);
	assert_int_equal(drv_rd(VIRTIO_MMIO_QUEUE_NUM_MAX), VIRTIO_BLK_QUEUE_MAX);
	assert_int_equal(config32(0), SECTORS);			/* capacity, low */
	assert_int_equal(config32(4), 0);			/* capacity, high */
	assert_int_equal(config32(12), VIRTIO_BLK_SEG_MAX);
	assert_int_equal(config32(20), 512);			/* blk_size */
	assert_int_equal(config32(24), 0);			/* past what the device has */
}

static void sizes_are_checked(void **state)
{
	struct virtio_blk b;

	assert_int_equal(virtio_blk_init(&b, image, 1000, false), -EINVAL);
	assert_int_equal(virtio_blk_init(&b, image, 0, false), -EINVAL);
	assert_int_equal(virtio_blk_init(&b, NULL, 512, false), -EINVAL);
	assert_int_equal(virtio_blk_init(&b, image, 512, false), 0);
	assert_int_equal(b.config.capacity, 1);
}

static void reads_and_writes(void **state)
{
	assert_int_equal(request(VIRTIO_BLK_T_IN, 3, 1024), 1025);
	assert_int_equal(mem[STATUS], VIRTIO_BLK_S_OK);
	assert_memory_equal(mem + DATA, image + 3 * 512, 1024);
	memset(mem + DATA, 0x5a, 512);
	assert_int_equal(request(VIRTIO_BLK_T_OUT, 100, 512), 1);
	assert_int_equal(mem[STATUS], VIRTIO_BLK_S_OK);
	assert_memory_equal(image + 100 * 512, mem + DATA, 512);
	assert_int_equal(image[101 * 512], (u8)(101 * 512 * 7 + 101));	/* the next sector kept */
	assert_int_equal(request(VIRTIO_BLK_T_IN, SECTORS - 1, 512), 513);	/* the last sector */
	assert_int_equal(request(VIRTIO_BLK_T_IN, SECTORS, 0), 1);		/* nothing, at the end */
	assert_int_equal(mem[STATUS], VIRTIO_BLK_S_OK);
	assert_int_equal(blk.stats.requests, 4);
	assert_int_equal(blk.stats.bytes_read, 1536);
	assert_int_equal(blk.stats.bytes_written, 512);
	assert_true(virtio_mmio_irq_level(&dev));
}

static void flush_id_and_unknown_types(void **state)
{
	assert_int_equal(request(VIRTIO_BLK_T_FLUSH, 0, 0), 1);
	assert_int_equal(mem[STATUS], VIRTIO_BLK_S_OK);
	assert_int_equal(request(VIRTIO_BLK_T_GET_ID, 0, VIRTIO_BLK_ID_BYTES), 21);
	assert_memory_equal(mem + DATA, "slotvisor-disk\0\0\0\0\0\0", VIRTIO_BLK_ID_BYTES);
	memset(mem + DATA, 0xff, 32);
	assert_int_equal(request(VIRTIO_BLK_T_GET_ID, 0, 4), 5);	/* cut to the room given */
	assert_memory_equal(mem + DATA, "slot\xff", 5);
	assert_int_equal(request(11, 0, 0), 1);			/* DISCARD: not offered */
	assert_int_equal(mem[STATUS], VIRTIO_BLK_S_UNSUPP);
	assert_int_equal(request(0x80000000, 0, 0), 1);
	assert_int_equal(mem[STATUS], VIRTIO_BLK_S_UNSUPP);
	assert_int_equal(blk.stats.unsupported, 2);
}

/* The header over three buffers (5 + 3 + 8 bytes), the last one with the data; data and status in one buffer. */
static void framing_is_the_drivers(void **state)
{
	const struct drv_buf in[] = {
		{ HDR, 5, false }, { HDR + 5, 3, false }, { HDR + 8, 8, false }, { DATA, 513, true },
	};
	const struct drv_buf out[] = {
		{ HDR, 5, false }, { HDR + 5, 11 + 512, false }, { STATUS, 1, true },
	};

	put_hdr(HDR, VIRTIO_BLK_T_IN, 7);
	assert_int_equal(drv_request(in, 4), 513);
	assert_memory_equal(mem + DATA, image + 7 * 512, 512);
	assert_int_equal(mem[DATA + 512], VIRTIO_BLK_S_OK);
	put_hdr(HDR, VIRTIO_BLK_T_OUT, 9);
	memset(mem + HDR + 16, 0xa5, 512);
	mem[STATUS] = 0xff;
	assert_int_equal(drv_request(out, 3), 1);
	assert_int_equal(mem[STATUS], VIRTIO_BLK_S_OK);
	assert_memory_equal(image + 9 * 512, mem + HDR + 16, 512);
}

static void a_read_only_disk_refuses_writes(void **state)
{
	u8 before[512];

	assert_true(drv_device_features() & VIRTIO_BLK_F_RO);
	memcpy(before, image + 5 * 512, 512);
	memset(mem + DATA, 0, 512);
	assert_int_equal(request(VIRTIO_BLK_T_OUT, 5, 512), 1);
	assert_int_equal(mem[STATUS], VIRTIO_BLK_S_IOERR);
	assert_memory_equal(image + 5 * 512, before, 512);
	assert_int_equal(request(VIRTIO_BLK_T_IN, 5, 512), 513);	/* reads still work */
	assert_int_equal(blk.stats.errors, 1);
}

/* S_IOERR and nothing moved: the data buffer and the image stay as they were. */
static void expect_ioerr(u32 type, u64 sector, u32 len)
{
	memset(mem + DATA, 0x3c, 0x1000);
	assert_int_equal(request(type, sector, len), 1);
	assert_int_equal(mem[STATUS], VIRTIO_BLK_S_IOERR);
	for (int i = 0; i < 0x1000; i++)
		assert_int_equal(mem[DATA + i], 0x3c);
}

static void bad_lengths_and_ranges(void **state)
{
	u8 copy[IMAGE_SIZE];

	memcpy(copy, image, IMAGE_SIZE);
	expect_ioerr(VIRTIO_BLK_T_IN, 0, 100);			/* not whole sectors */
	expect_ioerr(VIRTIO_BLK_T_OUT, 0, 513);
	expect_ioerr(VIRTIO_BLK_T_IN, SECTORS - 1, 1024);	/* one sector past the end */
	expect_ioerr(VIRTIO_BLK_T_OUT, SECTORS, 512);
	expect_ioerr(VIRTIO_BLK_T_IN, SECTORS + 1, 0);
	expect_ioerr(VIRTIO_BLK_T_IN, 1ULL << 55, 512);		/* sector * 512 wraps to 0 */
	expect_ioerr(VIRTIO_BLK_T_OUT, ~0ULL, 512);		/* sector + 1 wraps to 0 */
	expect_ioerr(VIRTIO_BLK_T_IN, ~0ULL - 1, 1024);
	assert_memory_equal(image, copy, IMAGE_SIZE);
	assert_int_equal(blk.stats.errors, 8);
	assert_int_equal(blk.stats.bytes_read + blk.stats.bytes_written, 0);
}

/* Buffers in no memslot: that request fails with S_IOERR, the next one works. */
static void guest_memory_faults_fail_the_request(void **state)
{
	const struct drv_buf data_out[] = {
		{ HDR, 16, false }, { DATA, 512, true }, { MEM_SIZE + 0x1000, 512, true }, { STATUS, 1, true },
	};
	const struct drv_buf hdr_out[] = { { MEM_SIZE, 16, false }, { STATUS, 1, true } };

	put_hdr(HDR, VIRTIO_BLK_T_IN, 0);
	mem[STATUS] = 0xff;
	assert_int_equal(drv_request(data_out, 4), 1);
	assert_int_equal(mem[STATUS], VIRTIO_BLK_S_IOERR);
	mem[STATUS] = 0xff;
	assert_int_equal(drv_request(hdr_out, 2), 1);
	assert_int_equal(mem[STATUS], VIRTIO_BLK_S_IOERR);
	assert_false(drv_needs_reset());
	assert_int_equal(request(VIRTIO_BLK_T_IN, 1, 512), 513);
	assert_int_equal(mem[STATUS], VIRTIO_BLK_S_OK);
	assert_int_equal(blk.stats.errors, 2);
}

/* A request the device cannot answer breaks the queue, with the reason. */
static void expect_broken(const struct drv_buf *b, unsigned int n, const char *why)
{
	put_hdr(HDR, VIRTIO_BLK_T_IN, 0);
	assert_int_equal(drv_request(b, n), -1);
	assert_true(drv_needs_reset());
	assert_int_equal(drv_rd(VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_INT_CONFIG);
	assert_string_equal(dev.queues[0].vq.why, why);
}

static void no_status_byte(void **state)
{
	const struct drv_buf b[] = { { HDR, 16, false }, { DATA, 512, false } };

	expect_broken(b, 2, "virtio-blk request without a status byte");
}

static void a_zero_length_last_buffer(void **state)
{
	const struct drv_buf b[] = { { HDR, 16, false }, { DATA, 512, true }, { STATUS, 0, true } };

	expect_broken(b, 3, "virtio-blk request without a status byte");
}

static void a_short_header(void **state)
{
	const struct drv_buf b[] = { { HDR, 12, false }, { DATA, 512, true }, { STATUS, 1, true } };

	expect_broken(b, 3, "virtio-blk request header shorter than 16 bytes");
}

static void a_status_byte_outside_memory(void **state)
{
	const struct drv_buf b[] = { { HDR, 16, false }, { DATA, 512, true }, { MEM_SIZE, 1, true } };

	expect_broken(b, 3, "virtio-blk status byte not in guest memory");
}

/* Split [base, base + len) into 1 to 4 buffers at random points, the last one not empty. */
static unsigned int split(struct drv_buf *out, u64 base, u32 len, bool writable)
{
	unsigned int n = 1 + rand() % 4;
	u32 at = 0;

	for (unsigned int i = 0; i < n; i++) {
		u32 piece = i + 1 == n ? len - at : (u32)(rand() % (len - at));

		out[i] = (struct drv_buf){ base + at, piece, writable };
		at += piece;
	}
	return n;
}

/*
 * Random reads and writes (sometimes out of range, sometimes not whole
 * sectors) in random framings, against a reference image.
 */
static void random_requests_match_a_reference(void **state)
{
	static u8 ref[IMAGE_SIZE];

	srand(15);
	memcpy(ref, image, IMAGE_SIZE);
	for (int i = 0; i < 3000; i++) {
		bool write = rand() % 2, whole = rand() % 8;
		u64 sector = rand() % (SECTORS + 4);
		u32 len = whole ? 512 * (rand() % 9) : rand() % 4096;
		bool ok = !(len % 512) && sector + len / 512 <= SECTORS;
		struct drv_buf b[12];
		unsigned int n = 0;
		u8 hdr_and_data[16 + 4096];

		put_hdr(HDR, write ? VIRTIO_BLK_T_OUT : VIRTIO_BLK_T_IN, sector);
		memcpy(hdr_and_data, mem + HDR, 16);
		for (u32 j = 0; j < len; j++)
			hdr_and_data[16 + j] = (u8)rand();
		memset(mem + DATA, 0, 4096 + 1);
		if (write) {
			memcpy(mem + HDR, hdr_and_data, 16 + len);
			n = split(b, HDR, 16 + len, false);
			n += split(b + n, STATUS, 1, true);
		} else {
			n = split(b, HDR, 16, false);
			n += split(b + n, DATA, len + 1, true);
		}
		assert_int_equal(drv_request(b, n), ok && !write ? len + 1 : 1);
		assert_int_equal(mem[write ? STATUS : DATA + len], ok ? VIRTIO_BLK_S_OK : VIRTIO_BLK_S_IOERR);
		if (ok && write)
			memcpy(ref + sector * 512, hdr_and_data + 16, len);
		if (ok && !write)
			assert_memory_equal(mem + DATA, ref + sector * 512, len);
		assert_memory_equal(image, ref, IMAGE_SIZE);
	}
	assert_false(drv_needs_reset());
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(identification, setup),
		cmocka_unit_test_setup(sizes_are_checked, setup),
		cmocka_unit_test_setup(reads_and_writes, setup),
		cmocka_unit_test_setup(flush_id_and_unknown_types, setup),
		cmocka_unit_test_setup(framing_is_the_drivers, setup),
		cmocka_unit_test_setup(a_read_only_disk_refuses_writes, setup_ro),
		cmocka_unit_test_setup(bad_lengths_and_ranges, setup),
		cmocka_unit_test_setup(guest_memory_faults_fail_the_request, setup),
		cmocka_unit_test_setup(no_status_byte, setup),
		cmocka_unit_test_setup(a_zero_length_last_buffer, setup),
		cmocka_unit_test_setup(a_short_header, setup),
		cmocka_unit_test_setup(a_status_byte_outside_memory, setup),
		cmocka_unit_test_setup(random_requests_match_a_reference, setup),
	};

	return cmocka_run_group_tests_name("virtio_blk", tests, NULL, NULL);
}
