/*
 * Invariants of a load plan (include/loader/load.h) for the loader
 * harnesses: an accepted image is placed only in the RAM it was given,
 * copies only bytes of the image, a module or the plan's own blob, and no
 * two copies overlap; a refused one says why.
 */
#pragma once

#include "lib/errno.h"
#include "loader/image.h"
#include "fuzz.h"

#define FUZZ_RAM_LOW MiB(48)
#define FUZZ_RAM_HIGH_START MiB(64)
#define FUZZ_RAM_HIGH MiB(16)
#define FUZZ_4G (1ULL << 32)

/* Two RAM ranges with a hole, as a VM backed by two memslots has, and the legacy hole. */
static const struct load_range fuzz_ram[] = {
	{ 0, FUZZ_RAM_LOW }, { FUZZ_RAM_HIGH_START, FUZZ_RAM_HIGH },
};
static const struct load_range fuzz_reserved[] = { { 0xa0000, 0x60000 } };

static inline bool fuzz_inside(u64 start, u64 len, const void *base, u64 size)
{
	u64 b = (u64)(uintptr_t)base;

	return start >= b && len <= size && start - b <= size - len;
}

static inline bool copy_in_ram(const struct load_copy *c)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(fuzz_ram); i++)
		if (c->gpa >= fuzz_ram[i].start && c->len <= fuzz_ram[i].size &&
		    c->gpa - fuzz_ram[i].start <= fuzz_ram[i].size - c->len)
			return true;
	return false;
}

static inline bool copy_src_known(const struct load_copy *c, const struct load_plan *plan,
				  const void *image, u64 len, const struct load_config *cfg)
{
	u64 src = (u64)(uintptr_t)c->src;

	if (fuzz_inside(src, c->len, image, len) ||
	    fuzz_inside(src, c->len, plan->blob, plan->blob_used))
		return true;
	for (unsigned int i = 0; i < cfg->nr_modules; i++)
		if (fuzz_inside(src, c->len, cfg->modules[i].data, cfg->modules[i].len))
			return true;
	return false;
}

static inline void check_plan(int ret, const struct load_plan *plan, const void *image, u64 len,
			      const struct load_config *cfg)
{
	if (ret) {
		FUZZ_CHECK(ret == -ENOEXEC || ret == -EINVAL || ret == -E2BIG, "error %d", ret);
		FUZZ_CHECK(plan->error[0] && strnlen(plan->error, LOAD_ERROR_LEN) < LOAD_ERROR_LEN,
			   "refused (%d) without a message", ret);
		return;
	}
	FUZZ_CHECK(plan->nr_copies <= LOAD_PLAN_MAX_COPIES, "%u copies", plan->nr_copies);
	FUZZ_CHECK(plan->blob_used <= LOAD_PLAN_BLOB_SIZE, "blob_used %llu",
		   (unsigned long long)plan->blob_used);
	for (unsigned int i = 0; i < plan->nr_copies; i++) {
		const struct load_copy *c = &plan->copies[i];

		FUZZ_CHECK(copy_in_ram(c), "%s at 0x%llx+0x%llx is outside the guest's RAM",
			   c->what, (unsigned long long)c->gpa, (unsigned long long)c->len);
		if (c->kind == LOAD_COPY_DATA)
			FUZZ_CHECK(copy_src_known(c, plan, image, len, cfg),
				   "%s copies 0x%llx bytes from outside the image, modules, blob",
				   c->what, (unsigned long long)c->len);
		for (unsigned int j = 0; j < i; j++) {
			const struct load_copy *d = &plan->copies[j];

			FUZZ_CHECK(!c->len || !d->len || c->gpa >= d->gpa + d->len ||
				   d->gpa >= c->gpa + c->len, "%s overlaps %s", c->what, d->what);
		}
	}
	if (plan->cpu.mode == LOAD_CPU_PROT32)
		FUZZ_CHECK(plan->cpu.rip < FUZZ_4G, "32-bit entry at 0x%llx",
			   (unsigned long long)plan->cpu.rip);
}

/* image_identify: a known format, or -ENOEXEC; the description always terminated. */
static inline void check_identify(const void *image, u64 len)
{
	char desc[48];
	int f = image_identify(image, len, desc, sizeof(desc));

	FUZZ_CHECK(f == IMAGE_BZIMAGE || f == IMAGE_MULTIBOOT1 || f == -ENOEXEC, "format %d", f);
	FUZZ_CHECK(strnlen(desc, sizeof(desc)) < sizeof(desc) && desc[0], "description");
}
