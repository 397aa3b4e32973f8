/*
 * INVEPT (SDM Vol. 3C, "INVEPT -- Invalidate Translations Derived from
 * EPT", VMX instruction reference): the type in a register, a 128-bit
 * descriptor in memory whose low quadword is the EPTP and high quadword
 * must be zero.  Failure is VMfailInvalid (CF = 1) or VMfailValid (ZF = 1,
 * error "invalid operand to INVEPT/INVVPID"); outside VMX operation the
 * instruction raises #UD, which the exception table turns into -ENODEV.
 */
#include "arch/invept.h"
#include "arch/x86/extable.h"
#include "compiler.h"
#include "lib/errno.h"

struct invept_desc {
	u64 eptp;
	u64 reserved;	/* must be zero */
} __aligned(16);

_Static_assert(sizeof(struct invept_desc) == 16, "INVEPT takes a 128-bit descriptor");

int arch_invept(unsigned int type, u64 eptp)
{
	struct invept_desc desc = { .eptp = eptp, .reserved = 0 };
	u8 cf = 0, zf = 0;
	u32 ud = 0;

	__asm__ __volatile__("1:	invept %[desc], %[type]\n\t"
			     "setc %[cf]\n\t"
			     "setz %[zf]\n\t"
			     "jmp 3f\n"
			     "2:	movl $1, %[ud]\n"
			     "3:\n\t"
			     ".pushsection .extable, \"a\"\n\t"
			     ".balign 8\n\t"
			     ".quad 1b, 2b, %c[flags]\n\t"
			     ".popsection"
			     : [cf] "+qm"(cf), [zf] "+qm"(zf), [ud] "+r"(ud)
			     : [desc] "m"(desc), [type] "r"((u64)type), [flags] "i"(EXTABLE_QUIET)
			     : "cc", "memory");
	if (ud) {
		return -ENODEV;
	}
	return (cf || zf) ? -EIO : 0;
}
