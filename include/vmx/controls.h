/* The VMX controls slotvisor uses, computed once from the capability MSRs. */
#pragma once

#include "types.h"
#include "vmx/caps.h"
#include "vmx/vmx_bits.h"

struct vmx_controls {
	u32 pin, proc, proc2, exit, entry;	/* entry without IA-32e mode guest */
};

/*
 * Fill out from caps; -ENODEV (after printing each missing control by
 * name) when the CPU lacks one slotvisor needs.
 */
int vmx_controls_compute(const struct vmx_caps *caps, struct vmx_controls *out);
