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

bool glob_match_list(const char *list, const char *name)
{
	char one[128];

	while (*list) {
		unsigned int n = 0;

		while (*list && *list != ',') {
			if (n < sizeof(one) - 1)
				one[n++] = *list;
			list++;
		}
		one[n] = '\0';
		if (n && glob_match(one, name))
			return true;
		if (*list == ',')
			list++;
	}
	return false;
}
