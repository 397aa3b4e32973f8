/* Host tests: a whole file in memory (the real images some tests parse when given). */
#pragma once

#include <stdio.h>
#include <stdlib.h>

/* Read all of f (then closed) into a malloc'ed buffer; *len gets its size, NULL on failure. */
static inline unsigned char *read_whole_file(FILE *f, long *len)
{
	unsigned char *buf;

	fseek(f, 0, SEEK_END);
	*len = ftell(f);
	rewind(f);
	buf = *len > 0 ? malloc(*len) : NULL;
	if (buf && fread(buf, 1, *len, f) != (size_t)*len) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}
