/* guest_image_find: look up the guests the Makefile embedded (guests/images.S). */
#include "lib/string.h"
#include "loader/guest_images.h"

extern const struct guest_image __guest_images_start[], __guest_images_end[];

const struct guest_image *guest_image_find(const char *name)
{
	for (const struct guest_image *g = __guest_images_start; g < __guest_images_end; g++) {
		if (!strcmp(g->name, name))
			return g;
	}
	return NULL;
}
