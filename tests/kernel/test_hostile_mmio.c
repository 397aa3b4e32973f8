/*
 * The hostile suite's MMIO variants (issue 17; the harness is
 * tests/kernel/hostile.c): guests/hostile_mmio.c runs every instruction
 * class the emulator knows against each kind of MMIO a VM has (where no
 * slot and no device is, pc-testdev's IORAM, the xAPIC page, the I/O
 * APIC's window, a virtio-mmio window), and the forms it refuses;
 * guests/hostile_virtio.c writes garbage to every virtio-mmio register and
 * notifies broken queues.  Each variant in a VM of its own ends cleanly
 * (the guest finished, every fault it took recorded) or with a named
 * internal error, and its verdict line says which; then the host is
 * checked as after every hostile VM.
 */
#include "hostile.h"
#include "hostile_abi.h"
#include "irq/ioapic.h"
#include "irq/vlapic.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "vm/virtio.h"

/* The guests' targets are the VM's own addresses (guests/lib/hostile_abi.h). */
_Static_assert(HOSTILE_MMIO_IORAM == PC_TESTDEV_IOMEM_BASE, "IORAM");
_Static_assert(HOSTILE_MMIO_XAPIC == VLAPIC_DEFAULT_BASE, "the xAPIC page");
_Static_assert(HOSTILE_MMIO_IOAPIC == IOAPIC_DEFAULT_BASE, "the I/O APIC window");
_Static_assert(HOSTILE_MMIO_VIRTIO_BASE == VM_VIRTIO_MMIO_BASE &&
		       HOSTILE_MMIO_VIRTIO_STRIDE == VM_VIRTIO_MMIO_STRIDE,
	       "the virtio-mmio windows");

#define ALL_DEVICES (HOSTILE_LAPIC | HOSTILE_TESTDEV | HOSTILE_VIRTIO)
#define VERDICT_LEN 320

/* A VM of image with every device, told mode and target: false with the test failed or skipped. */
static bool mmio_begin(struct ktest_ctx *t, struct hostile *h, const char *name,
		       const char *image, u64 mode, u64 target)
{
	struct hostile_arg *arg;

	if (!hostile_begin(t, h, name, image, MiB(4), ALL_DEVICES))
		return false;
	arg = vm_gpa_to_hva(h->vm, HOSTILE_ARG_GPA);
	KT_ASSERT(t, arg, "%s: expected RAM at the argument's gpa 0x%llx", name, HOSTILE_ARG_GPA);
	*arg = (struct hostile_arg){ .mode = mode, .target = target };
	return true;
}

/* Every form against target: the guest must finish, each fault it took recorded. */
static void mmio_sweep(struct ktest_ctx *t, const char *name, u64 target)
{
	char verdict[VERDICT_LEN];
	struct hostile h;

	if (!mmio_begin(t, &h, name, "hostile_mmio", HOSTILE_MMIO_SWEEP, target))
		return;
	hostile_expect_done(&h);
	KT_ASSERT(t, h.reports[HOSTILE_REPORT_FORMS] == HOSTILE_MMIO_SWEEP_FORMS,
		  "%s: expected %u forms run, saw %llu", name, HOSTILE_MMIO_SWEEP_FORMS,
		  h.reports[HOSTILE_REPORT_FORMS]);
	ksnprintf(verdict, sizeof(verdict), "ended cleanly: %llu instruction forms on MMIO at "
		  "0x%llx, faults taken (vector mask) 0x%llx", h.reports[HOSTILE_REPORT_FORMS],
		  target, h.reports[HOSTILE_REPORT_VECTORS]);
	hostile_end(&h, verdict);
}

/* A refused form: the VM must end with an internal error whose message contains what. */
static void mmio_refused(struct ktest_ctx *t, const char *name, u64 mode, u64 target,
			 const char *what)
{
	char verdict[VERDICT_LEN];
	struct hostile h;

	if (!mmio_begin(t, &h, name, "hostile_mmio", mode, target))
		return;
	KT_ASSERT(t, hostile_run(&h, 0) == 0 && h.v->exit.reason == VCPU_EXIT_INTERNAL_ERROR &&
			     strstr(h.v->exit.internal.msg, what),
		  "%s: expected the VM to end naming \"%s\", saw %s (%s)", name, what,
		  ktest_exit_name(h.v),
		  h.v->exit.reason == VCPU_EXIT_INTERNAL_ERROR ? h.v->exit.internal.msg : "");
	ksnprintf(verdict, sizeof(verdict), "ended by a named internal error: %s",
		  h.v->exit.internal.msg);
	hostile_end(&h, verdict);
}

KTEST(test_hostile_mmio_unbacked, "hostile.mmio.unbacked")
{
	mmio_sweep(t, "mmio.unbacked", HOSTILE_MMIO_UNBACKED);
}

KTEST(test_hostile_mmio_ioram, "hostile.mmio.ioram")
{
	mmio_sweep(t, "mmio.ioram", HOSTILE_MMIO_IORAM);
}

KTEST(test_hostile_mmio_xapic, "hostile.mmio.xapic")
{
	mmio_sweep(t, "mmio.xapic", HOSTILE_MMIO_XAPIC);
}

KTEST(test_hostile_mmio_ioapic, "hostile.mmio.ioapic")
{
	mmio_sweep(t, "mmio.ioapic", HOSTILE_MMIO_IOAPIC);
}

KTEST(test_hostile_mmio_virtio_window, "hostile.mmio.virtio-window")
{
	mmio_sweep(t, "mmio.virtio-window", HOSTILE_MMIO_VIRTIO_BASE + HOSTILE_MMIO_VIRTIO_STRIDE);
}

KTEST(test_hostile_mmio_lgdt, "hostile.mmio.lgdt")
{
	mmio_refused(t, "mmio.lgdt", HOSTILE_MMIO_LGDT, HOSTILE_MMIO_IORAM, "lgdt");
}

KTEST(test_hostile_mmio_sidt, "hostile.mmio.sidt")
{
	mmio_refused(t, "mmio.sidt", HOSTILE_MMIO_SIDT, HOSTILE_MMIO_VIRTIO_BASE, "sidt");
}

KTEST(test_hostile_mmio_fetch_straddle, "hostile.mmio.fetch-straddle")
{
	mmio_refused(t, "mmio.fetch-straddle", HOSTILE_MMIO_FETCH_STRADDLE, 0,
		     "executes at gpa 0x400000");
}

/* Garbage in every register of both windows, and broken queues: each device asks for a reset. */
KTEST(test_hostile_virtio_registers, "hostile.mmio.virtio-registers")
{
	u64 status, want = VIRTIO_STATUS_NEEDS_RESET | VIRTIO_STATUS_NEEDS_RESET << 8;
	struct hostile h;

	if (!mmio_begin(t, &h, "mmio.virtio-registers", "hostile_virtio", 0, 0))
		return;
	hostile_expect_done(&h);
	status = h.reports[HOSTILE_REPORT_STATUS];
	KT_ASSERT(t, (status & want) == want,
		  "expected both devices to set NEEDS_RESET after a looping queue, saw "
		  "status 0x%llx",
		  status);
	hostile_end(&h, "ended cleanly: garbage in every register at every width, queues in no "
			"memory, wrapping and looping; both devices set NEEDS_RESET");
}
