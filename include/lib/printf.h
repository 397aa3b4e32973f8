/*
 * Kernel formatted output.  The k prefix keeps these apart from the C
 * library's functions when lib/ is linked into host unit tests.
 */
#pragma once

#include <stdarg.h>
#include <stddef.h>
#include "compiler.h"

/*
 * Format into buf (always NUL-terminated when size > 0) and return the
 * length the full output would have had.  Supports %d %i %u %x %X %o %p %s
 * %c %%, flags '-' '0' '#', width and precision ('*' too), and the l, ll,
 * z, h and hh length modifiers.
 */
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int ksnprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

/* Print to the console (the kernel's UART; stdout in host tests). */
int kprintf(const char *fmt, ...) __printf(1, 2);
int kvprintf(const char *fmt, va_list ap);

/*
 * Write n bytes to the console as they are (a guest's own output).  A
 * kprintf() after bytes that did not end a line starts on a new line.
 */
void kwrite_raw(const char *s, size_t n);
