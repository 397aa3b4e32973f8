/* The VMX controls slotvisor uses, computed once from the capability MSRs. */
#pragma once

#include "types.h"
#include "vmx/caps.h"
#include "vmx/vmx_bits.h"

struct vmx_controls {
	u32 pin, proc, proc2, exit, entry;	/* entry without IA-32e mode guest */
};

/* Fill out from caps; -ENODEV when the CPU lacks a control slotvisor needs. */
int vmx_controls_compute(const struct vmx_caps *caps, struct vmx_controls *out);

/*
 * Write into buf, as one list, every control and EPT capability slotvisor
 * needs that caps lack, by kind ("secondary \"enable EPT\", \"unrestricted
 * guest\"; VM-exit ..."); return how many (0: the CPU has all it needs).
 */
int vmx_caps_missing(const struct vmx_caps *caps, char *buf, size_t size);
