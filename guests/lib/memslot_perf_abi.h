/*
 * What the memslot_perf guest (guests/memslot_perf.c) and its VMM
 * (tests/kernel/memslot_perf.c) share, after KVM's memslot_perf_test: the VMM fills
 * a struct perf_sync in the guest's RAM slot before the vCPU starts, and
 * the two then meet at sync points (KVM's host_perform_sync() and
 * guest_perform_sync()) through sync_flag while the VMM changes the slots
 * under the running guest.  Plain C types only: the guest includes this too.
 */
#pragma once

#include <stdint.h>

#define PERF_SYNC_GPA 0x300000ULL	/* in slot 0, the guest's RAM */
#define PERF_PAGE_SIZE 4096ULL

/*
 * KVM's MEM_TEST_VAL_1 and MEM_TEST_VAL_2, made different for every page
 * (KVM writes one value everywhere): a page mapped to the wrong frame
 * shows another page's value.
 */
#define PERF_VAL_1 0x1122334455667788ULL
#define PERF_VAL_2 0x99aabbccddeeff00ULL

static inline uint64_t perf_page_value(uint64_t val, uint64_t page_gpa)
{
	return val ^ page_gpa;
}
/* What the VMM answers an MMIO read of the test area with. */
#define PERF_MMIO_READ_VALUE (~0ULL)

/*
 * The move guest writes (round << PERF_SEQ_SHIFT) | page to each page, so
 * every value it may read back names the page and the round that wrote it.
 */
#define PERF_SEQ_SHIFT 16

/* What the guest does (one per KVM guest_code_test_memslot_*). */
enum perf_guest_mode {
	PERF_GUEST_MAP = 1,	/* write every page, half the area per sync */
	PERF_GUEST_UNMAP,	/* write one page per half per sync */
	PERF_GUEST_MOVE,	/* write and read back the move area until told to stop */
	PERF_GUEST_RW,		/* write every page, then check the VMM's writes */
};

struct perf_sync {
	uint64_t mode;			/* enum perf_guest_mode */
	uint64_t test_gpa, test_size;	/* the area of many slots */
	uint64_t unmap_size;		/* unmap: the first unmap_size bytes of the area */
	uint64_t move_gpa, move_size;	/* move: the pages the guest writes */
	uint64_t sync_flag;		/* set by the VMM, cleared by the guest */
	uint64_t exit_flag;		/* set with the last sync_flag (move: alone) */
	uint64_t mmio_write_value;	/* move: the data of the last MMIO write the VMM saw */
	uint64_t rounds;		/* the guest's finished passes (progress) */
	uint64_t mmio_reads;		/* move: reads that came back as MMIO */
	uint64_t old_reads;		/* move: reads that saw an older write (theirs was MMIO) */
};
