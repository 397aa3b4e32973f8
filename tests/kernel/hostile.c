/*
 * The hostile suite's harness (tests/kernel/hostile.h): a VM per attack,
 * the VMM's answers to what no device claims, and the host's checks after
 * each VM.
 */
#include "arch/x86/cpu.h"
#include "arch/x86/msr.h"
#include "hostile.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/frame.h"
#include "vm/virtio.h"

#define HOSTILE_BUDGET_TICKS 3000000000ULL	/* 30 s at Bochs' 100 M ticks a second */
#define EMPTY_BUS ~0ULL
#define HOSTILE_DISK_BYTES (64 * 1024)

/*
 * The host MSRs a guest must never reach: those the hypervisor depends on,
 * and the SYSCALL MSRs and KERNEL_GS_BASE, which the guest writes without
 * an exit (the MSR bitmap) and vcpu_run() gives back to the host when it
 * returns (vmx/shared_msrs.c).
 */
static const u32 host_msrs[] = {
	MSR_IA32_APIC_BASE, MSR_EFER, MSR_FS_BASE, MSR_GS_BASE, MSR_IA32_PAT,
	MSR_STAR, MSR_LSTAR, MSR_CSTAR, MSR_SYSCALL_MASK, MSR_KERNEL_GS_BASE,
};

_Static_assert(ARRAY_SIZE(host_msrs) == ARRAY_SIZE(((struct hostile *)0)->msrs),
	       "a baseline slot for each watched MSR");

static void hostile_sanity(struct hostile *h);

/*
 * What the first VM of a boot allocates for good, not per VM: the CPU's
 * VMXON region (vmx/vmxon.c) and the MSR bitmap all vCPUs share
 * (vmx/msr_bitmap.c).  A sanity guest run once before the first baseline
 * takes them, so that each test's free count measures its own VM.
 */
static void hostile_warm_up(struct ktest_ctx *t)
{
	static bool warm;
	struct hostile w;

	if (warm)
		return;
	warm = true;
	memset(&w, 0, sizeof(w));
	w.t = t;
	w.name = "warm-up";
	w.vm = ktest_guest64(t, "hello64", MiB(4), &w.v);
	if (w.vm)
		hostile_sanity(&w);
}

/*
 * The virtio-blk disk of a HOSTILE_VIRTIO VM: the hypervisor's memory, not
 * the VM's, and not the frame allocator's (the free count must not move).
 * One VM at a time runs in the suite; each gets it zeroed.
 */
static u8 hostile_disk[HOSTILE_DISK_BYTES] __aligned(GFN_SIZE);

static bool hostile_add_devices(struct hostile *h, unsigned int devices)
{
	int err = 0;

	if (devices & HOSTILE_LAPIC)
		vm_lapic_enable(h->vm, h->v);
	if (devices & HOSTILE_TESTDEV)
		err = vm_pc_testdev_add(h->vm);
	if (!err && (devices & HOSTILE_VIRTIO)) {
		memset(hostile_disk, 0, sizeof(hostile_disk));
		err = vm_virtio_add_rng(h->vm);
		if (!err)
			err = vm_virtio_add_blk(h->vm, hostile_disk, sizeof(hostile_disk));
	}
	if (!err)
		return true;
	vm_destroy(h->vm);
	h->vm = NULL;
	ktest_fail(h->t, "%s: expected its devices, saw error %d", h->name, err);
	return false;
}

bool hostile_begin(struct ktest_ctx *t, struct hostile *h, const char *name, const char *image,
		   u64 mem, unsigned int devices)
{
	struct frame_stats st;

	memset(h, 0, sizeof(*h));
	h->t = t;
	h->name = name;
	if (!ktest_need_vmx(t))
		return false;
	hostile_warm_up(t);
	frame_get_stats(&st);
	h->free_before = st.free_frames;
	for (unsigned int i = 0; i < ARRAY_SIZE(host_msrs); i++)
		h->msrs[i] = rdmsr(host_msrs[i]);
	h->vm = ktest_guest64(t, image, mem, &h->v);
	if (!h->vm)
		return false;
	if (!hostile_add_devices(h, devices))
		return false;
	h->start = rdtsc();
	return true;
}

/* An exit the VMM answers as an empty bus (what console/console.c does): true to go on. */
static bool hostile_answer(struct hostile *h)
{
	struct vcpu_exit *e = &h->v->exit;

	if (e->reason == VCPU_EXIT_IO) {
		if (!e->io.is_write)
			e->io.data = (u32)EMPTY_BUS;
		h->unclaimed++;
		return true;
	}
	if (e->reason == VCPU_EXIT_MMIO && h->mmio && h->mmio(h, e))
		return true;
	if (e->reason == VCPU_EXIT_MMIO) {
		if (!e->mmio.is_write)
			e->mmio.data = EMPTY_BUS;
		h->unclaimed++;
		return true;
	}
	return e->reason == VCPU_EXIT_BUDGET && rdtsc() - h->start < HOSTILE_BUDGET_TICKS;
}

int hostile_run(struct hostile *h, u64 budget)
{
	u64 deadline = budget ? rdtsc() + budget : 0;

	for (;;) {
		u64 now = rdtsc(), slice = HOSTILE_SLICE_TICKS;
		int cmd;

		if (deadline && now >= deadline) {
			h->v->exit.reason = VCPU_EXIT_BUDGET;
			return 0;
		}
		if (deadline)
			slice = MIN(slice, deadline - now);
		cmd = vm_run(h->v, slice, &h->uc);
		h->exits++;
		if (cmd == UCALL_SYNC && h->uc.args[0] < ARRAY_SIZE(h->reports)) {
			h->reports[h->uc.args[0]] = h->uc.args[1];
			continue;
		}
		KT_ASSERT(h->t, cmd != UCALL_ABORT, "%s: guest assertion failed: %s", h->name,
			  h->uc.buffer);
		if (cmd)
			return cmd;
		if (deadline && h->v->exit.reason == VCPU_EXIT_BUDGET)
			continue;	/* the slice, or the deadline: checked above */
		if (!hostile_answer(h))
			return 0;
	}
}

void hostile_expect_done(struct hostile *h)
{
	int cmd = hostile_run(h, 0);
	char why[VCPU_EXIT_WHY_LEN];

	vcpu_exit_describe(h->v, why, sizeof(why));
	KT_ASSERT(h->t, cmd == UCALL_DONE, "%s: expected the guest to finish, saw %s", h->name,
		  cmd ? "another ucall" : why);
}

/* The VM is gone: the host's MSRs, the free frames, and a sanity guest. */
void hostile_end(struct hostile *h, const char *verdict)
{
	struct ktest_ctx *t = h->t;
	struct frame_stats st;
	struct hostile sane;
	u64 ticks = rdtsc() - h->start;

	vm_destroy(h->vm);
	h->vm = NULL;
	for (unsigned int i = 0; i < ARRAY_SIZE(host_msrs); i++)
		KT_ASSERT(t, rdmsr(host_msrs[i]) == h->msrs[i],
			  "%s: expected host MSR 0x%x to be 0x%llx after the guest, saw 0x%llx",
			  h->name, host_msrs[i], h->msrs[i], rdmsr(host_msrs[i]));
	frame_get_stats(&st);
	KT_ASSERT(t, st.free_frames == h->free_before,
		  "%s: expected %llu free frames after the VM, saw %llu", h->name, h->free_before,
		  st.free_frames);
	kprintf("hostile: %s: %s (%llu runs, %llu exits answered as an empty bus, %llu ticks)\n",
		h->name, verdict, h->exits, h->unclaimed, ticks);
	if (!hostile_begin(t, &sane, "sanity", "hello64", MiB(4), 0))
		return;
	hostile_sanity(&sane);
}

/* hello64: SYNC 1, a HLT with interrupts off, SYNC 2, done. */
static void hostile_sanity(struct hostile *h)
{
	int cmd;

	while ((cmd = vm_run(h->v, HOSTILE_SLICE_TICKS, &h->uc)) != UCALL_DONE) {
		if (cmd == UCALL_SYNC && h->uc.args[0] < ARRAY_SIZE(h->reports))
			h->reports[h->uc.args[0]] = 1;
		else
			KT_ASSERT(h->t, !cmd && h->v->exit.reason == VCPU_EXIT_HLT,
				  "a sanity guest after %s: expected it to pass, saw %s", h->name,
				  cmd ? "another ucall" : ktest_exit_name(h->v));
	}
	KT_ASSERT(h->t, h->reports[1] && h->reports[2],
		  "a sanity guest after %s: expected both its SYNCs", h->name);
	vm_destroy(h->vm);
}

