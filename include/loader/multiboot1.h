/*
 * Multiboot v1 (the Multiboot Specification 0.6.96, section 3): the header
 * a kernel carries in its first 8192 bytes, and the information structure
 * the loader passes in EBX.  kvm-unit-tests' x86 .flat binaries are
 * multiboot v1 ELF32 files (flags 0: the loader reads the ELF headers).
 */
#pragma once

#include "compiler.h"
#include "types.h"

#define MB1_HEADER_MAGIC 0x1BADB002
#define MB1_BOOTLOADER_MAGIC 0x2BADB002	/* EAX at entry */
#define MB1_SEARCH_LEN 8192
#define MB1_HEADER_ALIGN 4

/* Header flags: bits 0-15 are requirements a loader must meet or refuse. */
#define MB1_PAGE_ALIGN BIT(0)		/* modules on 4 KiB boundaries */
#define MB1_MEMORY_INFO BIT(1)		/* mem_* (and mmap) in the info */
#define MB1_VIDEO_MODE BIT(2)
#define MB1_REQUIRED_MASK 0xffffu
#define MB1_AOUT_KLUDGE BIT(16)		/* the address fields below are valid */

struct mb1_header {
	u32 magic;
	u32 flags;
	u32 checksum;		/* magic + flags + checksum == 0 (mod 2^32) */
	/* valid with MB1_AOUT_KLUDGE */
	u32 header_addr;	/* physical address of this header's magic */
	u32 load_addr;		/* where the text starts, physical */
	u32 load_end_addr;	/* end of the data to load; 0: to the end of the file */
	u32 bss_end_addr;	/* end of the bss to zero; 0: no bss */
	u32 entry_addr;
} __packed;

#define MB1_HEADER_MIN 12	/* magic, flags, checksum */

/* Info flags */
#define MB1_INFO_MEMORY BIT(0)
#define MB1_INFO_CMDLINE BIT(2)
#define MB1_INFO_MODS BIT(3)
#define MB1_INFO_MEM_MAP BIT(6)
#define MB1_INFO_BOOT_LOADER_NAME BIT(9)

struct mb1_info {
	u32 flags;		/* 0 */
	u32 mem_lower;		/* 4: KiB from 0 */
	u32 mem_upper;		/* 8: KiB from 1 MiB */
	u32 boot_device;	/* 12 */
	u32 cmdline;		/* 16 */
	u32 mods_count;		/* 20 */
	u32 mods_addr;		/* 24 */
	u32 syms[4];		/* 28 */
	u32 mmap_length;	/* 44 */
	u32 mmap_addr;		/* 48 */
	u32 drives_length;
	u32 drives_addr;
	u32 config_table;
	u32 boot_loader_name;	/* 64 */
	u32 apm_table;
	u32 vbe_control_info;
	u32 vbe_mode_info;
	u16 vbe_mode;
	u16 vbe_interface_seg;
	u16 vbe_interface_off;
	u16 vbe_interface_len;	/* 86 */
} __packed;

struct mb1_module {
	u32 mod_start;
	u32 mod_end;		/* exclusive */
	u32 string;
	u32 reserved;
} __packed;

/* mmap_addr points at the first entry's size, which does not count itself. */
struct mb1_mmap_entry {
	u32 size;		/* 20 */
	u64 addr;
	u64 len;
	u32 type;		/* 1: available RAM */
} __packed;

_Static_assert(sizeof(struct mb1_header) == 32, "mb1 header with the a.out kludge fields");
_Static_assert(sizeof(struct mb1_info) == 88, "mb1 info up to the VBE fields");
_Static_assert(__builtin_offsetof(struct mb1_info, mmap_addr) == 48, "mmap_addr");
_Static_assert(__builtin_offsetof(struct mb1_info, boot_loader_name) == 64, "boot_loader_name");
_Static_assert(sizeof(struct mb1_module) == 16, "mb1 module");
_Static_assert(sizeof(struct mb1_mmap_entry) == 24, "mb1 mmap entry");
