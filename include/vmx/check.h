/*
 * The pre-entry checker: the VM-entry checks on the VMX controls, the host
 * state and the guest state (Intel SDM Vol. 3C 27.2 and 27.3, in editions
 * where Chapter 27 is "VM Entries"; 28.2-28.3 in newer ones), done in
 * software so that a failed VM entry names its field and rule, and so that
 * a VMCS is checked even where the CPU (Bochs 2.7) misses a check.
 */
#pragma once

#include "types.h"
#include "vmx/caps.h"
#include "vmx/vmcs_fields.h"

/* Where the checker reads VMCS fields from: VMREAD in the kernel, a table in tests. */
struct vmcs_reader {
	u64 (*read)(const struct vmcs_reader *r, enum vmcs_field f);
};

/* The first check that failed: the field it is listed under, its value and the rule. */
struct vmx_check_failure {
	enum vmcs_field field;
	u64 value;
	const char *rule;	/* "SDM 27.3.1.2: ...", a string literal */
};

/*
 * Run the VM-entry checks in the SDM's order against the capabilities in
 * caps and a physical-address width of maxphyaddr bits.  Returns 0 when
 * every check passes, or -EINVAL with the first failure in *fail (fail may
 * be NULL).  Reads only fields that exist given the controls already checked.
 */
int vmx_check_vmentry(const struct vmcs_reader *r, const struct vmx_caps *caps,
		      unsigned int maxphyaddr, struct vmx_check_failure *fail);

/* Print fail as one "vmx: entry check failed: FIELD = 0x... (rule)" line. */
void vmx_check_print(const struct vmx_check_failure *fail);
