/* Booting the guest that came as boot modules (console/guest_boot.c). */
#pragma once

#include "boot/multiboot2.h"

/* Is there a module "kernel ..." to boot? */
bool guest_boot_requested(const struct boot_info *bi);

/*
 * Load it (with its initrd or modules) into a new VM and run it under the
 * console until it ends: 0 with *status its exit status as QEMU would
 * report it ((isa-debug-exit value << 1) | 1, the whole 33 bits of a 32-bit
 * write; 0 for a power-off), or a negative errno when it could not be
 * loaded.  The two never mix: any status is a guest's.
 */
int guest_boot(const struct boot_info *bi, u64 *status);
