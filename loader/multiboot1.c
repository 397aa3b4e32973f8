/*
 * A multiboot v1 kernel as a load plan (Multiboot Specification 0.6.96):
 * the ELF32 PT_LOAD segments at their physical addresses with their bss
 * zeroed, or the a.out kludge's addresses; after the kernel, page aligned,
 * the boot information (memory sizes, command line, modules with their
 * strings, the memory map, the loader's name) and the modules.  Entry in
 * flat 32-bit protected mode with paging off, EAX = 0x2BADB002, EBX = the
 * information's address (section 3.2).  kvm-unit-tests' .flat files are
 * ELF32 containers of 64-bit code; they switch to long mode themselves.
 */
#include "lib/errno.h"
#include "lib/string.h"
#include "loader/image.h"
#include "loader/multiboot1.h"

#define ELF_CLASS32 1
#define ELF_CLASS64 2
#define ELF_DATA_LSB 1
#define ET_EXEC 2
#define EM_386 3
#define PT_LOAD 1
#define MB1_MAX_SEGMENTS 16
#define MB1_PAGE 4096
#define MB1_LOADER_NAME "slotvisor"
#define MB1_LOW_MEM_END 0xa0000		/* mem_lower counts RAM below 640 KiB */
#define MB1_HIGH_MEM 0x100000		/* mem_upper counts RAM from 1 MiB */
#define MB1_LOW_INFO_GPA 0x9000		/* QEMU's MULTIBOOT_STRUCT_ADDR */

struct elf32_ehdr {
	u8 e_ident[16];
	u16 e_type, e_machine;
	u32 e_version, e_entry, e_phoff, e_shoff, e_flags;
	u16 e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx;
} __packed;

struct elf32_phdr {
	u32 p_type, p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_flags, p_align;
} __packed;

_Static_assert(sizeof(struct elf32_ehdr) == 52, "ELF32 header");
_Static_assert(sizeof(struct elf32_phdr) == 32, "ELF32 program header");

static const char *const segment_names[MB1_MAX_SEGMENTS] = {
	"segment 0", "segment 1", "segment 2", "segment 3", "segment 4", "segment 5",
	"segment 6", "segment 7", "segment 8", "segment 9", "segment 10", "segment 11",
	"segment 12", "segment 13", "segment 14", "segment 15",
};
static const char *const bss_names[MB1_MAX_SEGMENTS] = {
	"bss 0", "bss 1", "bss 2", "bss 3", "bss 4", "bss 5", "bss 6", "bss 7", "bss 8",
	"bss 9", "bss 10", "bss 11", "bss 12", "bss 13", "bss 14", "bss 15",
};
static const char *const module_names[LOAD_MAX_MODULES] = {
	"module 0", "module 1", "module 2", "module 3",
	"module 4", "module 5", "module 6", "module 7",
};

struct mb1 {
	const u8 *image;
	u64 len;
	u64 hdr_off;
	struct mb1_header hdr;	/* the kludge fields are zero unless present */
	u64 entry;
	u64 kernel_end;		/* the highest byte any segment uses, + 1 */
};

static int mb1_find_header(struct mb1 *mb, struct load_plan *plan)
{
	u64 end = MIN(mb->len, (u64)MB1_SEARCH_LEN);

	for (u64 off = 0; off + MB1_HEADER_MIN <= end; off += MB1_HEADER_ALIGN) {
		u32 magic;

		memcpy(&magic, mb->image + off, 4);
		if (magic != MB1_HEADER_MAGIC)
			continue;
		mb->hdr_off = off;
		memset(&mb->hdr, 0, sizeof(mb->hdr));
		memcpy(&mb->hdr, mb->image + off, MIN(mb->len - off, (u64)sizeof(mb->hdr)));
		if ((u32)(mb->hdr.magic + mb->hdr.flags + mb->hdr.checksum))
			return load_plan_fail(plan, -ENOEXEC, "multiboot v1 header at offset 0x%llx has a bad checksum (flags 0x%x, checksum 0x%x)",
					      off, mb->hdr.flags, mb->hdr.checksum);
		return 0;
	}
	return load_plan_fail(plan, -ENOEXEC, "no multiboot v1 header in the first %u bytes",
			      MB1_SEARCH_LEN);
}

static int mb1_check_flags(struct mb1 *mb, struct load_plan *plan)
{
	u32 unmet = mb->hdr.flags & MB1_REQUIRED_MASK & ~(MB1_PAGE_ALIGN | MB1_MEMORY_INFO);

	if (unmet & MB1_VIDEO_MODE)
		return load_plan_fail(plan, -ENOEXEC, "the kernel requires a video mode (flags 0x%x): slotvisor has no framebuffer",
				      mb->hdr.flags);
	if (unmet)
		return load_plan_fail(plan, -ENOEXEC, "the kernel requires multiboot features 0x%x that slotvisor does not know",
				      unmet);
	return 0;
}

/* Copy and zero [paddr, paddr + memsz) from the file's [off, off + filesz). */
static int mb1_segment(struct mb1 *mb, struct load_plan *plan, unsigned int i, u64 paddr,
		       u64 off, u64 filesz, u64 memsz)
{
	int err = 0;

	if (filesz > memsz)
		return load_plan_fail(plan, -EINVAL, "%s: file size 0x%llx exceeds memory size 0x%llx",
				      segment_names[i], filesz, memsz);
	if (off > mb->len || filesz > mb->len - off)
		return load_plan_fail(plan, -EINVAL, "%s: file bytes [0x%llx, 0x%llx) beyond the end of the file (0x%llx): truncated?",
				      segment_names[i], off, off + filesz, mb->len);
	if (paddr + memsz > GiB(4) || !load_plan_in_ram(plan, paddr, memsz))
		return load_plan_fail(plan, -E2BIG, "%s [0x%llx, 0x%llx) is not in RAM",
				      segment_names[i], paddr, paddr + memsz);
	if (filesz)
		err = load_plan_add(plan, LOAD_COPY_DATA, paddr, filesz, mb->image + off,
				    segment_names[i]);
	if (!err && memsz > filesz)
		err = load_plan_add(plan, LOAD_COPY_ZERO, paddr + filesz, memsz - filesz, NULL,
				    bss_names[i]);
	mb->kernel_end = MAX(mb->kernel_end, paddr + memsz);
	return err;
}

static int mb1_load_elf(struct mb1 *mb, struct load_plan *plan)
{
	struct elf32_ehdr eh;
	unsigned int nr = 0;
	int err;

	if (mb->len < sizeof(eh) || memcmp(mb->image, "\x7f" "ELF", 4))
		return load_plan_fail(plan, -ENOEXEC, "a multiboot v1 header without the a.out kludge, in a file that is not ELF");
	memcpy(&eh, mb->image, sizeof(eh));
	if (eh.e_ident[4] == ELF_CLASS64)
		return load_plan_fail(plan, -ENOEXEC, "ELF64 with a multiboot v1 header and no a.out kludge: multiboot v1 loads ELF32 (objcopy -O elf32-i386)");
	if (eh.e_ident[4] != ELF_CLASS32 || eh.e_ident[5] != ELF_DATA_LSB ||
	    eh.e_machine != EM_386 || eh.e_type != ET_EXEC)
		return load_plan_fail(plan, -ENOEXEC, "ELF class %u, data %u, machine %u, type %u: multiboot v1 wants an i386 ELF32 executable",
				      eh.e_ident[4], eh.e_ident[5], eh.e_machine, eh.e_type);
	if (eh.e_phentsize < sizeof(struct elf32_phdr) || !eh.e_phnum ||
	    eh.e_phoff > mb->len || (u64)eh.e_phnum * eh.e_phentsize > mb->len - eh.e_phoff)
		return load_plan_fail(plan, -EINVAL, "ELF program headers (%u of %u bytes at 0x%x) are not in the file (0x%llx bytes)",
				      eh.e_phnum, eh.e_phentsize, eh.e_phoff, mb->len);
	mb->entry = eh.e_entry;
	for (unsigned int i = 0; i < eh.e_phnum; i++) {
		struct elf32_phdr ph;

		memcpy(&ph, mb->image + eh.e_phoff + (u64)i * eh.e_phentsize, sizeof(ph));
		if (ph.p_type != PT_LOAD || !ph.p_memsz)
			continue;
		if (nr == MB1_MAX_SEGMENTS)
			return load_plan_fail(plan, -E2BIG, "more than %u loadable segments",
					      MB1_MAX_SEGMENTS);
		err = mb1_segment(mb, plan, nr++, ph.p_paddr, ph.p_offset, ph.p_filesz, ph.p_memsz);
		if (err)
			return err;
		/* GRUB's rule: an entry inside a segment's vaddrs moves with it. */
		if (eh.e_entry >= ph.p_vaddr && eh.e_entry - ph.p_vaddr < ph.p_memsz)
			mb->entry = (u64)eh.e_entry - ph.p_vaddr + ph.p_paddr;
	}
	if (!nr)
		return load_plan_fail(plan, -ENOEXEC, "an ELF without loadable segments");
	return 0;
}

static int mb1_load_aout(struct mb1 *mb, struct load_plan *plan)
{
	const struct mb1_header *h = &mb->hdr;
	u64 start_off, load_end, file_len;
	int err;

	if (mb->len - mb->hdr_off < sizeof(*h))
		return load_plan_fail(plan, -EINVAL, "the a.out kludge header is truncated");
	if (h->load_addr > h->header_addr || h->header_addr - h->load_addr > mb->hdr_off)
		return load_plan_fail(plan, -EINVAL, "a.out kludge: load_addr 0x%x and header_addr 0x%x put the text before the file's start",
				      h->load_addr, h->header_addr);
	start_off = mb->hdr_off - (h->header_addr - h->load_addr);
	load_end = h->load_end_addr ? h->load_end_addr : h->load_addr + (mb->len - start_off);
	if (load_end <= h->load_addr || load_end - h->load_addr > mb->len - start_off)
		return load_plan_fail(plan, -EINVAL, "a.out kludge: [load_addr 0x%x, load_end_addr 0x%llx) is not in the file (0x%llx bytes from offset 0x%llx)",
				      h->load_addr, load_end, mb->len - start_off, start_off);
	if (h->bss_end_addr && h->bss_end_addr < load_end)
		return load_plan_fail(plan, -EINVAL, "a.out kludge: bss_end_addr 0x%x below load_end_addr 0x%llx",
				      h->bss_end_addr, load_end);
	file_len = load_end - h->load_addr;
	err = mb1_segment(mb, plan, 0, h->load_addr, start_off, file_len,
			  (h->bss_end_addr ? h->bss_end_addr : load_end) - h->load_addr);
	mb->entry = h->entry_addr;
	return err;
}

/* mem_lower and mem_upper in KiB from the map's RAM at 0 and at 1 MiB. */
static void mb1_mem_sizes(const struct load_plan *plan, struct mb1_info *info)
{
	for (unsigned int i = 0; i < plan->nr_map; i++) {
		const struct boot_e820_entry *e = &plan->map[i];
		u64 end = e->addr + e->size;

		if (e->type != E820_TYPE_RAM)
			continue;
		if (e->addr == 0)
			info->mem_lower = (u32)(MIN(end, (u64)MB1_LOW_MEM_END) >> 10);
		if (e->addr <= MB1_HIGH_MEM && end > MB1_HIGH_MEM)
			info->mem_upper = (u32)(MIN(end - MB1_HIGH_MEM, GiB(4) - MB1_HIGH_MEM) >> 10);
	}
}

/* A string into the blob at *at (advancing it), its gpa into *gpa. */
static int mb1_string(struct load_plan *plan, u64 base_gpa, const u8 *base, const char *s,
		      u32 *gpa)
{
	u64 n = strnlen(s, LOAD_CMDLINE_MAX);
	char *p;

	if (n == LOAD_CMDLINE_MAX)
		return load_plan_fail(plan, -E2BIG, "a module string of %u bytes or more",
				      LOAD_CMDLINE_MAX);
	p = load_plan_blob(plan, n + 1, 1);
	if (!p)
		return -E2BIG;
	memcpy(p, s, n);
	*gpa = (u32)(base_gpa + ((u8 *)p - base));
	return 0;
}

/*
 * The boot information at info_gpa: GDT, info, strings, module list and
 * memory map, consecutive in the blob so that one copy carries them; the
 * modules from mods_gpa (0: the page after the information).
 */
static int mb1_info(const struct load_config *cfg, struct load_plan *plan, u64 info_gpa,
		    u64 mods_gpa)
{
	u8 *base = plan->blob + ALIGN_UP(plan->blob_used, 8ULL);
	u64 gdt_gpa = info_gpa, cmdline_len, info_end;
	struct mb1_info *info;
	struct mb1_module *mods = NULL;
	struct mb1_mmap_entry *mmap;
	const char *cmdline;
	u64 mod_gpa = 0;
	u32 str;
	int err;

	if (!load_plan_gdt(plan, gdt_gpa, false))
		return -E2BIG;
	info = load_plan_blob(plan, sizeof(*info), 8);
	if (!info)
		return -E2BIG;
	info->flags = MB1_INFO_MEMORY | MB1_INFO_CMDLINE | MB1_INFO_MEM_MAP |
		      MB1_INFO_BOOT_LOADER_NAME;
	mb1_mem_sizes(plan, info);
	if ((err = load_plan_cmdline(plan, cfg, LOAD_CMDLINE_MAX - 1, &cmdline, &cmdline_len)))
		return err;
	info->cmdline = (u32)(info_gpa + ((const u8 *)cmdline - base));
	if ((err = mb1_string(plan, info_gpa, base, MB1_LOADER_NAME, &str)))
		return err;
	info->boot_loader_name = str;
	if (cfg->nr_modules) {
		mods = load_plan_blob(plan, cfg->nr_modules * sizeof(*mods), 8);
		if (!mods)
			return -E2BIG;
		info->flags |= MB1_INFO_MODS;
		info->mods_count = cfg->nr_modules;
		info->mods_addr = (u32)(info_gpa + ((u8 *)mods - base));
		for (unsigned int i = 0; i < cfg->nr_modules; i++) {
			const char *s = cfg->modules[i].cmdline ? cfg->modules[i].cmdline : "";

			if ((err = mb1_string(plan, info_gpa, base, s, &str)))
				return err;
			mods[i].string = str;
		}
	}
	mmap = load_plan_blob(plan, plan->nr_map * sizeof(*mmap), 8);
	if (!mmap)
		return -E2BIG;
	for (unsigned int i = 0; i < plan->nr_map; i++)
		mmap[i] = (struct mb1_mmap_entry){ sizeof(*mmap) - 4, plan->map[i].addr,
						   plan->map[i].size, plan->map[i].type };
	info->mmap_addr = (u32)(info_gpa + ((u8 *)mmap - base));
	info->mmap_length = plan->nr_map * sizeof(*mmap);
	info_end = info_gpa + (plan->blob + plan->blob_used - base);
	/* Modules each on its own page (MB1_PAGE_ALIGN or not). */
	mod_gpa = mods_gpa ? mods_gpa : ALIGN_UP(info_end, (u64)MB1_PAGE);
	for (unsigned int i = 0; i < cfg->nr_modules; i++) {
		const struct load_module *m = &cfg->modules[i];

		if (!m->data && m->len)
			return load_plan_fail(plan, -EINVAL, "module %u has no data", i);
		mods[i].mod_start = (u32)mod_gpa;
		mods[i].mod_end = (u32)(mod_gpa + m->len);
		if (m->len && (err = load_plan_add(plan, LOAD_COPY_DATA, mod_gpa, m->len, m->data,
						    module_names[i])))
			return err;
		mod_gpa = ALIGN_UP(mod_gpa + m->len, (u64)MB1_PAGE);
	}
	plan->cpu.rbx = info_gpa + ((u8 *)info - base);
	return load_plan_add(plan, LOAD_COPY_DATA, info_gpa, info_end - info_gpa, base,
			     "boot information");
}

static int mb1_check_placed(struct load_plan *plan)
{
	for (unsigned int i = 0; i < plan->nr_copies; i++) {
		const struct load_copy *c = &plan->copies[i];

		if (c->gpa + c->len > GiB(4) || !load_plan_in_ram(plan, c->gpa, c->len))
			return load_plan_fail(plan, -E2BIG, "%s [0x%llx, 0x%llx) does not fit in RAM below 4 GiB after the kernel",
					      c->what, c->gpa, c->gpa + c->len);
	}
	return load_plan_check_overlaps(plan);
}

/*
 * The information low at MB1_LOW_INFO_GPA with the modules after the
 * kernel, as QEMU does: kvm-unit-tests hands the memory from its edata
 * (right after its bss) to its page allocator and reads the memory map
 * later.  A kernel whose segments cover that page gets the information
 * after itself instead.
 */
static int mb1_place_info(struct mb1 *mb, const struct load_config *cfg, struct load_plan *plan)
{
	unsigned int nr_copies = plan->nr_copies;
	u64 blob_used = plan->blob_used, after = ALIGN_UP(mb->kernel_end, (u64)MB1_PAGE);
	int err = mb1_info(cfg, plan, MB1_LOW_INFO_GPA, after);

	if (!err && !mb1_check_placed(plan))
		return 0;
	plan->nr_copies = nr_copies;
	plan->blob_used = blob_used;
	err = mb1_info(cfg, plan, after, 0);
	return err ? err : mb1_check_placed(plan);
}

static bool mb1_entry_loaded(const struct load_plan *plan, u64 entry)
{
	for (unsigned int i = 0; i < plan->nr_copies; i++) {
		const struct load_copy *c = &plan->copies[i];

		if (!strncmp(c->what, "segment ", 8) && entry >= c->gpa && entry - c->gpa < c->len)
			return true;
	}
	return false;
}

int mb1_plan(const void *image, u64 len, const struct load_config *cfg, struct load_plan *plan)
{
	struct mb1 mb = { .image = image, .len = len };
	int err;

	memset(plan, 0, sizeof(*plan));
	plan->format = IMAGE_MULTIBOOT1;
	if (cfg->nr_modules > LOAD_MAX_MODULES)
		return load_plan_fail(plan, -E2BIG, "%u modules, at most %u", cfg->nr_modules,
				      LOAD_MAX_MODULES);
	err = load_plan_build_map(plan, cfg);
	if (!err)
		err = mb1_find_header(&mb, plan);
	if (!err)
		err = mb1_check_flags(&mb, plan);
	if (!err)
		err = (mb.hdr.flags & MB1_AOUT_KLUDGE) ? mb1_load_aout(&mb, plan)
						       : mb1_load_elf(&mb, plan);
	if (!err)
		err = load_plan_check_overlaps(plan);
	if (!err)
		err = mb1_place_info(&mb, cfg, plan);
	if (err)
		return err;
	if (!mb1_entry_loaded(plan, mb.entry))
		return load_plan_fail(plan, -ENOEXEC, "the entry point 0x%llx is not in a loaded segment",
				      mb.entry);
	plan->cpu.mode = LOAD_CPU_PROT32;
	plan->cpu.rip = mb.entry;
	plan->cpu.rax = MB1_BOOTLOADER_MAGIC;
	return 0;
}
