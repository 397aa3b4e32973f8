/*
 * The multiboot2 header (Multiboot2 spec 3.1): within the first 32 KiB of
 * the image, 8-byte aligned.  The mandatory fields, an optional framebuffer
 * tag and the end tag: GRUB then loads the ELF segments at their physical
 * addresses.
 */
#include "boot/multiboot2.h"

#define MB2_ARCH_I386 MB2_HEADER_ARCH_I386

	.section .multiboot2, "a"
	.balign 8
mb2_header:
	.long MB2_HEADER_MAGIC
	.long MB2_ARCH_I386
	.long mb2_header_end - mb2_header
	.long -(MB2_HEADER_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))
	/*
	 * Framebuffer tag (spec 3.1.10): width, height and depth 0 say "no
	 * preference", so the loader picks a graphics mode it can set.  It is
	 * optional (flags bit 0, spec 3.1.3): a loader that cannot set one
	 * boots us anyway, in EGA text mode or with no framebuffer at all,
	 * and the screen console uses what the framebuffer-info tag (type 8)
	 * says, if any (boot/multiboot2.c, arch/x86/fbcon.c).
	 */
	.balign 8
	.short MB2_HEADER_TAG_FRAMEBUFFER
	.short MB2_HEADER_TAG_OPTIONAL
	.long 20
	.long 0		/* width: no preference */
	.long 0		/* height: no preference */
	.long 0		/* depth: no preference */
	/* end tag */
	.balign 8
	.short 0
	.short 0
	.long 8
mb2_header_end:
