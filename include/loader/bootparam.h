/*
 * The Linux x86 boot protocol's structures (Documentation/arch/x86/boot.rst
 * and zero-page.rst; arch/x86/include/uapi/asm/bootparam.h): the setup
 * header at offset 0x1f1 of a bzImage, and the zero page (struct
 * boot_params) a loader hands the kernel in ESI/RSI.  Only the fields
 * slotvisor reads or writes are named; the rest is padding at its offset.
 */
#pragma once

#include "compiler.h"
#include "types.h"

#define BZ_SETUP_HEADER_OFFSET 0x1f1
#define BZ_HDRS_OFFSET 0x202
#define BZ_HDRS_MAGIC 0x53726448	/* "HdrS" */
#define BZ_MIN_PROTOCOL 0x0206
#define BZ_DEFAULT_SETUP_SECTS 4	/* setup_sects == 0 means 4 */
#define BZ_SECTOR_SIZE 512
#define BZ_ENTRY64_OFFSET 0x200		/* startup_64 from the load address */
#define BZ_LOW_LOAD_ADDR 0x100000	/* where a non-relocatable kernel goes */

/* loadflags */
#define BZ_LOADED_HIGH BIT(0)
#define BZ_KEEP_SEGMENTS BIT(6)
#define BZ_CAN_USE_HEAP BIT(7)
/* xloadflags (protocol 2.12) */
#define BZ_XLF_KERNEL_64 BIT(0)
#define BZ_XLF_CAN_BE_LOADED_ABOVE_4G BIT(1)

#define BZ_LOADER_UNDEFINED 0xff	/* type_of_loader for a loader without an id */

struct setup_header {
	u8 setup_sects;		/* 0x1f1 */
	u16 root_flags;
	u32 syssize;		/* 16-byte paragraphs of protected-mode code */
	u16 ram_size;
	u16 vid_mode;
	u16 root_dev;
	u16 boot_flag;		/* 0x1fe: 0xaa55 */
	u16 jump;		/* 0x200: its second byte + 0x202 ends the header */
	u32 header;		/* 0x202: "HdrS" */
	u16 version;		/* 0x206 */
	u32 realmode_swtch;
	u16 start_sys_seg;
	u16 kernel_version;
	u8 type_of_loader;	/* 0x210 */
	u8 loadflags;		/* 0x211 */
	u16 setup_move_size;
	u32 code32_start;	/* 0x214 */
	u32 ramdisk_image;	/* 0x218 */
	u32 ramdisk_size;	/* 0x21c */
	u32 bootsect_kludge;
	u16 heap_end_ptr;	/* 0x224 */
	u8 ext_loader_ver;
	u8 ext_loader_type;
	u32 cmd_line_ptr;	/* 0x228 */
	u32 initrd_addr_max;	/* 0x22c */
	u32 kernel_alignment;	/* 0x230 */
	u8 relocatable_kernel;	/* 0x234 */
	u8 min_alignment;
	u16 xloadflags;		/* 0x236 */
	u32 cmdline_size;	/* 0x238 */
	u32 hardware_subarch;
	u64 hardware_subarch_data;
	u32 payload_offset;
	u32 payload_length;
	u64 setup_data;		/* 0x250 */
	u64 pref_address;	/* 0x258 */
	u32 init_size;		/* 0x260 */
	u32 handover_offset;
	u32 kernel_info_offset;
} __packed;

#define E820_TYPE_RAM 1
#define E820_TYPE_RESERVED 2
#define E820_MAX_ENTRIES_ZEROPAGE 128

struct boot_e820_entry {
	u64 addr;
	u64 size;
	u32 type;
} __packed;

struct boot_params {
	u8 _pad0[0x70];
	u64 acpi_rsdp_addr;		/* 0x070 */
	u8 _pad1[0xc0 - 0x78];
	u32 ext_ramdisk_image;		/* 0x0c0 */
	u32 ext_ramdisk_size;		/* 0x0c4 */
	u32 ext_cmd_line_ptr;		/* 0x0c8 */
	u8 _pad2[0x1e8 - 0xcc];
	u8 e820_entries;		/* 0x1e8 */
	u8 _pad3[0x1ef - 0x1e9];
	u8 sentinel;			/* 0x1ef */
	u8 _pad4;
	struct setup_header hdr;	/* 0x1f1 */
	u8 _pad5[0x2d0 - 0x1f1 - sizeof(struct setup_header)];
	struct boot_e820_entry e820_table[E820_MAX_ENTRIES_ZEROPAGE];	/* 0x2d0 */
	u8 _pad6[0x1000 - 0x2d0 - E820_MAX_ENTRIES_ZEROPAGE * sizeof(struct boot_e820_entry)];
} __packed;

_Static_assert(sizeof(struct setup_header) == 0x26c - 0x1f1, "setup_header ends at 0x26c");
_Static_assert(sizeof(struct boot_e820_entry) == 20, "e820 entry is 20 bytes");
_Static_assert(sizeof(struct boot_params) == 4096, "the zero page is one page");
_Static_assert(__builtin_offsetof(struct boot_params, e820_entries) == 0x1e8, "e820_entries");
_Static_assert(__builtin_offsetof(struct boot_params, hdr) == 0x1f1, "hdr");
_Static_assert(__builtin_offsetof(struct boot_params, e820_table) == 0x2d0, "e820_table");
_Static_assert(__builtin_offsetof(struct boot_params, hdr.version) == 0x206, "hdr.version");
_Static_assert(__builtin_offsetof(struct boot_params, hdr.cmd_line_ptr) == 0x228, "cmd_line_ptr");
_Static_assert(__builtin_offsetof(struct boot_params, hdr.xloadflags) == 0x236, "xloadflags");
_Static_assert(__builtin_offsetof(struct boot_params, hdr.pref_address) == 0x258, "pref_address");
_Static_assert(__builtin_offsetof(struct boot_params, hdr.init_size) == 0x260, "init_size");
_Static_assert(__builtin_offsetof(struct boot_params, ext_cmd_line_ptr) == 0xc8, "ext_cmd_line_ptr");
