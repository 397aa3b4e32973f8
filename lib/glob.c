/* glob_match: '*' and '?' wildcards, iterative with one backtrack point. */
#include <stddef.h>

#include "lib/glob.h"

bool glob_match(const char *pat, const char *name)
{
	const char *star = NULL, *resume = NULL;

	while (*name) {
		if (*pat == '*') {
			star = pat++;
			resume = name;
		} else if (*pat == '?' || *pat == *name) {
			pat++;
			name++;
		} else if (star) {
			pat = star + 1;
			name = ++resume;
		} else {
			return false;
		}
	}
	while (*pat == '*')
		pat++;
	return *pat == '\0';
}

/*
 * Entries are patterns; one that starts with '-' excludes what it matches.
 * A name is in the list when no exclusion matches it and some pattern does
 * (or the list has exclusions and no pattern).  An empty list matches nothing.
 */
bool glob_match_list(const char *list, const char *name)
{
	bool included = false, any_positive = false, any_negative = false;
	char one[128];

	while (*list) {
		unsigned int n = 0;

		while (*list && *list != ',') {
			if (n < sizeof(one) - 1)
				one[n++] = *list;
			list++;
		}
		one[n] = '\0';
		if (one[0] == '-') {
			any_negative = true;
			if (glob_match(one + 1, name))
				return false;
		} else if (n) {
			any_positive = true;
			included |= glob_match(one, name);
		}
		if (*list == ',')
			list++;
	}
	return included || (any_negative && !any_positive);
}
