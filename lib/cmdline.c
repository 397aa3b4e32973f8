/* cmdline_get: find "key=value" words in the kernel command line. */
#include "lib/cmdline.h"

static bool word_is_key(const char *w, size_t wlen, const char *key, size_t *vstart)
{
	size_t k = 0;

	while (key[k] && k < wlen && w[k] == key[k])
		k++;
	if (key[k])
		return false;
	if (k == wlen) {
		*vstart = wlen;
		return true;
	}
	if (w[k] == '=') {
		*vstart = k + 1;
		return true;
	}
	return false;
}

const char *cmdline_next(const char *p, const char *key, char *buf, size_t size)
{
	while (p && *p) {
		size_t wlen = 0, v;

		while (*p == ' ' || *p == '\t')
			p++;
		while (p[wlen] && p[wlen] != ' ' && p[wlen] != '\t')
			wlen++;
		if (wlen && word_is_key(p, wlen, key, &v)) {
			if (size) {
				size_t n = 0;

				for (; v < wlen && n + 1 < size; v++)
					buf[n++] = p[v];
				buf[n] = '\0';
			}
			return p + wlen;
		}
		p += wlen;
	}
	return NULL;
}

bool cmdline_get(const char *cmdline, const char *key, char *buf, size_t size)
{
	bool found = false;
	const char *p = cmdline;

	while ((p = cmdline_next(p, key, buf, size)))
		found = true;
	return found;
}

bool cmdline_has(const char *cmdline, const char *key)
{
	return cmdline_get(cmdline, key, NULL, 0);
}
