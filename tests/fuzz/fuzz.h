/*
 * What every harness shares: a failed invariant is a crash libFuzzer
 * reports (abort() after a message naming it), and the input as a
 * NUL-terminated string for the parsers that take one.
 */
#pragma once

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "compiler.h"
#include "types.h"

#define FUZZ_CHECK(cond, ...)                                                   \
	do {                                                                     \
		if (!(cond)) {                                                   \
			fprintf(stderr, "%s:%d: invariant failed: %s: ", __FILE__, \
				__LINE__, #cond);                                \
			fprintf(stderr, __VA_ARGS__);                            \
			fputc('\n', stderr);                                     \
			abort();                                                 \
		}                                                                \
	} while (0)

/* data[0, size) as a malloc'ed NUL-terminated string (free it). */
static inline char *fuzz_strdup(const u8 *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* A stream of fields taken from the front of the input; zeros once it is used up. */
struct fuzz_stream {
	const u8 *p;
	size_t left;
};

static inline u64 fuzz_take(struct fuzz_stream *s, unsigned int bytes)
{
	u64 v = 0;

	for (unsigned int i = 0; i < bytes && s->left; i++, s->left--)
		v |= (u64)*s->p++ << (8 * i);
	return v;
}

/*
 * The fake arch's console is stdout: the parsers' messages would fill the
 * logs and slow every run.  FUZZ_VERBOSE=1 keeps them (reproducing a crash).
 */
__attribute__((constructor)) static void fuzz_quiet_console(void)
{
	if (!getenv("FUZZ_VERBOSE") && !freopen("/dev/null", "w", stdout))
		abort();
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);
