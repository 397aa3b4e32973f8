/*
 * Guests in formats nobody here chose: a multiboot v1 ELF32 in
 * kvm-unit-tests' shape and a bzImage-shaped kernel, loaded by
 * vm_load_kernel() (vmm/load_kernel.c) from their files as a loader gets
 * them, and an image that is neither, refused before the VM is touched.
 */
#include "loader/load.h"
#include "ktest_vmx.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "loader/guest_images.h"
#include "loader/multiboot1.h"

#define DEBUG_EXIT_PORT 0xf4

static const char env_module[] = "NR_CPUS=1\nMEMSIZE=16\n";
static const char initrd[] = "hello initrd\nsecond line\n";

/* Did v stop at an OUT of `code` to the isa-debug-exit port? */
static bool debug_exit(const struct vcpu *v, u32 code)
{
	return v->exit.reason == VCPU_EXIT_IO && v->exit.io.port == DEBUG_EXIT_PORT &&
	       v->exit.io.is_write && v->exit.io.data == code;
}

KTEST(test_guest_image_multiboot1, "guest.image.multiboot1")
{
	struct load_module env = { env_module, sizeof(env_module) - 1, "env" };
	struct vm_kernel_args args = {
		.mem_size = MiB(16), .cmdline = "mb1_hello arg1 arg2", .modules = &env, .nr_modules = 1,
	};
	u64 want_flags = MB1_INFO_MEMORY | MB1_INFO_CMDLINE | MB1_INFO_MODS | MB1_INFO_MEM_MAP;
	struct vcpu *v;
	struct ucall uc;
	struct vm *vm = ktest_load_kernel(t, "mb1_hello", &args, &v);
	int cmd;

	if (!vm)
		return;
	cmd = vm_run(v, 0, &uc);
	KT_ASSERT(t, cmd == UCALL_SYNC, "expected SYNC from long mode, saw ucall %d (%s exit)", cmd,
		  ktest_exit_name(v));
	KT_ASSERT(t, !strcmp(vm->last_line, "mb1: long mode, cmdline=[mb1_hello arg1 arg2] module=[NR_CPUS=1]"),
		  "expected the guest's line with its command line and module, saw \"%s\"",
		  vm->last_line);
	KT_ASSERT_EQ(t, uc.args[0], MB1_BOOTLOADER_MAGIC);
	KT_ASSERT(t, (uc.args[1] & want_flags) == want_flags,
		  "expected info flags 0x%llx, saw 0x%llx", want_flags, (u64)uc.args[1]);
	KT_ASSERT_EQ(t, uc.args[2], (MiB(16) - MiB(1)) / 1024);	/* mem_upper */
	KT_ASSERT_EQ(t, uc.args[3], 1);				/* mods_count */
	cmd = vm_run(v, 0, &uc);
	KT_ASSERT(t, cmd == 0 && debug_exit(v, 0),
		  "expected exit code 0 on port 0xf4, saw ucall %d / %s exit (port 0x%x, data 0x%x)",
		  cmd, ktest_exit_name(v), v->exit.io.port, v->exit.io.data);
	vm_destroy(vm);
}

/*
 * guests/mb1/apic.S: kvm-unit-tests' APIC start-up (reset_apic(), enable_apic(),
 * the ID read), IA32_APIC_BASE.EXTD's mode changes, a self-IPI with EOI, a one-shot timer and an NMI IPI on the emulated
 * xAPIC; it reports each check and its SUMMARY line as kvm-unit-tests do.
 * The one MMIO exit that reaches the caller is the read while the APIC is
 * disabled; it is answered as the console does, all ones.
 */
KTEST(test_guest_image_apic, "guest.image.apic")
{
	static const char env[] = "NR_CPUS=1\nMEMSIZE=16\nTEST_DEVICE=0\n";
	struct load_module m = { env, sizeof(env) - 1, "env" };
	struct vm_kernel_args args = {
		.mem_size = MiB(16), .cmdline = "mb1_apic", .modules = &m, .nr_modules = 1,
	};
	struct vcpu *v;
	struct ucall uc;
	struct vm *vm = ktest_load_kernel(t, "mb1_apic", &args, &v);
	unsigned int mmio = 0;
	int cmd;

	if (!vm)
		return;
	KT_ASSERT(t, v->apic, "expected a multiboot guest to get the emulated APIC");
	for (;;) {
		cmd = vm_run(v, 0, &uc);
		if (cmd || v->exit.reason != VCPU_EXIT_MMIO)
			break;
		KT_ASSERT(t, v->exit.mmio.gpa == VLAPIC_DEFAULT_BASE + APIC_LVR && !v->exit.mmio.is_write,
			  "expected only the read of the disabled APIC's version, saw %s of %#llx",
			  v->exit.mmio.is_write ? "a write" : "a read", v->exit.mmio.gpa);
		v->exit.mmio.data = ~0ULL;
		mmio++;
	}
	KT_ASSERT(t, cmd == 0 && debug_exit(v, 0),
		  "expected exit code 0 on port 0xf4, saw ucall %d / %s exit (port 0x%x, data 0x%x); "
		  "last line \"%s\"", cmd, ktest_exit_name(v), v->exit.io.port, v->exit.io.data,
		  vm->last_line);
	KT_ASSERT(t, !strcmp(vm->last_line, "SUMMARY: 17 tests"),
		  "expected \"SUMMARY: 17 tests\", saw \"%s\"", vm->last_line);
	KT_ASSERT_EQ(t, mmio, 1);
	KT_ASSERT_EQ(t, v->nmis_injected, 1);
	/*
	 * Injected by vmx/, but where virtual-interrupt delivery delivers the
	 * xAPIC's vectors itself: there the guest's own checks say they came.
	 */
	KT_ASSERT(t, v->apicv_vid || v->irqs_injected >= 2,
		  "expected the IPI and the timer injected, saw %llu", v->irqs_injected);
	vm_destroy(vm);
}

/* The bzImage-shaped guest through one boot protocol; it prints and exits with 0x32/0x64. */
static void run_bz(struct ktest_ctx *t, enum linux_entry entry, const char *line, u32 code)
{
	struct load_module rd = { initrd, sizeof(initrd) - 1, NULL };
	struct vm_kernel_args args = {
		.mem_size = MiB(8), .cmdline = "console=ttyS0 nokaslr", .modules = &rd,
		.nr_modules = 1, .linux_entry = entry,
	};
	struct vcpu *v;
	struct ucall uc;
	struct vm *vm = ktest_load_kernel(t, "bz_tiny", &args, &v);
	int cmd;

	if (!vm)
		return;
	cmd = vm_run(v, 0, &uc);
	KT_ASSERT(t, cmd == 0 && debug_exit(v, code),
		  "expected exit code 0x%x on port 0xf4, saw ucall %d / %s exit (port 0x%x, data 0x%x)",
		  code, cmd, ktest_exit_name(v), v->exit.io.port, v->exit.io.data);
	KT_ASSERT(t, !strcmp(vm->last_line, line), "expected \"%s\", saw \"%s\"", line,
		  vm->last_line);
	vm_destroy(vm);
}

KTEST(test_guest_image_bzimage64, "guest.image.bzimage64")
{
	run_bz(t, LINUX_ENTRY_DEFAULT,
	       "bz64: cmdline=[console=ttyS0 nokaslr] initrd=[hello initrd] e820=3", 0x64);
}

KTEST(test_guest_image_bzimage32, "guest.image.bzimage32")
{
	run_bz(t, LINUX_ENTRY_32,
	       "bz32: cmdline=[console=ttyS0 nokaslr] initrd=[hello initrd] e820=3", 0x32);
}

KTEST(test_guest_image_refused, "guest.image.refused")
{
	static const u8 gzip[] = { 0x1f, 0x8b, 0x08, 0x00 };
	const struct guest_image *flat = guest_image_find("hello64");
	struct vm_kernel_args args = { .mem_size = MiB(8) };
	struct vcpu *v = NULL;
	struct vm *vm;
	int err;

	if (!ktest_need_vmx(t))
		return;
	KT_ASSERT(t, flat, "expected the embedded guest hello64");
	vm = vm_create("refused");
	KT_ASSERT(t, vm, "expected a VM");
	err = vm_load_kernel(vm, gzip, sizeof(gzip), &args, &v);
	KT_ASSERT(t, err == -ENOEXEC, "expected ENOEXEC for gzip data, saw %s", errno_name(err));
	/* A flat 64-bit binary is no format a loader can recognise. */
	err = vm_load_kernel(vm, flat->start, flat->end - flat->start, &args, &v);
	KT_ASSERT(t, err == -ENOEXEC, "expected ENOEXEC for a flat binary, saw %s", errno_name(err));
	KT_ASSERT(t, vm->kvm.online_vcpus == 0 && !v, "expected no vCPU after a refusal, saw %u",
		  vm->kvm.online_vcpus);
	KT_ASSERT(t, !vm_gpa_to_hva(vm, 0), "expected no memslot after a refusal");
	vm_destroy(vm);
}
