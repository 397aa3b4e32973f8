/* Shell-style name matching for selecting tests. */
#pragma once

#include <stdbool.h>

/* Does name match pattern?  '*' matches any run (including '.'), '?' one character. */
bool glob_match(const char *pattern, const char *name);

/*
 * Does name match the comma-separated list: some pattern matches it and no
 * "-pattern" does ("smp.*,-smp.multi.*")?  A list of exclusions alone
 * matches everything they do not exclude.
 */
bool glob_match_list(const char *list, const char *name);
