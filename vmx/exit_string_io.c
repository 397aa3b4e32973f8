/*
 * String port I/O: INS and OUTS, with or without REP (SDM Vol. 2B "INS",
 * "OUTS"), any element size, DF either way, address size 16, 32 or 64
 * from the exit's instruction information (SDM Vol. 3C 28.2.5, Table
 * 28-8; given where IA32_VMX_BASIC bit 54 is set).
 *
 * One element per exit, as one IN or OUT: the VMM's device dispatch sees
 * the same VCPU_EXIT_IO it sees for IN and OUT, for every port.  The
 * element's RSI or RDI and RCX move on as the CPU moves them, and RIP
 * passes the instruction only once the count reaches 0; until then the
 * guest executes the same REP instruction again, which exits for its next
 * element, and may take an interrupt in between as it would on hardware
 * (docs/vmx.md, "String port I/O", says why not a loop here).
 *
 * The memory side may be MMIO, one page of it or both (KVM emulates it
 * through its MMIO path too): an OUTS element's parts on MMIO are MMIO read
 * exits before its OUT exit, an INS element's parts on MMIO are MMIO write
 * exits after its IN exit, each part (at most 4 bytes, in one page) one
 * exit, all before the guest runs again.
 */
#include "lib/errno.h"
#include "lib/string.h"
#include "vcpu_internal.h"
#include "vmx/caps.h"
#include "vmx/page_walk.h"
#include "vmx/vmcs.h"
#include "vmx/vmx.h"

/* The exit's instruction information for INS/OUTS (SDM Vol. 3C Table 28-8). */
#define IO_INFO_ADDR_SIZE(i) (((i) >> 7) & 7)	/* 0: 16-bit, 1: 32-bit, 2: 64-bit */
#define IO_INFO_ADDR_SIZE_64 2
#define IO_INFO_SEG(i) (((i) >> 15) & 7)	/* OUTS only: INS always writes ES:rDI */
/* Segment register numbers in that field. */
#define SEG_ES 0
#define SEG_FS 4
#define SEG_GS 5
#define SEG_COUNT 6
#define LINEAR32_MASK 0xffffffffULL
#define PAGE_OFFSET_MASK 0xfffULL
#define PAGE_SIZE_4K 0x1000ULL

static const enum vmcs_field seg_base_field[SEG_COUNT] = {
	GUEST_ES_BASE, GUEST_CS_BASE, GUEST_SS_BASE, GUEST_DS_BASE, GUEST_FS_BASE, GUEST_GS_BASE,
};

static u64 addr_mask(unsigned int asize)
{
	return asize == 8 ? ~0ULL : (1ULL << (8 * asize)) - 1;
}

/*
 * reg += delta in the address size: a 16-bit register keeps the bits
 * above it, a 32-bit one is zero-extended (SDM Vol. 1 3.4.1.1).
 */
static void reg_add(u64 *reg, s64 delta, unsigned int asize)
{
	u64 mask = addr_mask(asize);

	if (asize == 4)
		*reg = (*reg + delta) & mask;
	else
		*reg = (*reg & ~mask) | ((*reg + delta) & mask);
}

/*
 * The element's linear address: segment base plus offset (in 64-bit mode
 * only FS and GS have a base, SDM Vol. 3A 3.4.4), in 32 bits outside it.
 */
static u64 string_io_linear(unsigned int seg, u64 offset)
{
	bool long64 = vcpu_cpu_mode() == CPU_MODE_LONG64;
	u64 base = 0;

	if (!long64 || seg == SEG_FS || seg == SEG_GS)
		base = vmcs_readnat(seg_base_field[seg]);
	return long64 ? base + offset : (base + offset) & LINEAR32_MASK;
}

/*
 * The element's bytes [la, la + size) in guest-physical memory: first of
 * them in the page at gpa[0], the rest at gpa[1].  false when a walk
 * failed, *ret then the handler's result (#PF injected, or the VM ended).
 */
static bool string_io_translate(struct vcpu *v, u64 la, unsigned int size, u32 access,
				u64 gpa[2], u8 *first, int *ret)
{
	struct page_walk_result res;
	u64 next = (la | PAGE_OFFSET_MASK) + 1;
	int err;

	*first = MIN(size, PAGE_SIZE_4K - (la & PAGE_OFFSET_MASK));
	err = vcpu_gva_translate(v, la, access, &gpa[0], &res);
	if (err) {
		*ret = vcpu_gva_fault(v, la, err, &res);
		return false;
	}
	gpa[1] = 0;
	if (*first == size)
		return true;
	if (vcpu_cpu_mode() != CPU_MODE_LONG64)
		next &= LINEAR32_MASK;
	err = vcpu_gva_translate(v, next, access, &gpa[1], &res);
	if (err) {
		*ret = vcpu_gva_fault(v, next, err, &res);
		return false;
	}
	return true;
}

/* The element is done: its index register and RCX move on, RIP once the count is 0. */
static void string_io_step(struct vcpu *v, u64 *index, unsigned int size, unsigned int asize,
			   bool rep)
{
	bool down = vmcs_readnat(GUEST_RFLAGS) & X86_RFLAGS_DF;

	reg_add(index, down ? -(s64)size : (s64)size, asize);
	if (rep)
		reg_add(&v->gprs.rcx, -1, asize);
	if (!rep || !(v->gprs.rcx & addr_mask(asize)))
		vcpu_skip_instruction(v);
}

/* Part p of the element: its guest-physical address, length and offset in the element. */
static void string_io_part(const struct vcpu_string_io *s, unsigned int p, u64 *gpa, u8 *len,
			   u8 *off)
{
	*gpa = s->gpa[p];
	*len = p ? s->size - s->first : s->first;
	*off = p ? s->first : 0;
}

static unsigned int string_io_parts(const struct vcpu_string_io *s)
{
	return s->first < s->size ? 2 : 1;
}

/* The VMM's port exit for the element: an OUT with its data, or an IN to answer. */
static void string_io_port_exit(struct vcpu *v, bool in)
{
	struct vcpu_string_io *s = &v->string_io;

	v->exit.reason = VCPU_EXIT_IO;
	v->exit.io.port = s->port;
	v->exit.io.size = s->size;
	v->exit.io.is_write = !in;
	v->exit.io.data = in ? 0 : s->data;
	s->state = in ? STRING_IO_IN_DATA : STRING_IO_IDLE;
}

/*
 * OUTS from part p on: RAM parts are read now; the first part on MMIO is
 * handed to the VMM as an MMIO read (KVM reads an OUTS source through its
 * emulator's MMIO path as well), and the port write waits for its answer.
 */
static void string_out_from(struct vcpu *v, unsigned int p)
{
	struct vcpu_string_io *s = &v->string_io;
	u8 len, off;
	u64 gpa;

	for (; p < string_io_parts(s); p++) {
		string_io_part(s, p, &gpa, &len, &off);
		if (!vcpu_read_guest(v, gpa, (u8 *)&s->data + off, len))
			continue;
		s->state = STRING_IO_OUT_READ;
		s->part = (u8)p;
		vcpu_mmio_exit(v, gpa, len, false, NULL);
		return;
	}
	string_io_port_exit(v, false);
}

/*
 * INS from part p on, with the port's data in s->data: RAM parts are
 * written (dirty-logged), and a part no writable slot backs (MMIO, or a
 * read-only slot, as KVM treats it) is one MMIO write exit.  1 when that
 * exit was made, 0 when the element is stored.
 */
static int string_in_from(struct vcpu *v, unsigned int p)
{
	struct vcpu_string_io *s = &v->string_io;
	u8 len, off;
	u64 gpa;

	for (; p < string_io_parts(s); p++) {
		string_io_part(s, p, &gpa, &len, &off);
		if (!vcpu_write_guest(v, gpa, (u8 *)&s->data + off, len))
			continue;
		s->state = STRING_IO_IN_WRITE;
		s->part = (u8)p;
		vcpu_mmio_exit(v, gpa, len, true, (u8 *)&s->data + off);
		return 1;
	}
	s->state = STRING_IO_IDLE;
	return 0;
}

int vmx_handle_string_io(struct vcpu *v, u16 port, u8 size, bool in, bool rep)
{
	unsigned int asize, seg;
	u64 *index, la, gpa[2];
	u32 info, access;
	u8 first;
	int ret;

	if (!(vmx_caps.basic & VMX_BASIC_INS_OUTS_INFO))
		return vcpu_internal_error(v, "string I/O (INS/OUTS) on port 0x%x: this CPU's VT-x "
					      "gives no instruction information for it "
					      "(IA32_VMX_BASIC bit 54)", port);
	info = vmcs_read32(VMX_INSTRUCTION_INFO);
	seg = in ? SEG_ES : IO_INFO_SEG(info);
	if (IO_INFO_ADDR_SIZE(info) > IO_INFO_ADDR_SIZE_64 || seg >= SEG_COUNT)
		return vcpu_internal_error(v, "string I/O on port 0x%x: instruction information 0x%x "
					      "names no address size or segment", port, info);
	asize = 2u << IO_INFO_ADDR_SIZE(info);
	if (rep && !(v->gprs.rcx & addr_mask(asize))) {
		vcpu_skip_instruction(v);	/* a count of 0 moves nothing */
		return 1;
	}
	index = in ? &v->gprs.rdi : &v->gprs.rsi;
	la = string_io_linear(seg, *index & addr_mask(asize));
	access = vcpu_access_at_cpl() | (in ? PW_ACCESS_WRITE : 0);
	if (!string_io_translate(v, la, size, access, gpa, &first, &ret))
		return ret;
	v->string_io = (struct vcpu_string_io){
		.size = size, .first = first, .port = port, .gpa = { gpa[0], gpa[1] },
	};
	if (in)
		string_io_port_exit(v, true);
	else
		string_out_from(v, 0);
	string_io_step(v, index, size, asize, rep);
	return 0;
}

/*
 * The registers moved on when the element's first exit was made; what is
 * left is its data: an INS's store, an OUTS's next read or its port write.
 */
int vcpu_complete_string_io(struct vcpu *v)
{
	struct vcpu_string_io *s = &v->string_io;
	u8 len, off;
	u64 gpa;

	switch (s->state) {
	case STRING_IO_IN_DATA:
		s->data = v->exit.io.data;
		return string_in_from(v, 0);
	case STRING_IO_IN_WRITE:
		return string_in_from(v, s->part + 1u);
	case STRING_IO_OUT_READ:
		string_io_part(s, s->part, &gpa, &len, &off);
		memcpy((u8 *)&s->data + off, &v->exit.mmio.data, len);
		string_out_from(v, s->part + 1u);
		return 1;
	default:
		return 0;
	}
}
