/*
 * Booting a guest nobody here wrote (make run KERNEL=...; scripts/run.sh).
 * GRUB hands the files over as multiboot2 modules whose strings say what
 * each one is:
 *   "kernel NAME ARGS..."  the image (bzImage or multiboot v1) and its
 *                      file name; ARGS is the guest's command line (a
 *                      multiboot kernel gets "NAME ARGS", as QEMU passes it)
 *   "initrd"           a bzImage's initramfs
 *   "module ARGS..."   a multiboot module (kvm-unit-tests' environment)
 *   "disk NAME"        a raw disk image a bzImage guest gets as virtio-blk
 *                      (/dev/vda), read and written in place in memory
 * slotvisor.guest_mem=MIB sets the guest's RAM (default GUEST_MEM_DEFAULT);
 * slotvisor.cpus=N its vCPUs (default 1; more than one run each on a CPU
 * of their own, docs/smp.md).  slotvisor.hotplug=SIZE gives a bzImage
 * guest a virtio-mem region of SIZE (128M steps) and
 * slotvisor.hotplug_request=SIZE asks it to plug that much at boot (the
 * monitor's `hotplug SIZE` asks again later).
 * slotvisor.cpuid=+FLAG,-FLAG,... shows or hides CPUID features against
 * slotvisor's default (x2apic, pcid, invpcid: include/vmx/cpuid_flags.h;
 * QEMU's -cpu flags); a flag it does not know, or one this CPU cannot
 * show, ends the boot with a message naming it.
 * The guest runs under the interactive console (docs/monitor.md); when it
 * writes to the isa-debug-exit port, powers off or dies, its status is
 * printed as "slotvisor: guest exit status N" (QEMU's (value << 1) | 1).
 * The guest's COM1 bytes reach the same console verbatim, so it can print
 * that line too; slotvisor.status_token=T (up to 32 letters and digits,
 * which the guest never sees: it is the hypervisor's command line) adds
 * "slotvisor: status T: guest exit status N", which only the hypervisor
 * can print, and scripts/run.sh believes only that line of its own token.
 */
#include "loader/load.h"
#include "arch/memory.h"
#include "lib/cmdline.h"
#include "lib/errno.h"
#include "lib/parse.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "arch/x86/percpu.h"
#include "console/console.h"
#include "console/guest_boot.h"
#include "vm/vm.h"

#define GUEST_MEM_DEFAULT_MIB 256
#define GUEST_MEM_MAX_MIB 16384
#define GUEST_MODULES_MAX 8

/* Whether the boot brought a guest kernel (a module "kernel NAME ARGS"). */
bool guest_boot_requested(const struct boot_info *bi)
{
	const char *args;

	return boot_find_module(bi, "kernel", &args, 0) != NULL;
}

#define STATUS_TOKEN_MAX 32

/* slotvisor.status_token=T into token: letters and digits only, at most STATUS_TOKEN_MAX. */
static bool status_token(const char *cmdline, char *token)
{
	if (!cmdline_get(cmdline, "slotvisor.status_token", token, STATUS_TOKEN_MAX + 1))
		return false;
	for (const char *c = token; *c; c++) {
		if (!((*c >= '0' && *c <= '9') || (*c >= 'a' && *c <= 'z') ||
		      (*c >= 'A' && *c <= 'Z'))) {
			kprintf("slotvisor: slotvisor.status_token=%s refused: letters and digits only\n",
				token);
			return false;
		}
	}
	return token[0] != '\0';
}

static u64 guest_mem(const char *cmdline)
{
	char buf[16];
	u64 mib;

	if (!cmdline_get(cmdline, "slotvisor.guest_mem", buf, sizeof(buf)))
		return MiB(GUEST_MEM_DEFAULT_MIB);
	if (parse_size(buf, &mib) || !mib || mib > GUEST_MEM_MAX_MIB) {
		kprintf("slotvisor: slotvisor.guest_mem=%s is not a size in MiB (1-%d); using %d\n",
			buf, GUEST_MEM_MAX_MIB, GUEST_MEM_DEFAULT_MIB);
		return MiB(GUEST_MEM_DEFAULT_MIB);
	}
	return MiB(mib);
}

/* slotvisor.cpus=N: the guest's vCPUs, 1 to VM_MAX_VCPUS, one CPU each besides CPU 0 past 1. */
static int guest_vcpus(const char *cmdline, unsigned int *n)
{
	char buf[8];
	u64 val;

	*n = 1;
	if (!cmdline_get(cmdline, "slotvisor.cpus", buf, sizeof(buf)))
		return 0;
	if (parse_size(buf, &val) || !val || val > VM_MAX_VCPUS) {
		kprintf("slotvisor: slotvisor.cpus=%s is not a number of vCPUs (1-%d)\n", buf,
			VM_MAX_VCPUS);
		return -EINVAL;
	}
	if (val > 1 && val + 1 > nr_cpus) {
		kprintf("slotvisor: %llu vCPUs need %llu CPUs (one each, and CPU 0 for the console); "
			"this machine has %u\n", val, val + 1, nr_cpus);
		return -ENODEV;
	}
	*n = (unsigned int)val;
	return 0;
}

static struct load_module as_load_module(const struct boot_module *m, const char *args)
{
	return (struct load_module){ .data = phys_to_virt(m->start), .len = m->end - m->start,
				     .cmdline = args };
}

/* The initrd, or else the multiboot modules, in the order given. */
static unsigned int collect_modules(const struct boot_info *bi, struct load_module *mods)
{
	const struct boot_module *m;
	const char *args;
	unsigned int n = 0;

	m = boot_find_module(bi, "initrd", &args, 0);
	if (m) {
		mods[n++] = as_load_module(m, args);
		return n;
	}
	while (n < GUEST_MODULES_MAX && (m = boot_find_module(bi, "module", &args, n)))
		mods[n++] = as_load_module(m, args);
	return n;
}

/* After "kernel": the file name and the arguments; what the image's format wants of them. */
static const char *guest_cmdline(const struct boot_module *k, const char *name_args)
{
	char desc[96];
	const char *args = strchr(name_args, ' ');

	if (image_identify(phys_to_virt(k->start), k->end - k->start, desc, sizeof(desc)) ==
	    IMAGE_MULTIBOOT1)
		return name_args;
	return args ? args + 1 : "";
}

/* slotvisor.hotplug=SIZE and slotvisor.hotplug_request=SIZE (bytes, K/M/G suffixes). */
static int guest_hotplug(const char *cmdline, struct vm_kernel_args *args)
{
	static const char *const keys[2] = { "slotvisor.hotplug", "slotvisor.hotplug_request" };
	u64 *vals[2] = { &args->hotplug_size, &args->hotplug_request };
	char buf[24];

	for (unsigned int i = 0; i < 2; i++) {
		if (!cmdline_get(cmdline, keys[i], buf, sizeof(buf)))
			continue;
		if (parse_size(buf, vals[i])) {
			kprintf("slotvisor: %s=%s is not a size (512M, 1G)\n", keys[i], buf);
			return -EINVAL;
		}
	}
	if (args->hotplug_size % VM_HOTPLUG_ALIGN || args->hotplug_size > VM_HOTPLUG_MAX ||
	    args->hotplug_request > args->hotplug_size ||
	    args->hotplug_request % VM_HOTPLUG_BLOCK_SIZE) {
		kprintf("slotvisor: slotvisor.hotplug=%llu MiB: a multiple of %llu MiB up to %llu MiB, "
			"and slotvisor.hotplug_request=%llu MiB a multiple of %llu MiB within it\n",
			args->hotplug_size >> 20, VM_HOTPLUG_ALIGN >> 20, VM_HOTPLUG_MAX >> 20,
			args->hotplug_request >> 20, VM_HOTPLUG_BLOCK_SIZE >> 20);
		return -EINVAL;
	}
	if (args->hotplug_size)
		kprintf("slotvisor: memory hot-plug: a virtio-mem region of %llu MiB, %llu MiB of it "
			"requested at boot\n", args->hotplug_size >> 20, args->hotplug_request >> 20);
	return 0;
}

#define CPUID_OPTION_MAX 128

/* slotvisor.cpuid=FLAGS into *f (none: no override); -EINVAL, printed, for what it cannot parse. */
static int guest_cpuid_flags(const char *cmdline, struct vcpu_cpuid_flags *f)
{
	char buf[CPUID_OPTION_MAX], bad[VCPU_CPUID_ITEM_MAX];

	*f = (struct vcpu_cpuid_flags){ 0 };
	if (!cmdline_get(cmdline, "slotvisor.cpuid", buf, sizeof(buf)))
		return 0;
	if (strlen(buf) == sizeof(buf) - 1) {
		kprintf("slotvisor: slotvisor.cpuid= is longer than %d characters\n",
			CPUID_OPTION_MAX - 2);
		return -EINVAL;
	}
	if (vcpu_cpuid_flags_parse(buf, f, bad)) {
		kprintf("slotvisor: slotvisor.cpuid=%s: \"%s\" is not a CPUID flag slotvisor can "
			"show or hide: +FLAG or -FLAG, each once, FLAG x2apic, pcid or invpcid\n",
			buf, bad);
		return -EINVAL;
	}
	if (buf[0])
		kprintf("slotvisor: the guest's CPUID: slotvisor's with %s\n", buf);
	return 0;
}

/* The "disk" module, if any: the guest's virtio-blk disk, whose writes never reach the file. */
static void guest_disk(const struct boot_info *bi, struct vm_kernel_args *args)
{
	const char *name = "";
	const struct boot_module *m = boot_find_module(bi, "disk", &name, 0);

	if (!m)
		return;
	args->disk = phys_to_virt(m->start);
	args->disk_len = m->end - m->start;
	kprintf("slotvisor: disk %s: %llu bytes, the guest's virtio-blk /dev/vda; kept in memory, "
		"its writes are lost when slotvisor stops\n", name, args->disk_len);
}

int guest_boot(const struct boot_info *bi, u64 *status)
{
	struct load_module mods[GUEST_MODULES_MAX];
	const char *name_args = "";
	const struct boot_module *k = boot_find_module(bi, "kernel", &name_args, 0);
	const char *append = k ? guest_cmdline(k, name_args) : "";
	struct vm_kernel_args args = {
		.mem_size = guest_mem(bi->cmdline),
		.cmdline = append,
		.modules = mods,
		.nr_modules = collect_modules(bi, mods),
	};
	char token[STATUS_TOKEN_MAX + 1];
	struct vcpu_cpuid_flags cpuid_flags;
	bool has_token;
	struct vm *vm;
	struct vcpu *v;
	int err;

	err = guest_vcpus(bi->cmdline, &args.nr_vcpus);
	if (err)
		return err;
	err = guest_hotplug(bi->cmdline, &args);
	err = err ?: guest_cpuid_flags(bi->cmdline, &cpuid_flags);
	if (err)
		return err;
	guest_disk(bi, &args);
	vm = vm_create("guest");
	if (!k || !vm) {
		vm_destroy(vm);
		return -ENOMEM;
	}
	vm->no_ucall = true;
	vm->cpuid_flags = cpuid_flags;
	kprintf("slotvisor: guest kernel of %llu bytes, %llu MiB of RAM, %u vCPU(s), %u module(s), "
		"command line \"%s\"\n", k->end - k->start, args.mem_size >> 20, args.nr_vcpus,
		args.nr_modules, append);
	err = vm_load_kernel(vm, phys_to_virt(k->start), k->end - k->start, &args, &v);
	if (err) {
		vm_destroy(vm);
		return err;
	}
	has_token = status_token(bi->cmdline, token);
	*status = console_run_guest(vm, v, has_token ? token : NULL);
	kprintf("slotvisor: guest exit status %llu\n", *status);
	if (has_token)
		kprintf("slotvisor: status %s: guest exit status %llu\n", token, *status);
	vm_destroy(vm);
	return 0;
}
