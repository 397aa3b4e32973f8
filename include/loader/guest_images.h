/* The guest programs built from guests/ and embedded in the image. */
#pragma once

#include "types.h"

struct guest_image {
	const char *name;
	const u8 *start;
	const u8 *end;
};

/* The embedded guest called name, or NULL. */
const struct guest_image *guest_image_find(const char *name);
