/*
 * fw_cfg: QEMU's firmware configuration interface, the traditional
 * (DMA-free) port I/O form (QEMU's docs/specs/fw_cfg.rst): a 16-bit write
 * of an item's key to the selector port FW_CFG_PORT_SEL starts reading that
 * item at offset 0, and each byte read from FW_CFG_PORT_DATA returns the
 * next byte of it, 0 past its end or for a key with no item.  Writes to the
 * data port are ignored (fw_cfg 2.4+ refuses them the same way).
 *
 * The items are the ones kvm-unit-tests reads (lib/x86/fwcfg.c): the
 * signature, the interface ID (no DMA), RAM size, the number of CPUs and
 * their maximum, all little-endian.  With it a .flat needs no environment
 * module to know how many CPUs it has.  No hardware dependency:
 * host-tested (tests/unit/test_fw_cfg.c).
 */
#pragma once

#include "types.h"

#define FW_CFG_PORT_SEL 0x510
#define FW_CFG_PORT_DATA 0x511

#define FW_CFG_SIGNATURE 0x00	/* "QEMU" */
#define FW_CFG_ID 0x01		/* u32: bit 0 traditional interface, bit 1 DMA (not here) */
#define FW_CFG_RAM_SIZE 0x03	/* u64: bytes */
#define FW_CFG_NB_CPUS 0x05	/* u16: CPUs present at boot */
#define FW_CFG_MAX_CPUS 0x0f	/* u16 */
#define FW_CFG_NR_KEYS 0x10	/* keys below this are looked up; the rest have no item */

#define FW_CFG_ID_TRADITIONAL 0x1u

struct fw_cfg {
	u64 ram_size;
	u16 nr_cpus;
	u16 key;		/* the selected item */
	u32 offset;		/* the next byte of it to read */
};

void fw_cfg_init(struct fw_cfg *f, u64 ram_size, u16 nr_cpus);

/* A port access (size 1, 2 or 4 bytes; an IN's result in *data); false if port is not ours. */
bool fw_cfg_io(struct fw_cfg *f, u16 port, bool is_write, unsigned int size, u32 *data);
