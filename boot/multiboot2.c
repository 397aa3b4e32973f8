/*
 * Multiboot2 boot-information parsing.  Nothing here touches hardware: the
 * parser reads only the bytes it is given, never more than max_size, and
 * checks every length before it trusts it, because a loader bug should
 * give a message naming the bad tag rather than a wild read.
 */
#include <stdarg.h>

#include "boot/multiboot2.h"
#include "compiler.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"

/* What a walk over the tags needs to carry along. */
struct mb2_parser {
	const u8 *base;
	u32 total;
	struct boot_info *bi;
	unsigned int modules_seen;	/* including dropped ones, for messages */
	bool have_mmap;
	const struct mb2_tag_efi_mmap *efi_mmap;	/* checked; converted if no mmap tag */
	u32 efi_mmap_off;
};

static __printf(2, 3) int fail(struct boot_info *bi, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kvsnprintf(bi->error, sizeof(bi->error), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int check_header(const void *mbi, u32 max_size, struct boot_info *bi)
{
	const struct mb2_info_header *h = mbi;
	u32 min = sizeof(*h) + sizeof(struct mb2_tag);

	if (!mbi) {
		return fail(bi, "multiboot2: no boot information (NULL pointer)");
	}
	if (!IS_ALIGNED((uintptr_t)mbi, MB2_TAG_ALIGN)) {
		return fail(bi, "multiboot2: boot information at %p is not 8-byte aligned", mbi);
	}
	if (max_size < sizeof(*h)) {
		return fail(bi, "multiboot2: only 0x%x bytes readable, less than the 8-byte header",
			    max_size);
	}
	if (h->total_size < min) {
		return fail(bi, "multiboot2: total_size 0x%x is smaller than the header and end tag (%u bytes)",
			    h->total_size, min);
	}
	if (h->total_size > max_size) {
		return fail(bi, "multiboot2: total_size 0x%x is larger than the 0x%x bytes readable",
			    h->total_size, max_size);
	}
	/* Every tag starts 8-aligned and the end tag is 8 bytes. */
	if (!IS_ALIGNED(h->total_size, MB2_TAG_ALIGN)) {
		return fail(bi, "multiboot2: total_size 0x%x is not a multiple of 8", h->total_size);
	}
	bi->total_size = h->total_size;
	return 0;
}

/*
 * The string that starts fixed bytes into tag t must end with a NUL inside
 * the tag; otherwise a reader would run into the next tag or off the end.
 */
static int tag_string(struct mb2_parser *p, const struct mb2_tag *t, u32 off,
		      u32 fixed, const char **out)
{
	const char *s = (const char *)t + fixed;

	if (t->size <= fixed || strnlen(s, t->size - fixed) == t->size - fixed) {
		return fail(p->bi, "multiboot2: tag type %u at offset 0x%x: string is not NUL-terminated within the tag",
			    t->type, off);
	}
	*out = s;
	return 0;
}

static int parse_module(struct mb2_parser *p, const struct mb2_tag *t, u32 off)
{
	const struct mb2_tag_module *m = (const void *)t;
	unsigned int idx = p->modules_seen++;
	struct boot_module *bm;
	const char *cmdline = "";
	int err;

	if (t->size < sizeof(*m)) {
		return fail(p->bi, "multiboot2: module tag at offset 0x%x has size 0x%x, less than %zu",
			    off, t->size, sizeof(*m));
	}
	err = tag_string(p, t, off, sizeof(*m), &cmdline);
	if (err) {
		return err;
	}
	if (m->mod_end < m->mod_start) {
		return fail(p->bi, "multiboot2: module %u ends before it starts (0x%x < 0x%x)",
			    idx, m->mod_end, m->mod_start);
	}
	if (p->bi->nr_modules == BOOT_MODULES_MAX) {
		p->bi->dropped++;
		return 0;
	}
	bm = &p->bi->modules[p->bi->nr_modules++];
	bm->start = m->mod_start;
	bm->end = m->mod_end;
	bm->cmdline = cmdline;
	return 0;
}

static int parse_mmap(struct mb2_parser *p, const struct mb2_tag *t, u32 off)
{
	const struct mb2_tag_mmap *mm = (const void *)t;
	struct boot_info *bi = p->bi;
	u32 n, i;

	if (t->size < sizeof(*mm)) {
		return fail(bi, "multiboot2: mmap tag at offset 0x%x has size 0x%x, less than %zu",
			    off, t->size, sizeof(*mm));
	}
	if (mm->entry_size < sizeof(struct mb2_mmap_entry)) {
		return fail(bi, "multiboot2: mmap entry_size 0x%x is smaller than %zu",
			    mm->entry_size, sizeof(struct mb2_mmap_entry));
	}
	/* Keeps every entry 8-aligned; a later version may append fields. */
	if (!IS_ALIGNED(mm->entry_size, 8)) {
		return fail(bi, "multiboot2: mmap entry_size 0x%x is not a multiple of 8",
			    mm->entry_size);
	}
	p->have_mmap = true;
	n = (t->size - sizeof(*mm)) / mm->entry_size;
	for (i = 0; i < n; i++) {
		const struct mb2_mmap_entry *e =
			(const void *)((const u8 *)mm->entries + (size_t)i * mm->entry_size);

		if (bi->nr_mmap == BOOT_MMAP_MAX) {
			bi->dropped += n - i;
			break;
		}
		bi->mmap[bi->nr_mmap].addr = e->addr;
		bi->mmap[bi->nr_mmap].len = e->len;
		bi->mmap[bi->nr_mmap].type = e->type;
		bi->nr_mmap++;
	}
	return 0;
}

/*
 * The EFI memory map tag: descriptor size and count checked here, the
 * entries converted only if there is no multiboot2 mmap tag (GRUB gives
 * both once it has left boot services; the mmap tag is then GRUB's own
 * conversion, and it wins).
 */
static int check_efi_mmap(struct mb2_parser *p, const struct mb2_tag *t, u32 off)
{
	const struct mb2_tag_efi_mmap *em = (const void *)t;
	u32 bytes;

	if (t->size < sizeof(*em)) {
		return fail(p->bi, "multiboot2: EFI memory map tag at offset 0x%x has size 0x%x, less than %zu",
			    off, t->size, sizeof(*em));
	}
	if (em->descr_size < sizeof(struct efi_memory_descriptor)) {
		return fail(p->bi, "multiboot2: EFI memory map descriptor size 0x%x is smaller than %zu",
			    em->descr_size, sizeof(struct efi_memory_descriptor));
	}
	/* UEFI: descriptors stay 8-aligned, a later version may append fields. */
	if (!IS_ALIGNED(em->descr_size, 8)) {
		return fail(p->bi, "multiboot2: EFI memory map descriptor size 0x%x is not a multiple of 8",
			    em->descr_size);
	}
	bytes = t->size - sizeof(*em);
	if (bytes % em->descr_size) {
		return fail(p->bi, "multiboot2: EFI memory map of 0x%x bytes is not a whole number of 0x%x-byte descriptors",
			    bytes, em->descr_size);
	}
	p->efi_mmap = em;
	p->efi_mmap_off = off;
	return 0;
}

u32 efi_memory_type_to_mb2(u32 efi_type)
{
	switch (efi_type) {
	case EFI_CONVENTIONAL_MEMORY:
	case EFI_LOADER_CODE:		/* GRUB's; the info and modules are reserved later */
	case EFI_LOADER_DATA:
	case EFI_BOOT_SERVICES_CODE:	/* free once boot services are gone */
	case EFI_BOOT_SERVICES_DATA:
		return MB2_MEMORY_AVAILABLE;
	case EFI_ACPI_RECLAIM_MEMORY:
		return MB2_MEMORY_ACPI_RECLAIMABLE;
	case EFI_ACPI_MEMORY_NVS:
		return MB2_MEMORY_NVS;
	case EFI_UNUSABLE_MEMORY:
		return MB2_MEMORY_BADRAM;
	default:	/* reserved, runtime services, MMIO, PAL code, persistent, unknown */
		return MB2_MEMORY_RESERVED;
	}
}

/* Convert the EFI memory map into bi->mmap, merging touching runs of one type. */
static int convert_efi_mmap(struct mb2_parser *p)
{
	const struct mb2_tag_efi_mmap *em = p->efi_mmap;
	struct boot_info *bi = p->bi;
	u32 n = (em->tag.size - sizeof(*em)) / em->descr_size, i;

	for (i = 0; i < n; i++) {
		struct efi_memory_descriptor d;
		struct boot_mmap_entry *last = bi->nr_mmap ? &bi->mmap[bi->nr_mmap - 1] : NULL;
		u64 len;
		u32 type;

		memcpy(&d, em->efi_mmap + (size_t)i * em->descr_size, sizeof(d));
		if (d.nr_pages > (~0ULL >> EFI_PAGE_SHIFT) ||
		    d.phys_start + (d.nr_pages << EFI_PAGE_SHIFT) < d.phys_start) {
			return fail(bi, "multiboot2: EFI memory map descriptor %u (0x%llx, 0x%llx pages) runs past 2^64",
				    i, (unsigned long long)d.phys_start,
				    (unsigned long long)d.nr_pages);
		}
		if (!IS_ALIGNED(d.phys_start, 1ULL << EFI_PAGE_SHIFT)) {
			return fail(bi, "multiboot2: EFI memory map descriptor %u starts at 0x%llx, not 4 KiB aligned",
				    i, (unsigned long long)d.phys_start);
		}
		len = d.nr_pages << EFI_PAGE_SHIFT;
		type = efi_memory_type_to_mb2(d.type);
		if (!len) {
			continue;
		}
		if (last && last->type == type && last->addr + last->len == d.phys_start) {
			last->len += len;
			continue;
		}
		if (bi->nr_mmap == BOOT_MMAP_MAX) {
			bi->dropped++;
			continue;
		}
		bi->mmap[bi->nr_mmap].addr = d.phys_start;
		bi->mmap[bi->nr_mmap].len = len;
		bi->mmap[bi->nr_mmap].type = type;
		bi->nr_mmap++;
	}
	bi->mmap_from_efi = true;
	return 0;
}

static int parse_efi64(struct mb2_parser *p, const struct mb2_tag *t, u32 off)
{
	const struct mb2_tag_efi64 *e = (const void *)t;

	if (t->size < sizeof(*e)) {
		return fail(p->bi, "multiboot2: EFI tag type %u at offset 0x%x has size 0x%x, less than %zu",
			    t->type, off, t->size, sizeof(*e));
	}
	if (t->type == MB2_TAG_EFI64) {
		p->bi->efi64 = true;
		p->bi->efi_system_table = e->pointer;
	}
	return 0;
}

static int parse_acpi(struct mb2_parser *p, const struct mb2_tag *t, u32 off)
{
	bool v2 = t->type == MB2_TAG_ACPI_NEW;
	u32 need = v2 ? 36 : 20;	/* RSDP revision 2 / revision 0 sizes */
	u32 len = t->size - sizeof(*t);

	if (len < need) {
		return fail(p->bi, "multiboot2: ACPI tag type %u at offset 0x%x holds 0x%x bytes, less than the %u of an RSDP",
			    t->type, off, len, need);
	}
	/* The new (XSDT-capable) copy wins whichever order they come in. */
	if (p->bi->rsdp_v2 && !v2) {
		return 0;
	}
	p->bi->rsdp = (const u8 *)t + sizeof(*t);
	p->bi->rsdp_len = len;
	p->bi->rsdp_v2 = v2;
	return 0;
}

static int parse_meminfo(struct mb2_parser *p, const struct mb2_tag *t, u32 off)
{
	const struct mb2_tag_basic_meminfo *mi = (const void *)t;

	if (t->size < sizeof(*mi)) {
		return fail(p->bi, "multiboot2: meminfo tag at offset 0x%x has size 0x%x, less than %zu",
			    off, t->size, sizeof(*mi));
	}
	p->bi->mem_lower_kib = mi->mem_lower;
	p->bi->mem_upper_kib = mi->mem_upper;
	return 0;
}

/*
 * Framebuffer info (spec 3.6.12).  A tag the screen console cannot use is
 * no reason to stop the boot: fb_error names the problem, fb stays
 * invalid, and the console stays serial-only.  Which physical memory the
 * framebuffer may overlap is the platform's check (arch/x86/fbcon_setup.c).
 */
#define FB_MAX_DIM 16384		/* pixels or characters, each way */
#define FB_PHYS_LIMIT (1ULL << 52)	/* MAXPHYADDR's architectural maximum */

static __printf(2, 3) void fb_refuse(struct boot_info *bi, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kvsnprintf(bi->fb_error, sizeof(bi->fb_error), fmt, ap);
	va_end(ap);
	memset(&bi->fb, 0, sizeof(bi->fb));
}

/* The colour masks of a direct-colour mode: 1..8 bits each, inside bpp, disjoint. */
static bool fb_masks_ok(struct boot_info *bi, const struct mb2_framebuffer_rgb *c, u8 bpp)
{
	const u8 pos[3] = { c->red_pos, c->green_pos, c->blue_pos };
	const u8 size[3] = { c->red_size, c->green_size, c->blue_size };
	static const char *const name[3] = { "red", "green", "blue" };
	u32 used = 0;

	for (int i = 0; i < 3; i++) {
		u32 mask;

		if (size[i] < 1 || size[i] > 8 || pos[i] + size[i] > bpp) {
			fb_refuse(bi, "%s field at bit %u, %u bits, does not fit 1..8 bits inside %u bpp",
				  name[i], pos[i], size[i], bpp);
			return false;
		}
		mask = ((1u << size[i]) - 1) << pos[i];
		if (used & mask) {
			fb_refuse(bi, "%s field at bit %u overlaps another colour field", name[i], pos[i]);
			return false;
		}
		used |= mask;
	}
	return true;
}

static int parse_framebuffer(struct mb2_parser *p, const struct mb2_tag *t, u32 off)
{
	const struct mb2_tag_framebuffer *f = (const void *)t;
	struct boot_info *bi = p->bi;
	struct boot_framebuffer *fb = &bi->fb;
	u32 bytes;

	bi->fb_error[0] = '\0';
	if (t->size < sizeof(*f)) {
		fb_refuse(bi, "tag at offset 0x%x has size 0x%x, less than %zu", off, t->size,
			  sizeof(*f));
		return 0;
	}
	if (!f->width || !f->height || f->width > FB_MAX_DIM || f->height > FB_MAX_DIM) {
		fb_refuse(bi, "%ux%u is not between 1x1 and %ux%u", f->width, f->height,
			  FB_MAX_DIM, FB_MAX_DIM);
		return 0;
	}
	switch (f->type) {
	case MB2_FRAMEBUFFER_TYPE_INDEXED:
		fb_refuse(bi, "indexed colour (%u bpp) is not supported", f->bpp);
		return 0;
	case MB2_FRAMEBUFFER_TYPE_RGB:
		if (t->size < sizeof(*f) + sizeof(struct mb2_framebuffer_rgb)) {
			fb_refuse(bi, "direct-colour tag has size 0x%x, too small for its colour fields",
				  t->size);
			return 0;
		}
		if (f->bpp != 8 && f->bpp != 15 && f->bpp != 16 && f->bpp != 24 && f->bpp != 32) {
			fb_refuse(bi, "%u bits per pixel is not 8, 15, 16, 24 or 32", f->bpp);
			return 0;
		}
		memcpy(&fb->rgb, f->color_info, sizeof(fb->rgb));
		if (!fb_masks_ok(bi, &fb->rgb, f->bpp))
			return 0;
		break;
	case MB2_FRAMEBUFFER_TYPE_EGA_TEXT:
		/* A character byte and an attribute byte per cell. */
		if (f->bpp != 16) {
			fb_refuse(bi, "EGA text with %u bits per character, not 16", f->bpp);
			return 0;
		}
		break;
	default:
		fb_refuse(bi, "unknown framebuffer type %u", f->type);
		return 0;
	}
	bytes = (f->bpp + 7) / 8;
	if ((u64)f->pitch < (u64)f->width * bytes) {
		fb_refuse(bi, "pitch %u is less than %u pixels of %u bytes", f->pitch, f->width, bytes);
		return 0;
	}
	fb->size = (u64)f->pitch * f->height;
	if (!f->addr || f->addr >= FB_PHYS_LIMIT || fb->size > FB_PHYS_LIMIT - f->addr) {
		fb_refuse(bi, "[0x%llx, +0x%llx) is not a physical range", (unsigned long long)f->addr,
			  (unsigned long long)fb->size);
		return 0;
	}
	fb->valid = true;
	fb->type = f->type;
	fb->bpp = f->bpp;
	fb->addr = f->addr;
	fb->pitch = f->pitch;
	fb->width = f->width;
	fb->height = f->height;
	return 0;
}

static int parse_tag(struct mb2_parser *p, const struct mb2_tag *t, u32 off)
{
	switch (t->type) {
	case MB2_TAG_CMDLINE:
		return tag_string(p, t, off, sizeof(*t), &p->bi->cmdline);
	case MB2_TAG_LOADER_NAME:
		return tag_string(p, t, off, sizeof(*t), &p->bi->loader_name);
	case MB2_TAG_MODULE:
		return parse_module(p, t, off);
	case MB2_TAG_BASIC_MEMINFO:
		return parse_meminfo(p, t, off);
	case MB2_TAG_MMAP:
		return parse_mmap(p, t, off);
	case MB2_TAG_ACPI_OLD:
	case MB2_TAG_ACPI_NEW:
		return parse_acpi(p, t, off);
	case MB2_TAG_FRAMEBUFFER:
		return parse_framebuffer(p, t, off);
	case MB2_TAG_EFI_MMAP:
		return check_efi_mmap(p, t, off);
	case MB2_TAG_EFI64:
	case MB2_TAG_EFI64_IH:
		return parse_efi64(p, t, off);
	case MB2_TAG_EFI_BS:
		p->bi->efi_bs_active = true;
		return 0;
	default:
		return 0;	/* ELF sections, 32-bit EFI, ...: not needed */
	}
}

/* The tag header at off is readable; check that its size fits the info. */
static int check_tag(struct mb2_parser *p, const struct mb2_tag *t, u32 off)
{
	if (t->size < sizeof(*t)) {
		return fail(p->bi, "multiboot2: tag type %u at offset 0x%x has size 0x%x, less than its 8-byte header",
			    t->type, off, t->size);
	}
	if (t->size > p->total - off) {
		return fail(p->bi, "multiboot2: tag type %u at offset 0x%x has size 0x%x past the end of the info (0x%x bytes)",
			    t->type, off, t->size, p->total);
	}
	if (t->type == MB2_TAG_END && t->size != sizeof(*t)) {
		return fail(p->bi, "multiboot2: end tag at offset 0x%x has size 0x%x, not 8",
			    off, t->size);
	}
	return 0;
}

static int walk_tags(struct mb2_parser *p)
{
	u32 off = sizeof(struct mb2_info_header);

	/* off and total are multiples of 8, so a whole tag header fits. */
	while (off < p->total) {
		const struct mb2_tag *t = (const void *)(p->base + off);
		int err = check_tag(p, t, off);

		if (err) {
			return err;
		}
		if (t->type == MB2_TAG_END) {
			return 0;
		}
		err = parse_tag(p, t, off);
		if (err) {
			return err;
		}
		/* Cannot overflow: size <= total - off, a multiple of 8. */
		off += ALIGN_UP(t->size, (u32)MB2_TAG_ALIGN);
	}
	return fail(p->bi, "multiboot2: no end tag in the 0x%x bytes of the info", p->total);
}

/* Parse the info at mbi (at most max_size bytes) into bi; 0 or -EINVAL. */
int mb2_parse(const void *mbi, u32 max_size, struct boot_info *bi)
{
	struct mb2_parser p = { .base = mbi, .bi = bi };
	int err;

	memset(bi, 0, sizeof(*bi));
	bi->cmdline = "";
	bi->loader_name = "";
	err = check_header(mbi, max_size, bi);
	if (err) {
		return err;
	}
	p.total = bi->total_size;
	err = walk_tags(&p);
	if (err) {
		return err;
	}
	/* GRUB-EFI may give only the EFI memory map (17). */
	if (!p.have_mmap && p.efi_mmap) {
		err = convert_efi_mmap(&p);
		if (err) {
			return err;
		}
		p.have_mmap = true;
	}
	/* Without a memory map the frame allocator has nothing to manage. */
	if (!p.have_mmap) {
		return fail(bi, "multiboot2: no memory map (tag type %u or %u)",
			    MB2_TAG_MMAP, MB2_TAG_EFI_MMAP);
	}
	return 0;
}

/* Returns the name of memory map type type, "reserved" if unknown. */
const char *mb2_mmap_type_name(u32 type)
{
	switch (type) {
	case MB2_MEMORY_AVAILABLE:
		return "available";
	case MB2_MEMORY_ACPI_RECLAIMABLE:
		return "ACPI reclaimable";
	case MB2_MEMORY_NVS:
		return "ACPI NVS";
	case MB2_MEMORY_BADRAM:
		return "bad";
	default:
		return "reserved";	/* the spec: any other value is reserved */
	}
}

/* The last byte of [start, start + len), for Linux-style inclusive ranges. */
static unsigned long long last_byte(u64 start, u64 len)
{
	return len ? start + len - 1 : start;
}

static void print_mmap(const struct boot_info *bi)
{
	unsigned int i;

	for (i = 0; i < bi->nr_mmap; i++) {
		const struct boot_mmap_entry *e = &bi->mmap[i];

		kprintf("boot:  [mem 0x%016llx-0x%016llx] %s%s\n",
			(unsigned long long)e->addr, last_byte(e->addr, e->len),
			mb2_mmap_type_name(e->type), e->len ? "" : " (empty)");
	}
}

static void print_modules(const struct boot_info *bi)
{
	unsigned int i;

	for (i = 0; i < bi->nr_modules; i++) {
		const struct boot_module *m = &bi->modules[i];

		kprintf("boot: module %u [0x%016llx-0x%016llx] %llu bytes \"%s\"\n",
			i, (unsigned long long)m->start,
			last_byte(m->start, m->end - m->start),
			(unsigned long long)(m->end - m->start), m->cmdline);
	}
}

/* Prints what mb2_parse() found, one "boot:" line per item. */
void mb2_print(const struct boot_info *bi)
{
	kprintf("boot: loader \"%s\"\n", bi->loader_name);
	kprintf("boot: command line \"%s\"\n", bi->cmdline);
	if (bi->mem_lower_kib || bi->mem_upper_kib) {
		kprintf("boot: basic meminfo: %u KiB lower, %u KiB upper\n",
			bi->mem_lower_kib, bi->mem_upper_kib);
	}
	if (bi->efi64) {
		kprintf("boot: UEFI: system table at 0x%llx, boot services %s\n",
			(unsigned long long)bi->efi_system_table,
			bi->efi_bs_active ? "not terminated" : "terminated");
	}
	kprintf("boot: memory map, %u entries%s:\n", bi->nr_mmap,
		bi->mmap_from_efi ? " (from the EFI memory map)" : "");
	print_mmap(bi);
	print_modules(bi);
	if (bi->dropped) {
		kprintf("boot: %u memory map entries or modules did not fit and were ignored\n",
			bi->dropped);
	}
	if (bi->fb.valid && bi->fb.type == MB2_FRAMEBUFFER_TYPE_EGA_TEXT) {
		kprintf("boot: framebuffer: EGA text %ux%u at 0x%llx, pitch %u\n",
			bi->fb.width, bi->fb.height, (unsigned long long)bi->fb.addr, bi->fb.pitch);
	} else if (bi->fb.valid) {
		const struct mb2_framebuffer_rgb *c = &bi->fb.rgb;

		kprintf("boot: framebuffer: %ux%u %u bpp at 0x%llx, pitch %u, red %u:%u green %u:%u blue %u:%u\n",
			bi->fb.width, bi->fb.height, bi->fb.bpp, (unsigned long long)bi->fb.addr,
			bi->fb.pitch, c->red_pos, c->red_size, c->green_pos, c->green_size,
			c->blue_pos, c->blue_size);
	} else if (bi->fb_error[0]) {
		kprintf("boot: framebuffer tag refused: %s; the console stays serial-only\n",
			bi->fb_error);
	}
	if (bi->rsdp) {
		kprintf("boot: ACPI RSDP copy, %u bytes (%s tag)\n", bi->rsdp_len,
			bi->rsdp_v2 ? "new" : "old");
	}
}

const struct boot_module *boot_find_module(const struct boot_info *bi, const char *role,
					   const char **args, unsigned int nth)
{
	size_t n = strlen(role);

	for (unsigned int i = 0; bi && i < bi->nr_modules; i++) {
		const char *s = bi->modules[i].cmdline;

		if (strncmp(s, role, n) || (s[n] != '\0' && s[n] != ' ') || nth--)
			continue;
		*args = s[n] ? s + n + 1 : s + n;
		return &bi->modules[i];
	}
	return NULL;
}
