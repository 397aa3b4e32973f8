/*
 * Kernel command line access.  Options are blank-separated words, either
 * "key" or "key=value"; slotvisor's own start with "slotvisor.".
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/*
 * Copy the value of key into buf (NUL-terminated, truncated to size) and
 * return true if key=value is present; the last occurrence wins.  A bare
 * "key" gives the empty value.
 */
bool cmdline_get(const char *cmdline, const char *key, char *buf, size_t size);

/*
 * The next key=value word at or after p: its value is copied into buf as
 * cmdline_get() does, and the position after the word is returned, to
 * pass back in for the one after; NULL when there is none.  For options
 * whose every occurrence counts.
 */
const char *cmdline_next(const char *p, const char *key, char *buf, size_t size);

/* True if key is present with or without a value. */
bool cmdline_has(const char *cmdline, const char *key);
