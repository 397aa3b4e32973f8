/*
 * The current VMCS: allocation, loading, and width-checked accessors.
 * Every VMREAD/VMWRITE failure is reported once on the console with the
 * field's name, the value and the VM-instruction error (SDM Vol. 3C 31.4);
 * writers accumulate "ok &= vmcs_write32(...)" as Jailhouse does.
 */
#pragma once

#include "compiler.h"
#include "types.h"
#include "vmx/vmcs_fields.h"

/* A VMCS region: 4 KiB, revision id in the first word (SDM Vol. 3C 25.2). */
struct vmcs {
	u32 revision_id;
	u32 abort;
	u8 data[4096 - 8];
};
_Static_assert(sizeof(struct vmcs) == 4096, "a VMCS region is one 4 KiB frame");

/* A zeroed VMCS region stamped with the CPU's revision id, or NULL. */
struct vmcs *vmcs_alloc(void);
void vmcs_free(struct vmcs *v);

/* VMCLEAR / VMPTRLD, reported on failure; 0 or -EIO. */
int vmcs_clear(struct vmcs *v);
int vmcs_load(struct vmcs *v);

/* The SDM's text for a VM-instruction error number (SDM Vol. 3C 31.4). */
const char *vmx_insn_error_name(u32 err);

/*
 * Report a failed VMX instruction: its name, the field and value involved
 * (field ~0u: none) and the VM-instruction error when there is one.
 */
void vmx_insn_report(const char *insn, int status, unsigned int field, u64 value);

/*
 * The out-of-line, checked VMWRITE/VMREAD: a failure is reported (field,
 * value, VM-instruction error) and gives false / 0.
 */
bool __vmcs_write(enum vmcs_field field, u64 value);
u64 __vmcs_read(enum vmcs_field field);

/*
 * The accessors' inline fast forms (issue 16: every VMREAD was an
 * out-of-line call, some ten instructions around a one-instruction read).
 * VMREAD/VMWRITE set CF or ZF on failure (SDM Vol. 3C 31.2), so one JBE
 * after the instruction is the whole check on the common path, as in
 * KVM's vmcs_readl(); a failure, which is a hypervisor bug, goes to the
 * checked out-of-line form, which executes the instruction again (a failed
 * VMREAD/VMWRITE changes nothing, and fails again the same way) and
 * reports it exactly as before.  Volatile: a field may change under a
 * VMWRITE or a VM exit the compiler cannot see, so no two reads merge.
 */
static inline __attribute__((always_inline)) u64 vmcs_read_inline(enum vmcs_field field)
{
	u64 value;
	bool fail;

	__asm__ __volatile__("vmread %[f], %[v]"
			     : [v] "=r"(value), "=@ccbe"(fail)
			     : [f] "r"((u64)field));
	if (unlikely(fail))
		return __vmcs_read(field);
	return value;
}

static inline __attribute__((always_inline)) bool vmcs_write_inline(enum vmcs_field field,
								     u64 value)
{
	bool fail;

	__asm__ __volatile__("vmwrite %[v], %[f]"
			     : "=@ccbe"(fail)
			     : [f] "r"((u64)field), [v] "rm"(value));
	if (unlikely(fail))
		return __vmcs_write(field, value);
	return true;
}

/*
 * A mismatch between an accessor's width and the field's encoding is a
 * compile error when the field is a constant (it always is in slotvisor).
 */
extern void __vmcs_bad_width(void) __attribute__((error("VMCS accessor width does not match the field")));
#define VMCS_CHECK_WIDTH(field, w)                                              \
	do {                                                                    \
		if (__builtin_constant_p(field) && VMCS_FIELD_WIDTH(field) != (w)) \
			__vmcs_bad_width();                                     \
	} while (0)

#define DEFINE_VMCS_ACCESSORS(name, type, width)                      \
	static inline __attribute__((always_inline)) bool             \
	vmcs_write##name(enum vmcs_field f, type v)                   \
	{                                                             \
		VMCS_CHECK_WIDTH(f, width);                           \
		return vmcs_write_inline(f, v);                       \
	}                                                             \
	static inline __attribute__((always_inline)) type             \
	vmcs_read##name(enum vmcs_field f)                            \
	{                                                             \
		VMCS_CHECK_WIDTH(f, width);                           \
		return (type)vmcs_read_inline(f);                     \
	}
DEFINE_VMCS_ACCESSORS(16, u16, VMCS_WIDTH_16)
DEFINE_VMCS_ACCESSORS(32, u32, VMCS_WIDTH_32)
DEFINE_VMCS_ACCESSORS(64, u64, VMCS_WIDTH_64)
DEFINE_VMCS_ACCESSORS(nat, u64, VMCS_WIDTH_NATURAL)
#undef DEFINE_VMCS_ACCESSORS
