/*
 * Multiboot2: the constants of the specification and the boot-information
 * parser.  GRUB enters the kernel with EAX = MB2_BOOTLOADER_MAGIC and EBX
 * pointing at the boot information: a fixed header followed by 8-aligned
 * tags, ending with an end tag.  The constants are usable from assembly;
 * the structures and functions are C only.
 */
#pragma once

/* In the kernel image's multiboot2 header (first 32 KiB, 8-aligned). */
#define MB2_HEADER_MAGIC		0xe85250d6
#define MB2_HEADER_ARCH_I386		0
#define MB2_HEADER_TAG_END		0
#define MB2_HEADER_TAG_INFO_REQ		1
#define MB2_HEADER_TAG_ADDRESS		2
#define MB2_HEADER_TAG_ENTRY		3
#define MB2_HEADER_TAG_FLAGS		4
#define MB2_HEADER_TAG_FRAMEBUFFER	5
#define MB2_HEADER_TAG_MODULE_ALIGN	6
#define MB2_HEADER_TAG_RELOCATABLE	10
#define MB2_HEADER_TAG_OPTIONAL		1	/* flags bit 0 of a header tag */

/* What the loader leaves in EAX. */
#define MB2_BOOTLOADER_MAGIC		0x36d76289

/* Boot-information tag types. */
#define MB2_TAG_END			0
#define MB2_TAG_CMDLINE			1
#define MB2_TAG_LOADER_NAME		2
#define MB2_TAG_MODULE			3
#define MB2_TAG_BASIC_MEMINFO		4
#define MB2_TAG_BOOTDEV			5
#define MB2_TAG_MMAP			6
#define MB2_TAG_VBE			7
#define MB2_TAG_FRAMEBUFFER		8
#define MB2_TAG_ELF_SECTIONS		9
#define MB2_TAG_APM			10
#define MB2_TAG_EFI32			11
#define MB2_TAG_EFI64			12
#define MB2_TAG_SMBIOS			13
#define MB2_TAG_ACPI_OLD		14
#define MB2_TAG_ACPI_NEW		15
#define MB2_TAG_NETWORK			16
#define MB2_TAG_EFI_MMAP		17
#define MB2_TAG_EFI_BS			18
#define MB2_TAG_EFI32_IH		19
#define MB2_TAG_EFI64_IH		20
#define MB2_TAG_LOAD_BASE_ADDR		21

#define MB2_TAG_ALIGN			8

/* framebuffer_type of the framebuffer-info tag (spec 3.6.12). */
#define MB2_FRAMEBUFFER_TYPE_INDEXED	0
#define MB2_FRAMEBUFFER_TYPE_RGB	1
#define MB2_FRAMEBUFFER_TYPE_EGA_TEXT	2

/* Memory map entry types. */
#define MB2_MEMORY_AVAILABLE		1
#define MB2_MEMORY_RESERVED		2
#define MB2_MEMORY_ACPI_RECLAIMABLE	3
#define MB2_MEMORY_NVS			4
#define MB2_MEMORY_BADRAM		5

#ifndef __ASSEMBLY__

#include "compiler.h"
#include "types.h"

/* The fixed header at the start of the boot information. */
struct mb2_info_header {
	u32 total_size;		/* including this header and the end tag */
	u32 reserved;
} __packed;
_Static_assert(sizeof(struct mb2_info_header) == 8, "mb2 info header is 8 bytes");

/* The header every tag starts with; size excludes the padding to 8. */
struct mb2_tag {
	u32 type;
	u32 size;
} __packed;
_Static_assert(sizeof(struct mb2_tag) == 8, "mb2 tag header is 8 bytes");

/* Command line (1) and boot loader name (2): a NUL-terminated string. */
struct mb2_tag_string {
	struct mb2_tag tag;
	char string[];
} __packed;
_Static_assert(sizeof(struct mb2_tag_string) == 8, "mb2 string tag is 8 bytes + string");

/* A boot module (3): [mod_start, mod_end) and its command line. */
struct mb2_tag_module {
	struct mb2_tag tag;
	u32 mod_start;
	u32 mod_end;
	char cmdline[];
} __packed;
_Static_assert(sizeof(struct mb2_tag_module) == 16, "mb2 module tag is 16 bytes + string");

/* Basic memory information (4), in KiB. */
struct mb2_tag_basic_meminfo {
	struct mb2_tag tag;
	u32 mem_lower;
	u32 mem_upper;
} __packed;
_Static_assert(sizeof(struct mb2_tag_basic_meminfo) == 16, "mb2 meminfo tag is 16 bytes");

/* One memory map entry; entry_size in the tag may be larger. */
struct mb2_mmap_entry {
	u64 addr;
	u64 len;
	u32 type;
	u32 zero;
} __packed;
_Static_assert(sizeof(struct mb2_mmap_entry) == 24, "mb2 mmap entry is 24 bytes");

/* The memory map (6): entries of entry_size bytes follow the header. */
struct mb2_tag_mmap {
	struct mb2_tag tag;
	u32 entry_size;
	u32 entry_version;
	struct mb2_mmap_entry entries[];
} __packed;
_Static_assert(sizeof(struct mb2_tag_mmap) == 16, "mb2 mmap tag is 16 bytes + entries");

/* ACPI old (14) and new (15) RSDP: a copy of the RSDP follows the header. */
struct mb2_tag_acpi {
	struct mb2_tag tag;
	u8 rsdp[];
} __packed;
_Static_assert(sizeof(struct mb2_tag_acpi) == 8, "mb2 acpi tag is 8 bytes + RSDP");

/*
 * Framebuffer info (8, spec 3.6.12): the common part.  The spec's text
 * gives "reserved" as one byte; GRUB, which writes the tag, declares it
 * u16 (its multiboot2.h), so the colour info starts at byte 32.
 */
struct mb2_tag_framebuffer {
	struct mb2_tag tag;
	u64 addr;
	u32 pitch;		/* bytes per scan line (per text row for EGA text) */
	u32 width;		/* pixels (characters for EGA text) */
	u32 height;		/* pixels (rows for EGA text) */
	u8 bpp;			/* bits per pixel (16 for EGA text) */
	u8 type;		/* MB2_FRAMEBUFFER_TYPE_* */
	u16 reserved;
	u8 color_info[];	/* type 1: the six bytes below; type 0: a palette */
} __packed;
_Static_assert(sizeof(struct mb2_tag_framebuffer) == 32, "mb2 framebuffer tag is 32 bytes + colour info");

/* The colour info of a direct-colour (type 1) framebuffer. */
struct mb2_framebuffer_rgb {
	u8 red_pos;
	u8 red_size;
	u8 green_pos;
	u8 green_size;
	u8 blue_pos;
	u8 blue_size;
} __packed;
_Static_assert(sizeof(struct mb2_framebuffer_rgb) == 6, "mb2 RGB colour info is 6 bytes");

/*
 * A framebuffer the screen console can draw on, as mb2_parse() checked it:
 * direct colour (RGB) or EGA text.  Present only when valid is true.
 */
struct boot_framebuffer {
	bool valid;
	u8 type;		/* MB2_FRAMEBUFFER_TYPE_RGB or _EGA_TEXT */
	u8 bpp;			/* 15, 16, 24 or 32 (16 for EGA text) */
	u64 addr;		/* physical */
	u64 size;		/* pitch * height bytes */
	u32 pitch, width, height;
	struct mb2_framebuffer_rgb rgb;	/* RGB only */
};
/* EFI 64-bit system table (12) and image handle (20): one pointer. */
struct mb2_tag_efi64 {
	struct mb2_tag tag;
	u64 pointer;
} __packed;
_Static_assert(sizeof(struct mb2_tag_efi64) == 16, "mb2 EFI64 tag is 16 bytes");

/*
 * The EFI memory map (17): what GetMemoryMap() returned, descriptors of
 * descr_size bytes (at least the 40 of struct efi_memory_descriptor; the
 * firmware may make them larger).
 */
struct mb2_tag_efi_mmap {
	struct mb2_tag tag;
	u32 descr_size;
	u32 descr_vers;
	u8 efi_mmap[];
} __packed;
_Static_assert(sizeof(struct mb2_tag_efi_mmap) == 16, "mb2 EFI mmap tag is 16 bytes + map");

/* UEFI 2.10 7.2, EFI_MEMORY_DESCRIPTOR (the first 40 bytes of each). */
struct efi_memory_descriptor {
	u32 type;		/* EFI_* below */
	u32 pad;
	u64 phys_start;		/* 4 KiB aligned */
	u64 virt_start;
	u64 nr_pages;		/* of 4 KiB */
	u64 attribute;
} __packed;
_Static_assert(sizeof(struct efi_memory_descriptor) == 40, "EFI memory descriptor is 40 bytes");

#define EFI_PAGE_SHIFT			12

/* EFI_MEMORY_TYPE (UEFI 2.10 7.2). */
#define EFI_RESERVED_MEMORY_TYPE	0
#define EFI_LOADER_CODE			1
#define EFI_LOADER_DATA			2
#define EFI_BOOT_SERVICES_CODE		3
#define EFI_BOOT_SERVICES_DATA		4
#define EFI_RUNTIME_SERVICES_CODE	5
#define EFI_RUNTIME_SERVICES_DATA	6
#define EFI_CONVENTIONAL_MEMORY		7
#define EFI_UNUSABLE_MEMORY		8
#define EFI_ACPI_RECLAIM_MEMORY		9
#define EFI_ACPI_MEMORY_NVS		10
#define EFI_MEMORY_MAPPED_IO		11
#define EFI_MEMORY_MAPPED_IO_PORT_SPACE	12
#define EFI_PAL_CODE			13
#define EFI_PERSISTENT_MEMORY		14

/* The multiboot2 memory type (MB2_MEMORY_*) slotvisor gives an EFI type. */
u32 efi_memory_type_to_mb2(u32 efi_type);

#define BOOT_MMAP_MAX 128
#define BOOT_MODULES_MAX 16

/* A memory map entry as the rest of slotvisor sees it. */
struct boot_mmap_entry {
	u64 addr;
	u64 len;
	u32 type;		/* MB2_MEMORY_* */
};

/* A boot module: [start, end) and its command line (never NULL). */
struct boot_module {
	hpa_t start;
	hpa_t end;
	const char *cmdline;
};

/*
 * What mb2_parse() extracts.  Strings and rsdp point into the boot
 * information itself, which must therefore stay mapped and untouched.
 */
struct boot_info {
	const char *cmdline;		/* "" if the loader gave none */
	const char *loader_name;	/* "" if the loader gave none */
	u32 total_size;
	unsigned int nr_mmap;
	struct boot_mmap_entry mmap[BOOT_MMAP_MAX];
	unsigned int nr_modules;
	struct boot_module modules[BOOT_MODULES_MAX];
	unsigned int dropped;		/* mmap entries and modules that did not fit */
	u32 mem_lower_kib;		/* basic meminfo, 0 if absent */
	u32 mem_upper_kib;
	const void *rsdp;		/* the RSDP copy inside the tag, NULL if none */
	unsigned int rsdp_len;		/* bytes of that copy */
	bool rsdp_v2;			/* it came from the "new" tag (15) */
	struct boot_framebuffer fb;	/* the framebuffer, if the tag was usable */
	char fb_error[128];		/* why a framebuffer tag was refused, "" if not */
	bool mmap_from_efi;		/* mmap[] converted from the EFI memory map (17) */
	bool efi64;			/* booted by a UEFI loader: EFI64 tag (12) seen */
	u64 efi_system_table;		/* from that tag; never called */
	bool efi_bs_active;		/* EFI boot services not terminated (18) */
	char error[128];		/* why mb2_parse() failed, "" on success */
};

/*
 * Parse the boot information at mbi, of which at most max_size bytes may
 * be read, into bi; return 0, or -EINVAL with bi->error naming the problem.
 */
int mb2_parse(const void *mbi, u32 max_size, struct boot_info *bi);

/*
 * The nth (from 0) module whose string starts with the word role
 * ("kernel", "initrd", "module": console/guest_boot.c's convention), with
 * *args pointing after the word and its space; NULL if there is none.
 */
const struct boot_module *boot_find_module(const struct boot_info *bi, const char *role,
					   const char **args, unsigned int nth);

/* The name of a memory map entry type ("available", "ACPI NVS", ...). */
const char *mb2_mmap_type_name(u32 type);

/* Print the loader, command line, memory map and modules, prefixed "boot:". */
void mb2_print(const struct boot_info *bi);

#endif /* __ASSEMBLY__ */
