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

/* True if key is present with or without a value. */
bool cmdline_has(const char *cmdline, const char *key);
