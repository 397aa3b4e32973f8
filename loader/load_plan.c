/*
 * Load plans (include/loader/image.h): the helpers every image loader uses to
 * record copies, boot data and the guest's memory map.  Hardware-free: the
 * host unit tests link this file as it is.
 */
#include <stdarg.h>
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "loader/image.h"

#define GDT_NULL 0
#define GDT_CODE32 0x00cf9b000000ffffULL	/* flat accessed code, 32-bit, DPL 0 */
#define GDT_CODE64 0x00af9b000000ffffULL	/* flat accessed code, 64-bit, DPL 0 */
#define GDT_DATA 0x00cf93000000ffffULL		/* flat accessed data, DPL 0 */

int load_plan_fail(struct load_plan *plan, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kvsnprintf(plan->error, sizeof(plan->error), fmt, ap);
	va_end(ap);
	return err;
}

static bool range_ok(u64 start, u64 len)
{
	return len && start + len > start;
}

static bool overlap(u64 a, u64 alen, u64 b, u64 blen)
{
	return a < b + blen && b < a + alen;
}

/* The type of the map at [a, b): reserved wins over RAM, 0 is a gap. */
static u32 map_type_at(const struct load_config *cfg, u64 a)
{
	for (unsigned int i = 0; i < cfg->nr_reserved; i++) {
		const struct load_range *r = &cfg->reserved[i];

		if (a >= r->start && a - r->start < r->size)
			return E820_TYPE_RESERVED;
	}
	for (unsigned int i = 0; i < cfg->nr_ram; i++) {
		const struct load_range *r = &cfg->ram[i];

		if (a >= r->start && a - r->start < r->size)
			return E820_TYPE_RAM;
	}
	return 0;
}

/* The smallest range boundary above a, or 0 if none (the top of the space). */
static u64 next_boundary(const struct load_config *cfg, u64 a)
{
	u64 best = 0;

	for (unsigned int k = 0; k < 2; k++) {
		const struct load_range *rs = k ? cfg->reserved : cfg->ram;
		unsigned int n = k ? cfg->nr_reserved : cfg->nr_ram;

		for (unsigned int i = 0; i < n; i++) {
			u64 ends[2] = { rs[i].start, rs[i].start + rs[i].size };

			for (unsigned int j = 0; j < 2; j++) {
				if (ends[j] > a && (!best || ends[j] < best))
					best = ends[j];
			}
		}
	}
	return best;
}

static int map_append(struct load_plan *plan, u64 start, u64 end, u32 type)
{
	struct boot_e820_entry *last = plan->nr_map ? &plan->map[plan->nr_map - 1] : NULL;

	if (last && last->type == type && last->addr + last->size == start) {
		last->size += end - start;
		return 0;
	}
	if (plan->nr_map == ARRAY_SIZE(plan->map))
		return load_plan_fail(plan, -E2BIG, "the memory map needs more than %u entries",
				      (unsigned int)ARRAY_SIZE(plan->map));
	plan->map[plan->nr_map++] = (struct boot_e820_entry){ start, end - start, type };
	return 0;
}

static int check_ranges(struct load_plan *plan, const struct load_range *r, unsigned int n,
			const char *what)
{
	if (n > LOAD_MAX_RANGES)
		return load_plan_fail(plan, -EINVAL, "%u %s ranges, at most %u", n, what,
				      LOAD_MAX_RANGES);
	for (unsigned int i = 0; i < n; i++) {
		if (!range_ok(r[i].start, r[i].size))
			return load_plan_fail(plan, -EINVAL, "%s range %u [0x%llx, +0x%llx) is empty or wraps",
					      what, i, r[i].start, r[i].size);
	}
	return 0;
}

int load_plan_build_map(struct load_plan *plan, const struct load_config *cfg)
{
	int err = check_ranges(plan, cfg->ram, cfg->nr_ram, "RAM");
	u64 a = 0;

	if (!err)
		err = check_ranges(plan, cfg->reserved, cfg->nr_reserved, "reserved");
	if (err)
		return err;
	if (!cfg->nr_ram)
		return load_plan_fail(plan, -EINVAL, "the VM has no RAM");
	plan->nr_map = 0;
	/* Walk the boundaries in order; each piece takes the type covering it. */
	for (;;) {
		u64 b = next_boundary(cfg, a);
		u32 type = map_type_at(cfg, a);

		if (type && (err = map_append(plan, a, b ? b : ~0ULL, type)))
			return err;
		if (!b)
			return 0;
		a = b;
	}
}

bool load_plan_in_ram(const struct load_plan *plan, u64 gpa, u64 len)
{
	if (!range_ok(gpa, len))
		return false;
	for (unsigned int i = 0; i < plan->nr_map; i++) {
		const struct boot_e820_entry *e = &plan->map[i];

		if (e->type == E820_TYPE_RAM && gpa >= e->addr && gpa + len <= e->addr + e->size)
			return true;
	}
	return false;
}

int load_plan_add(struct load_plan *plan, enum load_copy_kind kind, u64 gpa, u64 len,
		  const void *src, const char *what)
{
	if (!range_ok(gpa, len))
		return load_plan_fail(plan, -EINVAL, "%s at 0x%llx, 0x%llx bytes: empty or wraps",
				      what, gpa, len);
	if (plan->nr_copies == LOAD_PLAN_MAX_COPIES)
		return load_plan_fail(plan, -E2BIG, "more than %u copies (%s)",
				      LOAD_PLAN_MAX_COPIES, what);
	plan->copies[plan->nr_copies++] = (struct load_copy){
		.gpa = gpa, .len = len, .src = src, .kind = kind, .what = what,
	};
	return 0;
}

void *load_plan_blob(struct load_plan *plan, u64 len, u64 align)
{
	u64 at = ALIGN_UP(plan->blob_used, align);
	void *p;

	if (at > sizeof(plan->blob) || len > sizeof(plan->blob) - at) {
		load_plan_fail(plan, -E2BIG, "the boot data needs more than %u bytes",
			       (unsigned int)sizeof(plan->blob));
		return NULL;
	}
	p = plan->blob + at;
	memset(p, 0, len);
	plan->blob_used = at + len;
	return p;
}

bool load_plan_overlaps(const struct load_plan *plan, u64 gpa, u64 len)
{
	for (unsigned int i = 0; i < plan->nr_copies; i++) {
		if (overlap(plan->copies[i].gpa, plan->copies[i].len, gpa, len))
			return true;
	}
	return false;
}

int load_plan_check_overlaps(struct load_plan *plan)
{
	for (unsigned int i = 0; i < plan->nr_copies; i++) {
		const struct load_copy *a = &plan->copies[i];

		for (unsigned int j = i + 1; j < plan->nr_copies; j++) {
			const struct load_copy *b = &plan->copies[j];

			if (overlap(a->gpa, a->len, b->gpa, b->len))
				return load_plan_fail(plan, -EINVAL,
						      "%s [0x%llx, 0x%llx) overlaps %s [0x%llx, 0x%llx)",
						      a->what, a->gpa, a->gpa + a->len, b->what,
						      b->gpa, b->gpa + b->len);
		}
	}
	return 0;
}

u64 *load_plan_gdt(struct load_plan *plan, u64 gpa, bool long_mode)
{
	u64 *gdt = load_plan_blob(plan, LOAD_GDT_ENTRIES * 8, 8);

	if (!gdt)
		return NULL;
	gdt[0] = gdt[1] = GDT_NULL;
	gdt[LOAD_BOOT_CS / 8] = long_mode ? GDT_CODE64 : GDT_CODE32;
	gdt[LOAD_BOOT_DS / 8] = GDT_DATA;
	plan->cpu.gdt_base = gpa;
	plan->cpu.gdt_limit = LOAD_GDT_ENTRIES * 8 - 1;
	plan->cpu.cs = LOAD_BOOT_CS;
	plan->cpu.ds = LOAD_BOOT_DS;
	return gdt;
}

int load_plan_cmdline(struct load_plan *plan, const struct load_config *cfg, u64 max_len,
		      const char **out, u64 *len)
{
	const char *s = cfg->cmdline ? cfg->cmdline : "";
	u64 n = strnlen(s, LOAD_CMDLINE_MAX);
	char *copy;

	if (n == LOAD_CMDLINE_MAX || n > max_len)
		return load_plan_fail(plan, -E2BIG, "the command line is %s%llu bytes, the kernel takes at most %llu",
				      n == LOAD_CMDLINE_MAX ? "at least " : "", n,
				      MIN(max_len, (u64)LOAD_CMDLINE_MAX - 1));
	copy = load_plan_blob(plan, n + 1, 1);
	if (!copy)
		return -E2BIG;
	memcpy(copy, s, n);
	*out = copy;
	*len = n + 1;
	return 0;
}

const struct load_copy *load_plan_find(const struct load_plan *plan, const char *what)
{
	for (unsigned int i = 0; i < plan->nr_copies; i++) {
		if (!strcmp(plan->copies[i].what, what))
			return &plan->copies[i];
	}
	return NULL;
}
