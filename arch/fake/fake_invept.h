/* Test-side view of the fake INVEPT (arch/fake/invept.c). */
#pragma once

#include "types.h"

/* INVEPTs of type (1 or 2) since the last reset; for type 1, those naming eptp. */
u64 fake_invept_count(unsigned int type, u64 eptp);

/* Every INVEPT since the last reset. */
u64 fake_invept_total(void);

/* Forget every count. */
void fake_invept_reset(void);

/* Called on every INVEPT, after counting it (NULL: nothing). */
extern void (*fake_invept_hook)(unsigned int type, u64 eptp, void *data);
extern void *fake_invept_hook_data;
