/*
 * ACPI sleeping states of a VM (vm/sleep.c): what the VMM does when the
 * guest writes SLP_EN to the ACPI PM device (include/devices/acpi_pm.h).
 */
#pragma once

#include "vmx/vcpu.h"

struct vm;

/* Whether the guest asked for a sleeping state (a cheap look, for vm_run()'s loop). */
bool vm_sleep_requested(struct vm *vm);

/*
 * Act on the request for v, before its next entry: S3 stops the VM until
 * an enabled wake event (the RTC alarm with RTC_EN), then vCPU 0 runs on
 * at the FACS's waking vector; S5, any other sleep type, S3 with no wake
 * event that could come, and S3 with more than one vCPU end the VM with a
 * message naming it.  1: run on; 0: back to vm_run()'s caller with
 * v->exit set (a budget exit while asleep, a stop, or the VM's end).
 */
int vm_sleep(struct vm *vm, struct vcpu *v, u64 deadline);
