/*
 * arch_setup: the platform's bring-up after the long-mode switch, for kmain
 * (main.c), which then chooses what the machine does.
 *   early console (kept in memory) -> CPU tables -> multiboot2 info
 *   -> memory map -> page tables -> frame allocator -> ACPI
 *   -> the console UART (command line, SPCR or COM1) -> TSC -> the other CPUs.
 */
#include "arch/acpi.h"
#include "arch/memory.h"
#include "arch/poweroff.h"
#include "arch/x86/console.h"
#include "arch/x86/cpu.h"
#include "arch/x86/desc.h"
#include "arch/x86/io.h"
#include "arch/x86/keyboard.h"
#include "arch/x86/lapic.h"
#include "arch/x86/layout.h"
#include "arch/x86/percpu.h"
#include "arch/x86/smp.h"
#include "arch/x86/smp_trampoline.h"
#include "arch/x86/setup.h"
#include "arch/x86/uart.h"
#include "lib/cmdline.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/frame.h"

#define LOW_MEMORY_END MiB(1)	/* real-mode IVT, BDA, EBDA, option ROMs, BIOS */
#define MBI_MAX_SIZE MiB(1)
#define PIC1_DATA 0x21
#define PIC2_DATA 0xa1
#define CPUID_ADDR_SIZES 0x80000008	/* EAX[7:0]: MAXPHYADDR */

struct boot_info boot_info;
hpa_t boot_mbi_phys;
extern char __kernel_phys_start[], __kernel_phys_end[];

static void boot_stop(const char *why)
{
	kprintf("slotvisor: cannot boot: %s\n", why);
	arch_poweroff(EXIT_PANIC);
}

static void parse_boot_info(u32 magic, u32 mbi_pa)
{
	if (magic != MB2_BOOTLOADER_MAGIC)
		boot_stop("not started by a multiboot2 boot loader");
	boot_mbi_phys = mbi_pa;
	if (mb2_parse(phys_to_virt(mbi_pa), MBI_MAX_SIZE, &boot_info) < 0)
		boot_stop(boot_info.error);
	mb2_print(&boot_info);
}

/*
 * Usable memory: the available entries of the memory map, minus the first
 * MiB, the image, the boot information and the modules.
 */
static void usable_memory(struct memmap *usable, hpa_t *top)
{
	const struct boot_info *bi = &boot_info;
	int err = 0;

	memset(usable, 0, sizeof(*usable));
	*top = 0;
	for (unsigned int i = 0; i < bi->nr_mmap; i++) {
		const struct boot_mmap_entry *e = &bi->mmap[i];

		/* Map what may hold RAM or ACPI tables; reserved holes need no mapping. */
		if (e->type != MB2_MEMORY_RESERVED)
			*top = MAX(*top, e->addr + e->len);
		if (e->type == MB2_MEMORY_AVAILABLE && memmap_add(usable, e->addr, e->addr + e->len))
			kprintf("mm: memory map too fragmented, dropped [%llx, %llx)\n",
				(unsigned long long)e->addr,
				(unsigned long long)(e->addr + e->len));
	}
	/* A hole that does not fit in the map would leave memory in use "usable": stop. */
	err |= memmap_remove(usable, 0, LOW_MEMORY_END);
	err |= memmap_remove(usable, (hpa_t)__kernel_phys_start, (hpa_t)__kernel_phys_end);
	err |= memmap_remove(usable, boot_mbi_phys, boot_mbi_phys + bi->total_size);
	for (unsigned int i = 0; i < bi->nr_modules; i++)
		err |= memmap_remove(usable, bi->modules[i].start, bi->modules[i].end);
	if (err)
		boot_stop("the memory map is too fragmented to reserve the image and modules");
	memmap_align(usable, FRAME_SIZE);
}

static bool ranges_overlap(u64 a, u64 a_end, u64 b, u64 b_end)
{
	return a < b_end && b < a_end;
}

/*
 * What mb2_parse() cannot know about the framebuffer: that it lies in
 * this CPU's physical address space and in none of the memory slotvisor
 * uses (RAM, the image, the boot information, a module).  NULL if fine.
 */
static const char *framebuffer_conflict(const struct boot_framebuffer *fb)
{
	const struct boot_info *bi = &boot_info;
	u64 start = fb->addr, end = fb->addr + fb->size;
	u32 maxphyaddr = 36;	/* SDM Vol. 3A 4.1.4: when CPUID leaf 0x80000008 is absent */

	if (cpuid(0x80000000).eax >= CPUID_ADDR_SIZES)
		maxphyaddr = cpuid(CPUID_ADDR_SIZES).eax & 0xff;
	if (end > BIT(maxphyaddr))
		return "it ends beyond the CPU's physical address width";
	if (ranges_overlap(start, end, (hpa_t)__kernel_phys_start, (hpa_t)__kernel_phys_end))
		return "it overlaps slotvisor's image";
	if (ranges_overlap(start, end, boot_mbi_phys, boot_mbi_phys + bi->total_size))
		return "it overlaps the multiboot2 information";
	for (unsigned int i = 0; i < bi->nr_modules; i++)
		if (ranges_overlap(start, end, bi->modules[i].start, bi->modules[i].end))
			return "it overlaps a boot module";
	for (unsigned int i = 0; i < bi->nr_mmap; i++) {
		const struct boot_mmap_entry *e = &bi->mmap[i];

		if (e->type == MB2_MEMORY_AVAILABLE &&
		    ranges_overlap(start, end, e->addr, e->addr + e->len))
			return "it overlaps available RAM";
	}
	return NULL;
}

/*
 * The screen console, on the boot loader's framebuffer unless the command
 * line says slotvisor.screen=off; what was printed before it came up is
 * drawn first.
 */
static void screen_setup(void)
{
	const struct boot_framebuffer *fb = &boot_info.fb;
	const char *why;
	unsigned int cols, rows;
	void *va;

	if (cmdline_has(boot_info.cmdline, "slotvisor.screen=off")) {
		console_screen_off();
		kprintf("console: no screen (slotvisor.screen=off)\n");
		return;
	}
	if (!fb->valid) {
		console_screen_off();
		kprintf("console: serial only: %s\n", boot_info.fb_error[0] ?
			"the framebuffer tag was refused" : "the boot loader gave no framebuffer");
		return;
	}
	why = framebuffer_conflict(fb);
	if (why) {
		console_screen_off();
		kprintf("console: framebuffer at 0x%llx (0x%llx bytes) refused: %s; serial only\n",
			(unsigned long long)fb->addr, (unsigned long long)fb->size, why);
		return;
	}
	va = paging_map_mmio(fb->addr, fb->size, MMIO_UC_MINUS);
	if (!va || console_screen_start(fb, va)) {
		console_screen_off();
		kprintf("console: framebuffer at 0x%llx could not be %s; serial only\n",
			(unsigned long long)fb->addr, va ? "used" : "mapped");
		return;
	}
	console_screen_size(&cols, &rows);
	kprintf("console: screen %ux%u%s, %ux%u characters\n", fb->width, fb->height,
		fb->type == MB2_FRAMEBUFFER_TYPE_EGA_TEXT ? " EGA text" : "", cols, rows);
}

/* Typing on a PS/2 keyboard as well as on COM1, unless slotvisor.keyboard=off. */
static void keyboard_setup(void)
{
	if (cmdline_has(boot_info.cmdline, "slotvisor.keyboard=off")) {
		kprintf("console: input from COM1 only (slotvisor.keyboard=off)\n");
		return;
	}
	if (keyboard_init())
		kprintf("console: input from COM1 and the PS/2 keyboard\n");
	else
		kprintf("console: no PS/2 keyboard controller; input from COM1 only\n");
}

static void mm_init(void)
{
	struct memmap usable;
	hpa_t top;
	int err;

	usable_memory(&usable, &top);
	paging_init(&usable, top);
	err = frame_init(&usable);
	if (err)
		boot_stop("the frame allocator found no usable memory");
	screen_setup();
	frame_print_stats();
}

static void acpi_setup(void)
{
	if (!boot_info.rsdp) {
		kprintf("acpi: no RSDP from the boot loader; ACPI power-off unavailable\n");
		return;
	}
	if (acpi_init(boot_info.rsdp, boot_info.rsdp_len)) {
		return;	/* acpi_init() said why */
	}
	/* The RSDP comes only from the loader's tag: no BIOS-area scan, so UEFI boots the same way. */
	kprintf("acpi: RSDP from the loader's %s tag, FADT %s\n",
		boot_info.rsdp_v2 ? "new" : "old",
		acpi_find_table("FACP", 0) ? "found" : "not found");
}

/* Whether [pa, pa + len) lies inside one available entry of the boot memory map. */
static bool boot_mmap_available(hpa_t pa, u64 len)
{
	for (unsigned int i = 0; i < boot_info.nr_mmap; i++) {
		const struct boot_mmap_entry *e = &boot_info.mmap[i];

		if (e->type == MB2_MEMORY_AVAILABLE && e->addr <= pa &&
		    pa + len <= e->addr + e->len)
			return true;
	}
	return false;
}

/*
 * The console UART, once ACPI can say where it is; what was printed until
 * now was kept in memory and goes to it (uart.c says why this late).
 */
static void console_setup(const char *cmdline)
{
	struct uart_desc d;
	const char *source;

	uart_select(cmdline, &d, &source);
	console_uart_start(&d, source);
}

const struct boot_info *arch_setup(u32 magic, u32 mbi_pa)
{
	const char *cmdline;

	uart_early_init();
	kprintf("\nslotvisor: booting\n");
	percpu_init(0);
	gdt_init();
	idt_init();
	/* Mask the legacy PICs: nothing here takes their interrupts. */
	outb(PIC1_DATA, 0xff);
	outb(PIC2_DATA, 0xff);

	parse_boot_info(magic, mbi_pa);
	cmdline = boot_info.cmdline;
	poweroff_set_acpi_only(cmdline_has(cmdline, "slotvisor.poweroff=acpi"));
	mm_init();
	cpu_enable_fpu_state();
	acpi_setup();
	console_setup(cmdline);
	tsc_calibrate();
	keyboard_setup();
	lapic_setup(cmdline_has(cmdline, "slotvisor.x2apic=on"));
	/* Below 1 MiB, so never the frame allocator's: but it must be RAM no firmware keeps. */
	smp_init(boot_mmap_available(TRAMPOLINE_PA, FRAME_SIZE));
	return &boot_info;
}
