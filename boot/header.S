/*
 * The multiboot2 header (Multiboot2 spec 3.1): within the first 32 KiB of
 * the image, 8-byte aligned.  Only the mandatory fields and the end tag:
 * GRUB then loads the ELF segments at their physical addresses.
 */
#define MB2_HEADER_MAGIC 0xe85250d6
#define MB2_ARCH_I386 0

	.section .multiboot2, "a"
	.balign 8
mb2_header:
	.long MB2_HEADER_MAGIC
	.long MB2_ARCH_I386
	.long mb2_header_end - mb2_header
	.long -(MB2_HEADER_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))
	/* end tag */
	.balign 8
	.short 0
	.short 0
	.long 8
mb2_header_end:
