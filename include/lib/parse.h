/* Parsing numbers typed by people (lib/parse.c). */
#pragma once

#include "types.h"

/*
 * A number: decimal, or hexadecimal after 0x, with an optional K, M or G
 * (KiB, MiB, GiB).  0, -EINVAL for anything else (nothing may follow), or
 * -ERANGE when it does not fit in 64 bits.
 */
int parse_size(const char *s, u64 *val);
