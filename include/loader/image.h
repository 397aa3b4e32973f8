/*
 * Guest images nobody here wrote: recognising a file's format and turning
 * it into a load plan.  A plan is what a loader decided, with no VM in
 * sight: a list of copies into guest-physical memory (data, zeroes, or a
 * range the kernel will use that nothing else may overlap) and the CPU
 * state to start in.  vm_load_kernel() (loader/load_kernel.c) applies one to a
 * VM; the host unit tests check plans byte by byte.
 *
 * Formats: a Linux bzImage (boot protocol 2.06 or later, loader/bzimage.c)
 * and a multiboot v1 kernel, ELF32 or a.out kludge (loader/multiboot1.c).
 * Anything else is -ENOEXEC with a description of what was found.
 */
#pragma once

#include "compiler.h"
#include "types.h"
#include "loader/bootparam.h"

enum image_format {
	IMAGE_BZIMAGE = 1,
	IMAGE_MULTIBOOT1,
};

struct load_range {
	u64 start, size;
};

/* A module: multiboot v1 modules, or a bzImage's initrd (at most one). */
struct load_module {
	const void *data;
	u64 len;
	const char *cmdline;	/* the module's string (multiboot); NULL: "" */
};

enum linux_entry {
	LINUX_ENTRY_DEFAULT,	/* 64-bit when the kernel has XLF_KERNEL_64 */
	LINUX_ENTRY_32,		/* the 32-bit boot protocol */
	LINUX_ENTRY_64,		/* the 64-bit boot protocol, or -ENOEXEC */
};

#define LOAD_MAX_RANGES 16
#define LOAD_MAX_MODULES 8
#define LOAD_CMDLINE_MAX 4096	/* bytes including the NUL */

/* What the VM offers the image. */
struct load_config {
	const struct load_range *ram;		/* guest RAM (the memslots) */
	unsigned int nr_ram;
	const struct load_range *reserved;	/* holes shown reserved in the memory map */
	unsigned int nr_reserved;
	const char *cmdline;			/* NULL: empty; multiboot: "name args" */
	const struct load_module *modules;
	unsigned int nr_modules;
	enum linux_entry linux_entry;
	u64 acpi_rsdp;				/* the guest's RSDP (0: none), for acpi_rsdp_addr */
};

enum load_copy_kind {
	LOAD_COPY_DATA,		/* len bytes from src */
	LOAD_COPY_ZERO,		/* len zero bytes (bss) */
	LOAD_COPY_RESERVE,	/* nothing written; no other copy may overlap */
};

struct load_copy {
	u64 gpa;
	u64 len;
	const void *src;	/* LOAD_COPY_DATA: into the image, a module or plan->blob */
	enum load_copy_kind kind;
	const char *what;	/* "segment 1", "zero page", ... for messages and tests */
};

enum load_cpu_mode {
	LOAD_CPU_PROT32,	/* flat 32-bit protected mode, paging off */
	LOAD_CPU_LONG64,	/* 64-bit mode, cr3 = an identity map of 4 GiB */
};

/* Selectors in the plan's GDT (Linux's __BOOT_CS and __BOOT_DS). */
#define LOAD_BOOT_CS 0x10
#define LOAD_BOOT_DS 0x18
#define LOAD_GDT_ENTRIES 4

struct load_cpu {
	enum load_cpu_mode mode;
	u64 rip, rsp, rax, rbx, rsi;
	u64 gdt_base;		/* a GDT with flat code at cs and flat data at ds */
	u16 gdt_limit;
	u16 cs, ds;
	u64 cr3;		/* LOAD_CPU_LONG64 */
};

#define LOAD_PLAN_MAX_COPIES 40
#define LOAD_PLAN_BLOB_SIZE (48 * 1024)
#define LOAD_ERROR_LEN 160

struct load_plan {
	enum image_format format;
	struct load_copy copies[LOAD_PLAN_MAX_COPIES];
	unsigned int nr_copies;
	struct load_cpu cpu;
	/* The memory map the guest is told about (RAM minus reserved). */
	struct boot_e820_entry map[E820_MAX_ENTRIES_ZEROPAGE];
	unsigned int nr_map;
	/* Boot data the loader built (zero page, info, GDT, tables). */
	u8 blob[LOAD_PLAN_BLOB_SIZE] __aligned(16);	/* alignment in it is relative to its start */
	u64 blob_used;
	char error[LOAD_ERROR_LEN];	/* why the plan failed */
};

/*
 * What image[0, len) is: IMAGE_BZIMAGE or IMAGE_MULTIBOOT1, with desc
 * ("Linux bzImage, boot protocol 2.15") filled; or -ENOEXEC with desc
 * naming what was found instead ("ELF64 x86-64 executable without a
 * multiboot v1 header", "gzip data", or the first bytes in hex).
 */
int image_identify(const void *image, u64 len, char *desc, size_t desc_len);

/*
 * Make plan (zeroed first) for image under cfg.  0, or a negative errno
 * with plan->error saying why: -ENOEXEC (not a format slotvisor loads, or
 * one it cannot meet), -EINVAL (a malformed or truncated file, a bad
 * config), -E2BIG (does not fit in RAM, command line too long, too many
 * segments).  Never reads outside image, the modules or cfg.
 */
int image_plan(const void *image, u64 len, const struct load_config *cfg, struct load_plan *plan);
int bzimage_plan(const void *image, u64 len, const struct load_config *cfg, struct load_plan *plan);
int mb1_plan(const void *image, u64 len, const struct load_config *cfg, struct load_plan *plan);

/* The first copy whose what is `what`, or NULL (tests, messages). */
const struct load_copy *load_plan_find(const struct load_plan *plan, const char *what);

/* --- helpers the loaders share (loader/load_plan.c) --- */

/* Record an error message in plan and return err. */
int load_plan_fail(struct load_plan *plan, int err, const char *fmt, ...) __printf(3, 4);
/* Build plan->map from cfg: RAM ranges with the reserved ones carved out. */
int load_plan_build_map(struct load_plan *plan, const struct load_config *cfg);
/* Does [gpa, gpa + len) lie inside one RAM entry of plan->map? */
bool load_plan_in_ram(const struct load_plan *plan, u64 gpa, u64 len);
/* Append a copy; -E2BIG when the plan is full or the range wraps. */
int load_plan_add(struct load_plan *plan, enum load_copy_kind kind, u64 gpa, u64 len,
		  const void *src, const char *what);
/* len zeroed bytes of plan->blob aligned to align, or NULL (error recorded). */
void *load_plan_blob(struct load_plan *plan, u64 len, u64 align);
/* -EINVAL naming the first two copies that overlap, else 0. */
int load_plan_check_overlaps(struct load_plan *plan);
/* Does [gpa, gpa + len) overlap a copy already in the plan? */
bool load_plan_overlaps(const struct load_plan *plan, u64 gpa, u64 len);
/*
 * A flat GDT (code at LOAD_BOOT_CS, 64-bit code if long_mode, data at
 * LOAD_BOOT_DS) in the blob, which the caller copies to gpa; NULL if full.
 */
u64 *load_plan_gdt(struct load_plan *plan, u64 gpa, bool long_mode);
/* Validate and copy cfg->cmdline into the blob; *out is its copy. */
int load_plan_cmdline(struct load_plan *plan, const struct load_config *cfg, u64 max_len,
		      const char **out, u64 *len);
