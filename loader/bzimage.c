/*
 * A Linux bzImage as a load plan (Documentation/arch/x86/boot.rst): the
 * protected-mode kernel at its preferred address, a zero page with the
 * setup header copied from the image, an e820 map of the VM's RAM, the
 * command line and the initrd; entered through the 32-bit boot protocol
 * (startup_32, flat segments, paging off) or the 64-bit one (startup_64
 * at +0x200, an identity map), with ESI/RSI pointing at the zero page.
 * The real-mode setup code is not run: nothing here needs a BIOS.
 */
#include "lib/errno.h"
#include "lib/string.h"
#include "loader/image.h"

/* Guest-physical layout of the boot data, all below 640 KiB. */
#define BZ_GDT_GPA 0x1000
#define BZ_PML4_GPA 0x2000		/* then the PDPT and four PDs, to 0x8000 */
#define BZ_ZERO_PAGE_GPA 0x10000	/* where QEMU puts it too */
#define BZ_CMDLINE_GPA 0x20000
#define BZ_STACK_TOP BZ_ZERO_PAGE_GPA	/* neither protocol needs one; a safe value */
#define BZ_INITRD_ALIGN 4096
#define BZ_IDENTITY_PDS 4		/* 4 GiB of 2 MiB pages */

#define PTE_P BIT(0)
#define PTE_W BIT(1)
#define PTE_PS BIT(7)

struct bz {
	const u8 *image;
	u64 len;
	struct setup_header hdr;	/* as far as the image's header goes, zeroes after */
	u64 setup_size;
	u64 load_addr;
	u64 need;			/* bytes from load_addr the kernel uses (init_size) */
	bool entry64;
};

static int bz_read_header(struct bz *bz, struct load_plan *plan)
{
	u64 end;

	if (bz->len < BZ_HDRS_OFFSET + 6)
		return load_plan_fail(plan, -EINVAL, "bzImage truncated: %llu bytes", bz->len);
	/* The header ends at 0x202 + the byte at 0x201 (the jump's offset). */
	end = BZ_HDRS_OFFSET + bz->image[0x201];
	if (end > bz->len)
		return load_plan_fail(plan, -EINVAL, "bzImage truncated: the setup header ends at 0x%llx, the file at 0x%llx",
				      end, bz->len);
	memset(&bz->hdr, 0, sizeof(bz->hdr));
	memcpy(&bz->hdr, bz->image + BZ_SETUP_HEADER_OFFSET,
	       MIN(end - BZ_SETUP_HEADER_OFFSET, (u64)sizeof(bz->hdr)));
	if (bz->hdr.header != BZ_HDRS_MAGIC)
		return load_plan_fail(plan, -ENOEXEC, "no \"HdrS\" at 0x202: not a bzImage");
	if (bz->hdr.version < BZ_MIN_PROTOCOL)
		return load_plan_fail(plan, -ENOEXEC, "Linux boot protocol %u.%02u: slotvisor needs 2.06 or later",
				      bz->hdr.version >> 8, bz->hdr.version & 0xff);
	if (end < BZ_HDRS_OFFSET + 0x38)	/* up to cmdline_size, protocol 2.06 */
		return load_plan_fail(plan, -EINVAL, "boot protocol %u.%02u with a setup header of only 0x%llx bytes",
				      bz->hdr.version >> 8, bz->hdr.version & 0xff,
				      end - BZ_SETUP_HEADER_OFFSET);
	if (!(bz->hdr.loadflags & BZ_LOADED_HIGH))
		return load_plan_fail(plan, -ENOEXEC, "a zImage (loaded at 0x10000): slotvisor loads bzImages only");
	return 0;
}

static int bz_layout(struct bz *bz, const struct load_config *cfg, struct load_plan *plan)
{
	const struct setup_header *h = &bz->hdr;
	u64 sects = h->setup_sects ? h->setup_sects : BZ_DEFAULT_SETUP_SECTS;
	u64 kernel_size;

	bz->setup_size = (sects + 1) * BZ_SECTOR_SIZE;
	if (bz->setup_size >= bz->len)
		return load_plan_fail(plan, -EINVAL, "bzImage truncated: %llu setup sectors, the file is %llu bytes",
				      sects, bz->len);
	kernel_size = bz->len - bz->setup_size;
	if ((u64)h->syssize * 16 > ALIGN_UP(kernel_size, 16ULL))
		return load_plan_fail(plan, -EINVAL, "bzImage truncated: syssize says 0x%llx bytes of kernel, the file has 0x%llx",
				      (u64)h->syssize * 16, kernel_size);
	bz->entry64 = h->version >= 0x020c && (h->xloadflags & BZ_XLF_KERNEL_64);
	if (cfg->linux_entry == LINUX_ENTRY_64 && !bz->entry64)
		return load_plan_fail(plan, -ENOEXEC, "the 64-bit boot protocol was asked for; this kernel lacks XLF_KERNEL_64");
	if (cfg->linux_entry == LINUX_ENTRY_32)
		bz->entry64 = false;
	/* A relocatable kernel says where it prefers to be; others go at 1 MiB. */
	bz->load_addr = BZ_LOW_LOAD_ADDR;
	if (h->version >= 0x020a && h->relocatable_kernel)
		bz->load_addr = h->pref_address;
	if (h->relocatable_kernel && (!h->kernel_alignment ||
				      (h->kernel_alignment & (h->kernel_alignment - 1)) ||
				      !IS_ALIGNED(bz->load_addr, (u64)h->kernel_alignment)))
		return load_plan_fail(plan, -EINVAL, "kernel_alignment 0x%x does not suit pref_address 0x%llx",
				      h->kernel_alignment, bz->load_addr);
	bz->need = kernel_size;
	if (h->version >= 0x020a)
		bz->need = MAX(bz->need, (u64)h->init_size);
	if (bz->load_addr >= GiB(4) || bz->load_addr + bz->need > GiB(4) ||
	    !load_plan_in_ram(plan, bz->load_addr, bz->need))
		return load_plan_fail(plan, -E2BIG, "the kernel needs [0x%llx, 0x%llx) (init_size 0x%x), which is not all RAM below 4 GiB",
				      bz->load_addr, bz->load_addr + bz->need, h->init_size);
	return 0;
}

#define BZ_NO_PLACE (~0ULL)

/* The highest 4 KiB aligned place for len bytes below limit that is free RAM, or BZ_NO_PLACE. */
static u64 bz_place_initrd(const struct load_plan *plan, u64 len, u64 limit)
{
	for (unsigned int i = plan->nr_map; i-- > 0;) {
		const struct boot_e820_entry *e = &plan->map[i];
		u64 top = MIN(e->addr + e->size, limit), at;

		if (e->type != E820_TYPE_RAM || top <= e->addr || top - e->addr < len)
			continue;
		for (at = ALIGN_DOWN(top - len, (u64)BZ_INITRD_ALIGN); at >= e->addr;
		     at -= BZ_INITRD_ALIGN) {
			if (!load_plan_overlaps(plan, at, len))
				return at;
			if (at < e->addr + BZ_INITRD_ALIGN)
				break;
		}
	}
	return BZ_NO_PLACE;
}

static int bz_initrd(struct bz *bz, const struct load_config *cfg, struct load_plan *plan,
		     struct boot_params *bp)
{
	const struct load_module *m = cfg->modules;
	u64 limit = MIN((u64)bz->hdr.initrd_addr_max + 1, GiB(4)), at;

	if (!cfg->nr_modules)
		return 0;
	if (cfg->nr_modules > 1)
		return load_plan_fail(plan, -EINVAL, "a bzImage takes one initrd, %u modules were given",
				      cfg->nr_modules);
	if (!m->len || !m->data)
		return load_plan_fail(plan, -EINVAL, "the initrd is empty");
	at = m->len < limit ? bz_place_initrd(plan, m->len, limit) : BZ_NO_PLACE;
	if (at == BZ_NO_PLACE)
		return load_plan_fail(plan, -E2BIG, "no free RAM below initrd_addr_max 0x%x for the initrd (0x%llx bytes)",
				      bz->hdr.initrd_addr_max, m->len);
	bp->hdr.ramdisk_image = (u32)at;
	bp->hdr.ramdisk_size = (u32)m->len;
	return load_plan_add(plan, LOAD_COPY_DATA, at, m->len, m->data, "initrd");
}

static void bz_fill_e820(const struct load_plan *plan, struct boot_params *bp)
{
	bp->e820_entries = (u8)plan->nr_map;
	memcpy(bp->e820_table, plan->map, plan->nr_map * sizeof(plan->map[0]));
}

/* An identity map of the first 4 GiB with 2 MiB pages at BZ_PML4_GPA. */
static int bz_page_tables(struct load_plan *plan)
{
	u64 *t = load_plan_blob(plan, (2 + BZ_IDENTITY_PDS) * 4096, 4096);
	u64 *pml4 = t, *pdpt = t + 512, *pd = t + 1024;

	if (!t)
		return -E2BIG;
	pml4[0] = (BZ_PML4_GPA + 0x1000) | PTE_P | PTE_W;
	for (u64 i = 0; i < BZ_IDENTITY_PDS; i++)
		pdpt[i] = (BZ_PML4_GPA + 0x2000 + i * 0x1000) | PTE_P | PTE_W;
	for (u64 i = 0; i < BZ_IDENTITY_PDS * 512; i++)
		pd[i] = i * MiB(2) | PTE_P | PTE_W | PTE_PS;
	plan->cpu.cr3 = BZ_PML4_GPA;
	return load_plan_add(plan, LOAD_COPY_DATA, BZ_PML4_GPA, (2 + BZ_IDENTITY_PDS) * 4096, t,
			     "page tables");
}

static int bz_gdt(const struct bz *bz, struct load_plan *plan)
{
	u64 *gdt = load_plan_gdt(plan, BZ_GDT_GPA, bz->entry64);

	if (!gdt)
		return -E2BIG;
	return load_plan_add(plan, LOAD_COPY_DATA, BZ_GDT_GPA, LOAD_GDT_ENTRIES * 8, gdt, "GDT");
}

static int bz_boot_data(struct bz *bz, const struct load_config *cfg, struct load_plan *plan)
{
	struct boot_params *bp = load_plan_blob(plan, sizeof(*bp), 4096);
	const char *cmdline;
	u64 cmdline_len;
	int err;

	if (!bp)
		return -E2BIG;
	err = load_plan_add(plan, LOAD_COPY_DATA, BZ_ZERO_PAGE_GPA, sizeof(*bp), bp, "zero page");
	if (!err)
		err = load_plan_cmdline(plan, cfg, bz->hdr.cmdline_size, &cmdline, &cmdline_len);
	if (!err)
		err = load_plan_add(plan, LOAD_COPY_DATA, BZ_CMDLINE_GPA, cmdline_len, cmdline,
				    "command line");
	if (!err)
		err = bz_gdt(bz, plan);
	if (!err && bz->entry64)
		err = bz_page_tables(plan);
	if (err)
		return err;
	/* The setup header as the image has it, then what a loader must write. */
	memcpy(&bp->hdr, &bz->hdr, sizeof(bp->hdr));
	bp->hdr.type_of_loader = BZ_LOADER_UNDEFINED;
	bp->hdr.loadflags |= BZ_CAN_USE_HEAP;
	bp->hdr.loadflags &= ~BZ_KEEP_SEGMENTS;
	bp->hdr.heap_end_ptr = 0xfe00;
	bp->hdr.code32_start = (u32)bz->load_addr;
	bp->hdr.cmd_line_ptr = BZ_CMDLINE_GPA;
	bp->hdr.setup_data = 0;
	/* Where the RSDP is (boot protocol 2.14; older kernels scan the BIOS area for it). */
	bp->acpi_rsdp_addr = cfg->acpi_rsdp;
	bz_fill_e820(plan, bp);
	return bz_initrd(bz, cfg, plan, bp);
}

static void bz_entry(const struct bz *bz, struct load_plan *plan)
{
	struct load_cpu *c = &plan->cpu;

	c->mode = bz->entry64 ? LOAD_CPU_LONG64 : LOAD_CPU_PROT32;
	c->rip = bz->load_addr + (bz->entry64 ? BZ_ENTRY64_OFFSET : 0);
	c->rsi = BZ_ZERO_PAGE_GPA;
	c->rsp = BZ_STACK_TOP;
}

int bzimage_plan(const void *image, u64 len, const struct load_config *cfg, struct load_plan *plan)
{
	struct bz bz = { .image = image, .len = len };
	int err;

	memset(plan, 0, sizeof(*plan));
	plan->format = IMAGE_BZIMAGE;
	err = load_plan_build_map(plan, cfg);
	if (!err)
		err = bz_read_header(&bz, plan);
	if (!err)
		err = bz_layout(&bz, cfg, plan);
	if (!err)
		err = load_plan_add(plan, LOAD_COPY_DATA, bz.load_addr, len - bz.setup_size,
				    bz.image + bz.setup_size, "kernel");
	if (!err && bz.need > len - bz.setup_size)
		err = load_plan_add(plan, LOAD_COPY_RESERVE, bz.load_addr + len - bz.setup_size,
				    bz.need - (len - bz.setup_size), NULL, "kernel init_size");
	if (!err)
		err = bz_boot_data(&bz, cfg, plan);
	if (!err)
		err = load_plan_check_overlaps(plan);
	if (err)
		return err;
	for (unsigned int i = 0; i < plan->nr_copies; i++) {
		const struct load_copy *c = &plan->copies[i];

		if (!load_plan_in_ram(plan, c->gpa, c->len))
			return load_plan_fail(plan, -E2BIG, "%s [0x%llx, 0x%llx) is not in RAM",
					      c->what, c->gpa, c->gpa + c->len);
	}
	bz_entry(&bz, plan);
	return 0;
}
