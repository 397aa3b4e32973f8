/*
 * Memory hot-plug under a live SMP Linux (vm/hotplug.c, virtio-mem): the
 * boot case's kernel and initrd (/init: scripts/linux-init/hotplug) run
 * on HP_VCPUS vCPUs, each on a CPU of its own, with a virtio-mem region of
 * HP_REGION and a worker filling and checking buffers on every vCPU
 * (guests/linux/smp-work.c) the whole time.  For each step this CPU asks
 * the guest to have that much plugged (vm_hotplug_request(), the monitor's
 * `hotplug SIZE`), waits until Linux has plugged or unplugged its way
 * there, and then, with the vCPUs paused, checks the VM: one memslot per
 * plugged block at its place, no EPT leaf in any root (valid or
 * invalidated) over a block that is not plugged, and the EPT audit; then
 * it types `plugged MIB` on the guest's console, and the guest must see
 * MemTotal follow and fill (up to 16 MiB) memory that lands in the
 * plugged ranges.  The
 * steps grow and shrink twice; at the end (nothing plugged) the memslot
 * count and the frame allocator's free frames are back where they were
 * before the first plug (less the EPT tables the guest's RAM has since
 * been mapped with), and the guest ends with status 0 (every step and
 * worker passed).  Every unplug is a memslot DELETE: invalidate the
 * roots, zap them, INVEPT on every CPU, then the block's frames go back.
 * Then, on the same guest, the negative control leaves invalidated roots
 * unzapped (kvm->debug.no_zap) for one more plug and unplug, and the check
 * must find leaves left over the unplugged block, mapping frames that
 * were given back; the test fails if it does not.
 */
#include "arch/x86/cpu.h"
#include "ept/walk.h"
#include "ktest_vmx.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "linux_vm.h"
#include "memslot/memslot.h"
#include "mm/frame.h"

#define HP_VCPUS 2
#define HP_MEM MiB(128)
#define HP_REGION MiB(256)
#define HP_CMDLINE "console=ttyS0 nokaslr"
#define HP_LINE "linux-hotplug: "
#define READY_LINE "linux-hotplug: ready"
#define START_TICKS 60000000000ULL	/* 600 s of Bochs for Linux to boot and start its workers */
#define STEP_TICKS 30000000000ULL	/* 300 s for a plug or unplug, and for the guest's step */
#define HP_BLOCKS (HP_REGION / VM_HOTPLUG_BLOCK_SIZE)

struct hotplug_check {
	char line[160];		/* the guest's last "linux-hotplug: " line */
	u64 lines;		/* how many there were */
	u32 base_slots;
	u64 base_free, base_tables;
	u64 stale_leaves;	/* leaves found over blocks that are not plugged */
	u64 steps;
	char why[200];
};

static struct hotplug_check hc;
static struct linux_run run = { .tag = "linux-hotplug" };

/* COM1's transmitter: vm_com1_tx(), and the guest's "linux-hotplug: " lines kept for the test. */
static void hotplug_tx(void *ctx, u8 byte)
{
	struct vm *vm = ctx;
	u64 lines = vm->lines;

	vm_com1_tx(ctx, byte);
	if (vm->lines != lines && !strncmp(vm->last_line, HP_LINE, strlen(HP_LINE))) {
		memcpy(hc.line, vm->last_line, sizeof(hc.line));
		__atomic_store_n(&hc.lines, hc.lines + 1, __ATOMIC_RELEASE);
	}
}

/* The next "linux-hotplug: " line after the first seen ones, within ticks, or NULL. */
static const char *wait_hp_line(struct vm *vm, u64 seen, u64 ticks)
{
	u64 end = rdtsc() + ticks;

	while (rdtsc() < end && !vm_vcpus_over(vm)) {
		if (__atomic_load_n(&hc.lines, __ATOMIC_ACQUIRE) > seen)
			return hc.line;
		cpu_relax();
	}
	return NULL;
}

static bool wait_plugged(struct vm *vm, u64 bytes)
{
	u64 end = rdtsc() + STEP_TICKS;

	while (rdtsc() < end && !vm_vcpus_over(vm)) {
		if (READ_ONCE(vm->mem.config.plugged_size) == bytes)
			return true;
		cpu_relax();
	}
	return false;
}

/* Leaves of every root (valid or invalidated) over [start, end). */
static u64 leaves_in(struct kvm *kvm, gfn_t start, gfn_t end)
{
	struct ept_root *root;
	u64 leaves[KVM_NR_PAGE_SIZES], tables, n = 0;

	for_each_tdp_mmu_root(kvm, root) {
		ept_count_leaves_range(root->hpa, start, end, leaves, &tables);
		n += leaves[0] + leaves[1] + leaves[2];
	}
	return n;
}

/* Each block: plugged with its own slot at its place, or with no slot and no leaf. mmu_lock held. */
static int check_blocks(struct vm *vm)
{
	struct kvm_memslots *slots = __kvm_memslots(&vm->kvm, 0);
	u64 plugged = 0;

	for (u64 i = 0; i < HP_BLOCKS; i++) {
		gpa_t gpa = vm->mem.config.addr + i * VM_HOTPLUG_BLOCK_SIZE;
		struct kvm_memory_slot *s = id_to_memslot(slots, VM_HOTPLUG_SLOT + (int)i);
		u64 n;

		if (virtio_mem_block_plugged(&vm->mem, i)) {
			plugged++;
			if (!s || s->base_gfn != gpa_to_gfn(gpa) ||
			    s->npages != VM_HOTPLUG_BLOCK_SIZE >> GFN_SHIFT) {
				ksnprintf(hc.why, sizeof(hc.why), "plugged block %llu has no slot of its own", i);
				return -ENOENT;
			}
			continue;
		}
		n = leaves_in(&vm->kvm, gpa_to_gfn(gpa), gpa_to_gfn(gpa + VM_HOTPLUG_BLOCK_SIZE));
		hc.stale_leaves += n;
		if (s || n) {
			ksnprintf(hc.why, sizeof(hc.why), "unplugged block %llu at 0x%llx: %s, %llu EPT leaves",
				  i, gpa, s ? "a slot left" : "no slot", n);
			return -EEXIST;
		}
	}
	if (slots->nr_slots != hc.base_slots + plugged) {
		ksnprintf(hc.why, sizeof(hc.why), "%u memslots with %llu blocks plugged, expected %llu",
			  slots->nr_slots, plugged, hc.base_slots + plugged);
		return -EINVAL;
	}
	return 0;
}

/* The VM's state after a step, with every vCPU out of its guest. */
static int check_paused(struct vm *vm)
{
	int err;

	vm_vcpus_pause(vm);
	spin_lock(&vm->kvm.mmu_lock);
	err = check_blocks(vm);
	spin_unlock(&vm->kvm.mmu_lock);
	if (!err && ept_audit(&vm->kvm, hc.why, sizeof(hc.why)))
		err = -EIO;
	vm_vcpus_resume(vm);
	return err;
}

/* One step: ask for mib MiB, wait for it, check the VM, then the guest's view. */
static int step(struct vm *vm, u64 mib)
{
	char cmd[32];
	const char *line;
	u64 seen = hc.lines;
	int err = vm_hotplug_request(vm, MiB(mib));

	if (err)
		return err;
	if (!wait_plugged(vm, MiB(mib))) {
		ksnprintf(hc.why, sizeof(hc.why), "asked for %llu MiB, %llu MiB plugged after 300 s", mib,
			  READ_ONCE(vm->mem.config.plugged_size) >> 20);
		return -ETIMEDOUT;
	}
	err = check_paused(vm);
	if (err)
		return err;
	ksnprintf(cmd, sizeof(cmd), "plugged %llu\n", mib);
	linux_type_line(vm, cmd);
	line = wait_hp_line(vm, seen, STEP_TICKS);
	if (!line || !strstr(line, ": PASS")) {
		ksnprintf(hc.why, sizeof(hc.why), "the guest at %llu MiB: %s", mib,
			  line ? line : "no line in 300 s");
		return -EIO;
	}
	kprintf("linux-hotplug: %llu MiB: %u memslots, %llu EPT tables; %s\n", mib,
		__kvm_memslots(&vm->kvm, 0)->nr_slots, vm->kvm.stat.table_pages, line);
	hc.steps++;
	return 0;
}

static struct vm *hotplug_vm(struct ktest_ctx *t)
{
	struct vm_kernel_args args = { .mem_size = HP_MEM, .cmdline = HP_CMDLINE,
				       .nr_vcpus = HP_VCPUS, .hotplug_size = HP_REGION };
	struct vm *vm = vm_create("linux-hotplug");

	KT_ASSERT(t, vm, "expected a VM");
	linux_vm_load(t, vm, &args);
	KT_ASSERT(t, vm->mem_dev, "expected a virtio-mem device");
	vm->com1.tx = hotplug_tx;
	return vm;
}

/* The guest ready, the baseline taken; false with the test failed. */
static bool hotplug_start(struct ktest_ctx *t, struct vm *vm)
{
	struct frame_stats st;

	memset(&hc, 0, sizeof(hc));
	run.status = -1;
	run.ended = false;
	KT_ASSERT(t, !vm_vcpus_start(vm, linux_vm_exit, &run), "expected the vCPU threads to start");
	if (!linux_wait_line(vm, READY_LINE, START_TICKS)) {
		ktest_fail(t, "expected \"%s\" within 600 s, saw \"%s\"", READY_LINE, vm->last_line);
		return false;
	}
	vm_vcpus_pause(vm);
	hc.base_slots = __kvm_memslots(&vm->kvm, 0)->nr_slots;
	frame_get_stats(&st);
	hc.base_free = st.free_frames;
	hc.base_tables = vm->kvm.stat.table_pages;
	vm_vcpus_resume(vm);
	return true;
}

/* Stop the workers and wait for the guest's end. */
static void hotplug_end(struct vm *vm)
{
	linux_type_line(vm, "stop\n");
	while (!vm_vcpus_over(vm))
		cpu_relax();
	vm_vcpus_wait(vm);
}

/*
 * The negative control, on the same guest once the steps passed: with
 * invalidated roots left unzapped, a plug and an unplug must leave leaves
 * over the unplugged block, and check_blocks() must say so.
 */
static int negative_control(struct vm *vm)
{
	int err = step(vm, 32);

	if (err)
		return err;
	vm->kvm.debug.no_zap = true;	/* invalidated roots keep their tables */
	err = step(vm, 0);
	vm->kvm.debug.no_zap = false;
	kprintf("linux-hotplug: negative control, zapping off: %llu leaves found over unplugged "
		"blocks (%s)\n", hc.stale_leaves, err ? hc.why : "nothing found");
	return err == -EEXIST && hc.stale_leaves ? 0 : -ENOENT;
}

KTEST(test_linux_hotplug, "linux.hotplug")
{
	static const u64 steps_mib[] = { 32, 96, 0, 64, 32, 0 };
	struct frame_stats st;
	struct vm *vm;
	u64 tables;
	u32 slots;
	int err = 0, caught;

	if (!ktest_need_vmx(t))
		return;
	vm = hotplug_vm(t);
	if (!hotplug_start(t, vm))
		return;
	for (unsigned int i = 0; i < ARRAY_SIZE(steps_mib) && !err; i++)
		err = step(vm, steps_mib[i]);
	vm_vcpus_pause(vm);
	frame_get_stats(&st);
	tables = vm->kvm.stat.table_pages;
	slots = __kvm_memslots(&vm->kvm, 0)->nr_slots;
	vm_vcpus_resume(vm);
	kprintf("linux-hotplug: %llu steps; %u memslots at the start and %u at the end; free frames "
		"%llu then %llu, EPT tables %llu then %llu\n", hc.steps, hc.base_slots, slots,
		hc.base_free, st.free_frames, hc.base_tables, tables);
	caught = err ? -ENOTSUP : negative_control(vm);	/* not run */
	hotplug_end(vm);
	vm_destroy(vm);
	KT_ASSERT(t, !err, "expected every step to pass, saw %d: %s", err, hc.why);
	KT_ASSERT_EQ(t, slots, hc.base_slots);
	KT_ASSERT(t, st.free_frames + (tables - hc.base_tables) == hc.base_free,
		  "expected every frame but the new EPT tables back (%llu free at the start), saw "
		  "%llu free and %lld more tables", hc.base_free, st.free_frames,
		  (long long)(tables - hc.base_tables));
	KT_ASSERT(t, run.status == 0, "expected the guest's status 0, saw %d (last line \"%s\")",
		  run.status, hc.line);
	KT_ASSERT(t, !caught, "expected the negative control (zapping off) to leave leaves over an "
		  "unplugged block and the check to find them, saw %d (%s)", caught, hc.why);
}
