/*
 * The ucall ABI between test guests and the VMM (modelled on KVM
 * selftests' ucall): the guest fills a struct ucall in its own memory and
 * executes "out %eax, $UCALL_PORT" with RDI = the struct's guest-physical
 * address; the VMM decodes it as one exit.  Plain C types only: guests
 * include this header too.
 */
#pragma once

#include <stdint.h>

#define UCALL_PORT 0x1000
#define UCALL_MAX_ARGS 4
#define UCALL_BUFFER_LEN 256

enum ucall_cmd {
	UCALL_NONE = 0,
	UCALL_SYNC = 1,		/* args[0] = stage, args[1..] = values for the VMM */
	UCALL_ABORT = 2,	/* an assertion failed: buffer = "file:line: expr" */
	UCALL_DONE = 3,		/* the guest finished successfully */
	UCALL_PRINT = 4,	/* buffer = a line to print */
};

struct ucall {
	uint64_t cmd;
	uint64_t args[UCALL_MAX_ARGS];
	char buffer[UCALL_BUFFER_LEN];
};
_Static_assert(sizeof(struct ucall) == 8 + 8 * UCALL_MAX_ARGS + UCALL_BUFFER_LEN,
	       "struct ucall must have the same layout in guests and the VMM");
