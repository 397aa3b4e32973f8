/* Shell-style name matching for selecting tests. */
#pragma once

#include <stdbool.h>

/* Does name match pattern?  '*' matches any run (including '.'), '?' one character. */
bool glob_match(const char *pattern, const char *name);

/* Does name match any of the comma-separated patterns in list? */
bool glob_match_list(const char *list, const char *name);
