/*
 * Helpers for the image loader tests: a VM's RAM description, a fake
 * guest memory that a plan is applied to (filled with 0xaa first, so that
 * bss zeroing shows), and little-endian writers for building images.
 */
#pragma once

#include <stdlib.h>
#include <string.h>
#include "loader/image.h"

#define TEST_RAM_SIZE MiB(64)
#define POISON 0xaa

static const struct load_range test_ram[] = { { 0, TEST_RAM_SIZE } };
static const struct load_range test_reserved[] = { { 0xa0000, 0x60000 } };

static inline struct load_config test_config(void)
{
	return (struct load_config){
		.ram = test_ram, .nr_ram = 1,
		.reserved = test_reserved, .nr_reserved = 1,
	};
}

static inline struct load_plan *plan_new(void)
{
	struct load_plan *p = malloc(sizeof(*p));

	assert_non_null(p);
	memset(p, 0x5a, sizeof(*p));	/* the planner must clear it */
	return p;
}

static u8 *guest_ram;

/* Apply plan to a poisoned TEST_RAM_SIZE buffer, as vm_load_image would. */
static inline u8 *plan_apply(const struct load_plan *plan)
{
	if (!guest_ram)
		guest_ram = malloc(TEST_RAM_SIZE);
	assert_non_null(guest_ram);
	memset(guest_ram, POISON, TEST_RAM_SIZE);
	for (unsigned int i = 0; i < plan->nr_copies; i++) {
		const struct load_copy *c = &plan->copies[i];

		assert_true(c->gpa + c->len <= TEST_RAM_SIZE);
		if (c->kind == LOAD_COPY_DATA)
			memcpy(guest_ram + c->gpa, c->src, c->len);
		else if (c->kind == LOAD_COPY_ZERO)
			memset(guest_ram + c->gpa, 0, c->len);
	}
	return guest_ram;
}

static inline void put16(u8 *p, u16 v)
{
	memcpy(p, &v, 2);
}

static inline void put32(u8 *p, u32 v)
{
	memcpy(p, &v, 4);
}

static inline void put64(u8 *p, u64 v)
{
	memcpy(p, &v, 8);
}

static inline u32 get32(const u8 *p)
{
	u32 v;

	memcpy(&v, p, 4);
	return v;
}

static inline u64 get64(const u8 *p)
{
	u64 v;

	memcpy(&v, p, 8);
	return v;
}

/* Assert that plan failed with err and a message containing needle. */
#define assert_plan_error(ret, plan, err, needle)                               \
	do {                                                                     \
		int __r = (ret);                                                 \
		if (__r != (err) || !strstr((plan)->error, (needle)))           \
			fail_msg("expected %d \"...%s...\", saw %d \"%s\"", (err), \
				 (needle), __r, (plan)->error);                  \
	} while (0)

/* Every prefix of image shorter than upto must fail cleanly (ASan watches the reads). */
static inline void check_truncations(const u8 *image, u64 len, u64 upto, const struct load_config *cfg,
			      struct load_plan *plan)
{
	for (u64 n = 0; n < upto; n++) {
		u8 *copy = malloc(n ? n : 1);	/* exactly n bytes: any overread is caught */

		memcpy(copy, image, n);
		if (image_plan(copy, n, cfg, plan) == 0)
			fail_msg("a %llu-byte prefix of a %llu-byte image was accepted", n, len);
		assert_true(plan->error[0] != '\0');
		free(copy);
	}
}
