/*
 * mb1/paging_io: a 32-bit multiboot v1 guest that never enters long mode,
 * for the hypervisor's guest page walk (vmx/page_walk.c) and string port
 * I/O (vmx/exit_string_io.c); driven by the test guest.image.paging-io
 * (tests/kernel/test_guest_paging_io.c), which serves an MMIO page at
 * MMIO_GPA and the port STR_PORT, and checks the registers and memory at
 * every OUT to SYNC_PORT (EAX: the stage, numbered from 1 in order):
 *
 *   1  handshake: EBX, ESI, EDI = the physical pages D, B, R
 *   2  32-bit paging (CR4.PSE, 4 MiB pages): a MOV from MMIO whose bytes
 *      straddle two linear pages mapped to two non-adjacent frames,
 *      through the alias window at ALIAS; EBX = what it read
 *   3  the same under PAE paging (2 MiB pages), turned on by a MOV to CR0
 *      that exits (it flips CR0.NE), so the PDPTEs come from the hypervisor
 *   4..  string I/O under PAE through the window, where the linear pages
 *      ALIAS + 0x8000 and + 0x9000 map D and B (B lies below D, so an
 *      element across the boundary crosses between non-adjacent frames):
 *      REP OUTS/INS of bytes, words and dwords, DF = 0 and 1, a 16-bit
 *      address size, an FS override, COM1, counts of 0, a #PF at a
 *      not-present page (at once, after two elements, and within an
 *      element) and at a read-only page with CR0.WP, none without WP
 *   last  the PDPT in memory cleared after CR3 was loaded: the CPU keeps
 *      the PDPTEs it loaded (SDM Vol. 3A 4.4.1), and so must the walk
 *
 * then writes 0 to the isa-debug-exit port.  A #PF is caught (pf_handler)
 * and execution resumes at pf_resume, with CR2 in pf_cr2 and the error
 * code in pf_err.
 */
#define MB_MAGIC 0x1BADB002
#define COM1 0x3f8
#define DEBUG_EXIT_PORT 0xf4
#define STR_PORT 0x5f0
#define SYNC_PORT 0x5f4
#define MMIO_GPA 0xc0001000
#define ALIAS 0x40000000	/* the window: PDE 0x100 (32-bit), PDPTE 1 (PAE) */
#define CR0_PG 0x80000000
#define CR0_WP 0x10000
#define CR0_NE 0x20
#define CR4_PSE 0x10
#define CR4_PAE 0x20
#define PTE_P 0x1
#define PTE_PW 0x3
#define PDE_PWS 0x83		/* present, writable, 4 MiB / 2 MiB page */
#define SEL_CODE 0x08
#define SEL_DATA 0x10
#define SEL_DATA_AT_4K 0x18	/* a data segment whose base is 0x1000 */
#define PF_VECTOR 14
#define MOV_EAX_ESI_10 0x10468b	/* mov 0x10(%esi), %eax: 8b 46 10 */
#define RET 0xc3
#define LOW_PATTERN_GPA 0xfff0	/* below 64 KiB: reached with a 16-bit address */

/* SYNC n: report stage n (EAX), the other registers as they are. */
.macro SYNC n
	mov $\n, %eax
	mov $SYNC_PORT, %dx
	out %eax, %dx
	mov $STR_PORT, %dx
.endm

/* Resume at label after a #PF. */
.macro ON_PF label
	movl $\label, pf_resume
.endm

	.section .init, "ax"
	.code32
	.balign 4
mb_header:
	.long MB_MAGIC, 0, -MB_MAGIC

	.globl start
start:
	mov $stacktop, %esp
	lgdt gdt_desc
	ljmp $SEL_CODE, $1f
1:	mov $SEL_DATA, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	mov %ax, %fs
	mov %ax, %gs
	/* IDT gate 14: a 32-bit interrupt gate to pf_handler */
	mov $pf_handler, %eax
	mov %ax, idt + PF_VECTOR * 8
	movw $SEL_CODE, idt + PF_VECTOR * 8 + 2
	movw $0x8e00, idt + PF_VECTOR * 8 + 4
	shr $16, %eax
	mov %ax, idt + PF_VECTOR * 8 + 6
	lidt idt_desc
	cld
	call fill_patterns

	mov $page_d, %ebx
	mov $page_b, %esi
	mov $page_r, %edi
	SYNC 1

	/* 32-bit paging: 4 MiB identity pages for 0..16 MiB, the window's PT at PDE 0x100 */
	xor %ecx, %ecx
1:	mov %ecx, %eax
	shl $22, %eax
	or $PDE_PWS, %eax
	mov %eax, pd32(,%ecx,4)
	inc %ecx
	cmp $4, %ecx
	jb 1b
	movl $(pt32 + PTE_PW), pd32 + 0x100 * 4
	mov $pt32, %edi
	mov $2, %ecx
	call fill_window
	mov %cr4, %eax
	or $CR4_PSE, %eax
	mov %eax, %cr4
	mov $pd32, %eax
	mov %eax, %cr3
	mov %cr0, %eax
	or $(CR0_PG | CR0_WP), %eax
	mov %eax, %cr0
	call mmio_through_window
	mov %eax, %ebx
	SYNC 2

	/* PAE: paging off, PDPTE 0 -> 2 MiB identity pages, PDPTE 1 -> the window */
	mov %cr0, %eax
	and $~CR0_PG, %eax
	mov %eax, %cr0
	xor %ecx, %ecx
1:	mov %ecx, %eax
	shl $21, %eax
	or $PDE_PWS, %eax
	mov %eax, pd_pae0(,%ecx,8)
	inc %ecx
	cmp $8, %ecx
	jb 1b
	movl $(pd_pae0 + PTE_P), pdpt
	movl $(pd_pae1 + PTE_P), pdpt + 8
	movl $(pt_pae + PTE_PW), pd_pae1
	mov $pt_pae, %edi
	mov $3, %ecx
	call fill_window
	mov $CR4_PAE, %eax
	mov %eax, %cr4
	mov $pdpt, %eax
	mov %eax, %cr3
	/*
	 * PG on with NE flipped: NE is a bit VMX fixes, so this MOV exits and
	 * the hypervisor emulates it, loading the PDPTEs the CPU would have
	 */
	mov %cr0, %eax
	or $CR0_PG, %eax
	xor $CR0_NE, %eax
	mov %eax, %cr0
	call mmio_through_window
	mov %eax, %ebx
	SYNC 3

	/* 4: REP OUTSB, DF = 0, 8 bytes from D + 0xffc across into B */
	mov $STR_PORT, %dx
	mov $(ALIAS + 0x8ffc), %esi
	mov $8, %ecx
	rep outsb
	SYNC 4

	/* 5: REP OUTSW, DF = 1, 4 words from B + 3 down, one across the boundary */
	mov $(ALIAS + 0x9003), %esi
	mov $4, %ecx
	std
	rep outsw
	cld
	SYNC 5

	/* 6: REP OUTSD with a 16-bit address size: SI and CX only, SI wraps to 0 */
	mov $0x1234fff0, %esi
	mov $0xabcd0004, %ecx
	.byte 0x67, 0xf3, 0x6f	/* addr16 rep outsl (%si), (%dx) */
	SYNC 6

	/* 7: FS override: FS.base 0x1000 + ESI reaches D + 0xffe */
	mov $SEL_DATA_AT_4K, %ax
	mov %ax, %fs
	mov $(ALIAS + 0x7ffe), %esi
	mov $4, %ecx
	rep outsb %fs:(%esi), (%dx)
	mov $SEL_DATA, %ax
	mov %ax, %fs
	SYNC 7

	/* 8: REP OUTSB to COM1, an in-hypervisor device */
	mov $COM1, %dx
	mov $com1_line, %esi
	mov $(com1_line_end - com1_line), %ecx
	rep outsb
	SYNC 8

	/* 9: REP INSB, DF = 0, 5 bytes into D + 0xffd across into B */
	mov $(ALIAS + 0x8ffd), %edi
	mov $5, %ecx
	rep insb
	SYNC 9

	/* 10: REP INSW, DF = 1, 3 words from B + 1 down, one across */
	mov $(ALIAS + 0x9001), %edi
	mov $3, %ecx
	std
	rep insw
	cld
	SYNC 10

	/* 11: REP INSD, 2 dwords from D + 0xffe: the first across */
	mov $(ALIAS + 0x8ffe), %edi
	mov $2, %ecx
	rep insl
	SYNC 11

	/* 12: INSD and OUTSB without REP: ECX stays */
	mov $(ALIAS + 0x9100), %edi
	mov %edi, %esi
	mov $0x77, %ecx
	insl
	outsb
	SYNC 12

	/* 13: REP with a count of 0: nothing moves, no exit to the port */
	mov $(ALIAS + 0x9200), %esi
	mov %esi, %edi
	xor %ecx, %ecx
	rep outsb
	rep insb
	SYNC 13

	/* 14: REP INSB into a not-present page: #PF (write), nothing done */
	ON_PF 1f
	mov $(ALIAS + 0xa000), %edi
	mov $3, %ecx
	rep insb
1:	mov pf_cr2, %ebx
	mov pf_err, %esi
	SYNC 14

	/* 15: REP INSW from B + 0xffc: two words, then #PF at the next page */
	ON_PF 1f
	mov $(ALIAS + 0x9ffc), %edi
	mov $4, %ecx
	rep insw
1:	mov pf_cr2, %ebx
	mov pf_err, %esi
	SYNC 15

	/* 16: an INSD element across into the not-present page: #PF, no byte written */
	ON_PF 1f
	mov $(ALIAS + 0x9ffe), %edi
	mov $1, %ecx
	rep insl
1:	mov pf_cr2, %ebx
	mov pf_err, %esi
	SYNC 16

	/* 17: REP INSB into the read-only page R with CR0.WP: #PF (present, write) */
	ON_PF 1f
	mov $(ALIAS + 0xb000), %edi
	mov $1, %ecx
	rep insb
1:	mov pf_cr2, %ebx
	mov pf_err, %esi
	SYNC 17

	/* 18: the same without CR0.WP: a supervisor write goes through */
	mov %cr0, %eax
	and $~CR0_WP, %eax
	mov %eax, %cr0
	movl $0, pf_count
	ON_PF 1f
	mov $(ALIAS + 0xb000), %edi
	mov $1, %ecx
	rep insb
1:	mov %cr0, %eax
	or $CR0_WP, %eax
	mov %eax, %cr0
	mov pf_count, %ebx
	SYNC 18

	/* 19: REP OUTSB from the not-present page: #PF (read) */
	ON_PF 1f
	mov $(ALIAS + 0xa000), %esi
	mov $2, %ecx
	rep outsb
1:	mov pf_cr2, %ebx
	mov pf_err, %esi
	SYNC 19

	/* 20: the PDPT in memory loses PDPTE 1; the loaded one still maps the window */
	movl $0, pdpt + 8
	call mmio_through_window
	mov %eax, %ebx
	SYNC 20

	xor %eax, %eax
	mov $DEBUG_EXIT_PORT, %dx
	out %eax, %dx
1:	cli
	hlt
	jmp 1b

/*
 * The MOV from MMIO, fetched through the window: its first two bytes end
 * page A (window page 6), its last byte and the RET start page C (page 7).
 * Returns what it read at MMIO_GPA + 0x10 (window page 5).
 */
mmio_through_window:
	movw $(MOV_EAX_ESI_10 & 0xffff), page_a + 0xffe
	movb $(MOV_EAX_ESI_10 >> 16), page_c
	movb $RET, page_c + 1
	mov $(ALIAS + 0x5000), %esi
	mov $(ALIAS + 0x6ffe), %eax
	call *%eax
	ret

/* The window's page table at EDI, entries of 1 << ECX bytes (2: 32-bit, 3: PAE). */
.macro PTE index, value
	mov $\index, %eax
	shl %cl, %eax
	movl $\value, (%edi,%eax)
.endm
fill_window:
	PTE 5, MMIO_GPA + PTE_PW
	PTE 6, page_a + PTE_PW
	PTE 7, page_c + PTE_PW
	PTE 8, page_d + PTE_PW
	PTE 9, page_b + PTE_PW
	PTE 11, page_r + PTE_P	/* read-only; 10 stays not present */
	ret

/* D[i] = i * 7 + 1, B[i] = i * 13 + 5, R zero; dwords k * 0x11111111 at LOW_PATTERN_GPA. */
fill_patterns:
	xor %ecx, %ecx
1:	mov %ecx, %eax
	imul $7, %eax
	inc %eax
	mov %al, page_d(%ecx)
	mov %ecx, %eax
	imul $13, %eax
	add $5, %eax
	mov %al, page_b(%ecx)
	inc %ecx
	cmp $4096, %ecx
	jb 1b
	xor %ecx, %ecx
1:	mov %ecx, %eax
	inc %eax
	imul $0x11111111, %eax
	mov %eax, LOW_PATTERN_GPA(,%ecx,4)
	inc %ecx
	cmp $4, %ecx
	jb 1b
	ret

pf_handler:
	popl pf_err
	push %eax
	mov %cr2, %eax
	mov %eax, pf_cr2
	incl pf_count
	mov pf_resume, %eax
	mov %eax, 4(%esp)	/* the frame's EIP */
	pop %eax
	iret

	.data
	.balign 8
gdt:
	.quad 0
	.quad 0x00cf9b000000ffff	/* 0x08: 32-bit code, flat */
	.quad 0x00cf93000000ffff	/* 0x10: data, flat */
	.quad 0x00cf93001000ffff	/* 0x18: data, base 0x1000 */
gdt_end:
gdt_desc:
	.word gdt_end - gdt - 1
	.long gdt
	.balign 8
idt_desc:
	.word 32 * 8 - 1
	.long idt
com1_line:
	.ascii "paging_io: REP OUTSB through COM1\n"
com1_line_end:

	.bss
	.balign 4096
pd32:	.skip 4096
pt32:	.skip 4096
pdpt:	.skip 4096
pd_pae0: .skip 4096
pd_pae1: .skip 4096
pt_pae:	.skip 4096
page_a:	.skip 4096
page_b:	.skip 4096
page_c:	.skip 4096
page_d:	.skip 4096
page_r:	.skip 4096
idt:	.skip 32 * 8
pf_resume: .skip 4
pf_cr2:	.skip 4
pf_err:	.skip 4
pf_count: .skip 4
	.balign 16
	.skip 4096
stacktop:
