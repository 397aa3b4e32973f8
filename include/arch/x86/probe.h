/* Faulting probes for the exception-handler tests (arch/x86/safe.S). */
#pragma once

#include "types.h"

void probe_ud(void);
u64 probe_read(const void *addr);
void probe_gp(void);
