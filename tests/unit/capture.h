/*
 * Capture what a test prints.  In host tests kprintf (lib/kprintf.c over
 * arch/fake/console.c) writes to stdout, so a test that checks a message
 * sends file descriptor 1 to a temporary file around the call:
 *
 *	capture_begin();
 *	frame_print_stats();
 *	capture_end(out, sizeof(out));
 *
 * One capture at a time; out is always NUL-terminated (at most size - 1
 * bytes of output are kept).
 */
#pragma once

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>
#include <cmocka.h>

static int capture_saved_stdout = -1;
static FILE *capture_file;

/* Send stdout to a temporary file until capture_end(). */
static inline void capture_begin(void)
{
	capture_file = tmpfile();
	assert_non_null(capture_file);
	fflush(stdout);
	capture_saved_stdout = dup(STDOUT_FILENO);
	assert_true(capture_saved_stdout >= 0);
	assert_true(dup2(fileno(capture_file), STDOUT_FILENO) >= 0);
}

/* Give stdout back and copy what was printed since capture_begin() into out. */
static inline void capture_end(char *out, size_t size)
{
	size_t n;

	fflush(stdout);
	assert_true(dup2(capture_saved_stdout, STDOUT_FILENO) >= 0);
	close(capture_saved_stdout);
	capture_saved_stdout = -1;
	rewind(capture_file);
	n = fread(out, 1, size - 1, capture_file);
	out[n] = '\0';
	fclose(capture_file);
	capture_file = NULL;
}
