/*
 * bz/tiny: a bzImage-shaped test guest.  A setup sector with the boot
 * protocol 2.15 header (relocatable, pref_address 2 MiB, XLF_KERNEL_64),
 * then a "kernel" with startup_32 at +0 and startup_64 at +0x200 as Linux
 * has them.  Each prints, from the zero page in ESI/RSI,
 *   bzNN: cmdline=[...] initrd=[...] e820=N
 * (the initrd's first line) on COM1 and writes 0x32 or 0x64 to the
 * isa-debug-exit port 0xf4.  Assembled as one flat file; addresses are
 * computed from LOAD_ADDR, the preferred address the loader honours.
 */
#define LOAD_ADDR 0x200000
#define KERNEL_LEN 0x400
#define K(sym) (LOAD_ADDR + (sym) - kernel)
#define COM1 0x3f8
#define DEBUG_EXIT_PORT 0xf4
#define BP_E820_ENTRIES 0x1e8
#define BP_RAMDISK_IMAGE 0x218
#define BP_RAMDISK_SIZE 0x21c
#define BP_CMD_LINE_PTR 0x228

/* Print at most ecx bytes of (e/r)si, stopping at NUL or newline. */
.macro PUTS
	mov $COM1, %dx
1:	test %ecx, %ecx
	jz 2f
	lodsb
	test %al, %al
	jz 2f
	cmp $'\n', %al
	je 2f
	out %al, %dx
	dec %ecx
	jmp 1b
2:
.endm

	.text
setup:
	.org 0x1f1
	.byte 1			/* setup_sects */
	.word 0			/* root_flags */
	.long KERNEL_LEN / 16	/* syssize */
	.word 0, 0xffff, 0	/* ram_size, vid_mode, root_dev */
	.word 0xaa55		/* boot_flag */
	.byte 0xeb, 0x6a	/* jump: the header ends at 0x26c */
	.ascii "HdrS"
	.word 0x020f		/* boot protocol 2.15 */
	.org 0x211
	.byte 0x01		/* loadflags: LOADED_HIGH */
	.org 0x214
	.long 0x100000		/* code32_start */
	.org 0x22c
	.long 0x7fffffff	/* initrd_addr_max */
	.long LOAD_ADDR		/* kernel_alignment */
	.byte 1			/* relocatable_kernel */
	.byte 21		/* min_alignment */
	.word 0x3		/* xloadflags: KERNEL_64, CAN_BE_LOADED_ABOVE_4G */
	.long 255		/* cmdline_size */
	.org 0x258
	.quad LOAD_ADDR		/* pref_address */
	.long 0x100000		/* init_size */
	.org 0x400

kernel:
	.code32
startup_32:
	mov %esi, %ebp
	mov $K(msg32), %esi
	mov $64, %ecx
	PUTS
	mov BP_CMD_LINE_PTR(%ebp), %esi
	mov $255, %ecx
	PUTS
	mov $K(msg_initrd), %esi
	mov $64, %ecx
	PUTS
	mov BP_RAMDISK_IMAGE(%ebp), %esi
	mov BP_RAMDISK_SIZE(%ebp), %ecx
	PUTS
	mov $K(msg_e820), %esi
	mov $64, %ecx
	PUTS
	movzbl BP_E820_ENTRIES(%ebp), %eax
	add $'0', %al
	out %al, %dx
	mov $'\n', %al
	out %al, %dx
	mov $0x32, %eax
	out %eax, $DEBUG_EXIT_PORT
3:	hlt
	jmp 3b

	.org kernel + 0x200
	.code64
startup_64:
	mov %rsi, %rbp
	lea msg64(%rip), %rsi
	mov $64, %ecx
	PUTS
	mov BP_CMD_LINE_PTR(%rbp), %esi
	mov $255, %ecx
	PUTS
	lea msg_initrd(%rip), %rsi
	mov $64, %ecx
	PUTS
	mov BP_RAMDISK_IMAGE(%rbp), %esi
	mov BP_RAMDISK_SIZE(%rbp), %ecx
	PUTS
	lea msg_e820(%rip), %rsi
	mov $64, %ecx
	PUTS
	movzbl BP_E820_ENTRIES(%rbp), %eax
	add $'0', %al
	out %al, %dx
	mov $'\n', %al
	out %al, %dx
	mov $0x64, %eax
	out %eax, $DEBUG_EXIT_PORT
4:	hlt
	jmp 4b

msg32:	.asciz "bz32: cmdline=["
msg64:	.asciz "bz64: cmdline=["
msg_initrd:
	.asciz "] initrd=["
msg_e820:
	.asciz "] e820="
	.org kernel + KERNEL_LEN
