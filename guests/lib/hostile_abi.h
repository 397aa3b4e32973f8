/*
 * What the hostile suite's parameterised guests (guests/hostile_mmio.c,
 * guests/hostile_tlb.c, guests/hostile_fuzz.c) and their VMM
 * (tests/kernel/test_hostile_*.c) share: the VMM writes a struct
 * hostile_arg at HOSTILE_ARG_GPA, in the guest's RAM, before the first
 * entry.  Plain C types only: the guest includes this too.
 */
#pragma once

#include <stdint.h>

#define HOSTILE_ARG_GPA 0x300000ULL	/* in slot 0, the guest's RAM (4 MiB) */

/* hostile_mmio: what the guest does against arg.target. */
enum hostile_mmio_mode {
	HOSTILE_MMIO_SWEEP = 1,		/* every instruction class the emulator runs */
	HOSTILE_MMIO_LGDT,		/* LGDT from MMIO: refused by name */
	HOSTILE_MMIO_SIDT,		/* SIDT storing to MMIO: refused (a far CALL through MMIO is emulated) */
	HOSTILE_MMIO_FETCH_STRADDLE,	/* an instruction whose bytes run from RAM into MMIO */
};

/* The targets the VMM gives (the guest's identity map covers the first 4 GiB). */
#define HOSTILE_MMIO_UNBACKED 0xc0000000ULL	/* no slot, no device: an empty bus */
#define HOSTILE_MMIO_IORAM 0xff000000ULL	/* pc-testdev's IORAM (devices/pc_testdev.c) */
#define HOSTILE_MMIO_XAPIC 0xfee00000ULL	/* the vCPU's xAPIC page */
#define HOSTILE_MMIO_IOAPIC 0xfec00000ULL	/* the I/O APIC's window */
#define HOSTILE_MMIO_VIRTIO_BASE 0xd0000000ULL	/* VM_VIRTIO_MMIO_BASE: rng, then blk */
#define HOSTILE_MMIO_VIRTIO_STRIDE 0x1000ULL
#define HOSTILE_MMIO_VIRTIO_WINDOWS 2
#define HOSTILE_RAM_END 0x400000ULL		/* the VMs' 4 MiB */

/* The forms hostile_mmio's SWEEP runs: the VMM checks that all ran. */
#define HOSTILE_MMIO_SWEEP_FORMS 88

/* The guest's reports (GUEST_SYNC2(n, value)). */
enum hostile_mmio_report {
	HOSTILE_REPORT_FORMS = 1,	/* instruction forms run */
	HOSTILE_REPORT_VECTORS,		/* bit n: some form raised vector n */
	HOSTILE_REPORT_STATUS,		/* virtio: window i's status byte at bits 8i */
};

/*
 * hostile_tlb: its own mapping at TLB_LINEAR (the code page, then the data
 * page), the MMIO it reaches (no slot there; the VMM answers a read of gpa
 * g with TLB_MMIO_VALUE(g)), and the values it uses.
 */
#define TLB_LINEAR 0x8000000000ULL	/* PML4 entry 1: nothing else there */
#define TLB_CODE TLB_LINEAR
#define TLB_DATA (TLB_LINEAR + 0x1000)
#define TLB_MMIO_OLD 0xc0000000ULL
#define TLB_MMIO_NEW 0xc0001000ULL
#define TLB_MMIO_A 0xc0002000ULL
#define TLB_MMIO_B 0xc0003000ULL
#define TLB_MMIO_VALUE(gpa) (0x5a5a000000000000ULL | (gpa))
#define TLB_RAM_VALUE 0x1234567887654321ULL
#define TLB_MARKER 0xfeedfacecafebeefULL

struct hostile_arg {
	uint64_t mode;
	uint64_t target;
	uint64_t seed;		/* hostile_fuzz: this VM's */
	uint64_t streams;	/* hostile_fuzz: streams to run in this VM */
	uint64_t streams_done;	/* hostile_fuzz: streams it started (the guest's count) */
	uint64_t vectors;	/* hostile_fuzz: bit n, a stream ended by vector n (32: IRQ) */
	uint64_t finished;	/* hostile_fuzz: 1 when every stream ran (then a HLT) */
};
