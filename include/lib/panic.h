/*
 * panic(): stop on a condition that must never happen.  The kernel prints
 * the message and a stack trace and powers off with a failure status; host
 * unit tests (arch/fake) let a test catch it.
 */
#pragma once

#include "compiler.h"

__noreturn void panic(const char *fmt, ...) __printf(1, 2);

/* A hypervisor-internal invariant; panics naming the condition and place. */
#define CHECK(cond)                                                       \
	do {                                                              \
		if (unlikely(!(cond)))                                    \
			panic("CHECK(%s) failed at %s:%d", #cond, __FILE__, \
			      __LINE__);                                  \
	} while (0)
