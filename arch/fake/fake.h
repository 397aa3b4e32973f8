/* Test-side controls of the fake arch used by host unit tests. */
#pragma once

#include <setjmp.h>
#include "types.h"

#define FAKE_PHYS_BASE 0x40000000ULL	/* 1 GiB */

/* (Re)create the fake physical memory: size bytes at FAKE_PHYS_BASE. */
void *fake_mem_init(u64 size);
void fake_mem_exit(void);

/* The message of the last panic(), and where panic() jumps while armed. */
extern char fake_panic_msg[512];
extern jmp_buf *fake_panic_jmp;

/*
 * Run stmt and report whether it panicked: EXPECT_PANIC(frame_free(p)) is
 * true when frame_free panicked; fake_panic_msg holds the message.
 */
#define EXPECT_PANIC(stmt)                                \
	({                                                \
		jmp_buf __jb;                             \
		volatile int __hit = 0;                          \
		fake_panic_msg[0] = 0;                    \
		fake_panic_jmp = &__jb;                   \
		if (setjmp(__jb) == 0) {                  \
			stmt;                             \
		} else {                                  \
			__hit = 1;                        \
		}                                         \
		fake_panic_jmp = NULL;                    \
		__hit;                                    \
	})
