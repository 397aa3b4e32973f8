/*
 * The arch hook for INVEPT (SDM Vol. 3C, "INVEPT -- Invalidate Translations
 * Derived from EPT", VMX instruction reference; 29.4.3 on when software must
 * use it).  ept/flush.c is its only caller; arch/x86/invept.c issues the
 * instruction, arch/fake/invept.c counts calls for host tests.
 */
#pragma once

#include "types.h"

/* The INVEPT types (the register operand). */
#define INVEPT_SINGLE_CONTEXT 1	/* mappings tagged with the EPTP's EP4TA (bits 51:12) */
#define INVEPT_ALL_CONTEXT 2	/* mappings of every EPTP */

/*
 * Invalidate, on this CPU, the guest-physical and combined mappings of
 * eptp (type 1) or of every EPTP (type 2; eptp is ignored).  0; -EIO when
 * INVEPT fails (VMfailInvalid or VMfailValid: an unsupported type or a bad
 * EPTP); -ENODEV when this CPU is not in VMX operation, where it caches no
 * EPT-derived translation.
 */
int arch_invept(unsigned int type, u64 eptp);
