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
 */
#include "lib/errno.h"
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

/* OUTS: the element is read now and handed to the VMM as an OUT's data. */
static int string_out(struct vcpu *v, u16 port, u64 la, const u64 gpa[2], u8 first, u8 size)
{
	u32 data = 0;

	if (vcpu_read_guest(v, gpa[0], &data, first) ||
	    (first < size && vcpu_read_guest(v, gpa[1], (u8 *)&data + first, size - first)))
		return vcpu_internal_error(v, "OUTS to port 0x%x reads linear 0x%llx (gpa 0x%llx), "
					      "where no memory slot is: string I/O from MMIO is not "
					      "emulated (RIP 0x%llx)",
					   port, la, gpa[0], vmcs_readnat(GUEST_RIP));
	v->exit.io.data = data;
	return 0;
}

/* INS: the VMM supplies the data; vcpu_complete_string_in() stores it at the next run. */
static int string_in(struct vcpu *v, u16 port, u64 la, const u64 gpa[2], u8 first, u8 size)
{
	if (!vcpu_guest_writable(v, gpa[0]) || (first < size && !vcpu_guest_writable(v, gpa[1])))
		return vcpu_internal_error(v, "INS from port 0x%x writes linear 0x%llx (gpa 0x%llx), "
					      "where no writable memory slot is: string I/O into MMIO "
					      "is not emulated (RIP 0x%llx)",
					   port, la, gpa[0], vmcs_readnat(GUEST_RIP));
	v->string_in = (struct vcpu_string_in){
		.pending = true, .size = size, .first = first, .gpa = { gpa[0], gpa[1] },
	};
	v->exit.io.data = 0;
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
	if (in)
		ret = string_in(v, port, la, gpa, first, size);
	else
		ret = string_out(v, port, la, gpa, first, size);
	if (v->dead)
		return ret;
	v->exit.reason = VCPU_EXIT_IO;
	v->exit.io.port = port;
	v->exit.io.size = size;
	v->exit.io.is_write = !in;
	string_io_step(v, index, size, asize, rep);
	return 0;
}

int vcpu_complete_string_in(struct vcpu *v)
{
	struct vcpu_string_in *s = &v->string_in;
	u32 data = v->exit.io.data;

	if (!s->pending)
		return 0;
	s->pending = false;
	/* The slot was there at the exit; a VMM that deleted it meanwhile ends the VM. */
	if (vcpu_write_guest(v, s->gpa[0], &data, s->first) ||
	    (s->first < s->size &&
	     vcpu_write_guest(v, s->gpa[1], (u8 *)&data + s->first, s->size - s->first))) {
		vcpu_internal_error(v, "INS: gpa 0x%llx has no writable memory slot any more",
				    s->gpa[0]);
		return -EFAULT;
	}
	return 0;
}
