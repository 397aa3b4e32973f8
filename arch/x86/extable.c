/* extable_find: look up a faulting RIP in the fixup table the linker gathers. */
#include "arch/x86/extable.h"

extern const struct extable_entry __extable_start[], __extable_end[];

const struct extable_entry *extable_find(u64 rip)
{
	for (const struct extable_entry *e = __extable_start; e < __extable_end; e++) {
		if (e->insn == rip)
			return e;
	}
	return NULL;
}
