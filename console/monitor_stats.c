/*
 * The monitor's counters: info vcpus (state, exits by reason), info cpus
 * (how each CPU's time divides between guest, hypervisor and halted) and
 * stats.
 */
#include "arch/x86/lapic.h"
#include "lib/printf.h"
#include "memslot/memslot.h"
#include "mm/frame.h"
#include "console/monitor.h"
#include "vm/vm.h"

static const char *const vcpu_exit_names[] = {
	[VCPU_EXIT_NONE] = "none", [VCPU_EXIT_MMIO] = "MMIO", [VCPU_EXIT_IO] = "I/O",
	[VCPU_EXIT_HLT] = "HLT", [VCPU_EXIT_SHUTDOWN] = "shutdown",
	[VCPU_EXIT_FAIL_ENTRY] = "failed entry", [VCPU_EXIT_INTERNAL_ERROR] = "internal error",
	[VCPU_EXIT_BUDGET] = "budget spent", [VCPU_EXIT_STOPPED] = "stopped",
	[VCPU_EXIT_IRQ_WINDOW_OPEN] = "interrupt window", [VCPU_EXIT_INTR] = "console input",
};

static const char *vcpu_state(const struct vcpu *v)
{
	if (v->dead)
		return "dead (the VM is over)";
	if (!v->launched)
		return "not started";
	return "paused (the monitor has the console)";
}

static u64 vcpu_exits(const struct vcpu *v)
{
	u64 n = 0;

	for (u32 r = 0; r < EXIT_REASON_MAX; r++)
		n += v->exit_count[r];
	return n;
}

static void show_vcpu(const struct vcpu *v)
{
	const char *last = v->exit.reason < ARRAY_SIZE(vcpu_exit_names) ?
			   vcpu_exit_names[v->exit.reason] : "?";

	kprintf("vcpu %u: %s; %llu entries, %llu exits (%llu handled in vmx/), %llu kicks; "
		"last exit to the VMM: %s\n", v->id, vcpu_state(v), v->entries, vcpu_exits(v),
		v->handled_exits, v->kicks_sent, last);
	for (u32 r = 0; r < EXIT_REASON_MAX; r++) {
		if (v->exit_count[r])
			kprintf("  %-20s %llu\n", exit_reason_name(r), v->exit_count[r]);
	}
}

#define HISTOGRAM_PORTS 12	/* the busiest ports printed */

/* The busiest port not printed yet (done marks those that were), or -1 for none left. */
static int busiest_port(const u64 *count, const bool *done)
{
	int best = -1;

	for (int p = 0; p <= VCPU_IO_PORTS_COUNTED; p++)
		if (count[p] && !done[p] && (best < 0 || count[p] > count[best]))
			best = p;
	return best;
}

static void print_ports(const u64 *count, const char *tag)
{
	static bool done[VCPU_IO_PORTS_COUNTED + 1];	/* the console's CPU alone prints */

	for (int p = 0; p <= VCPU_IO_PORTS_COUNTED; p++)
		done[p] = false;
	kprintf("%s: I/O exits by port:", tag);
	for (int i = 0; i < HISTOGRAM_PORTS; i++) {
		int p = busiest_port(count, done);

		if (p < 0)
			break;
		done[p] = true;
		if (p == VCPU_IO_PORTS_COUNTED)
			kprintf(" >=%#x %llu", p, count[p]);
		else
			kprintf(" %#x %llu", p, count[p]);
	}
	kprintf("\n");
}

void monitor_exit_histogram(struct vm *vm, const char *tag)
{
	static u64 ports[VCPU_IO_PORTS_COUNTED + 1];
	u64 reasons[EXIT_REASON_MAX] = { 0 }, all = 0;

	for (int p = 0; p <= VCPU_IO_PORTS_COUNTED; p++)
		ports[p] = 0;
	for (unsigned int i = 0; i < vm->kvm.online_vcpus; i++) {
		const struct vcpu *v = vm->kvm.vcpus[i];

		for (u32 r = 0; r < EXIT_REASON_MAX; r++)
			reasons[r] += v->exit_count[r];
		for (int p = 0; p <= VCPU_IO_PORTS_COUNTED; p++)
			ports[p] += v->io_exit_count[p];
		all += vcpu_exits(v);
	}
	kprintf("%s: %llu exits on %u vCPU(s):", tag, all, vm->kvm.online_vcpus);
	for (u32 r = 0; r < EXIT_REASON_MAX; r++)
		if (reasons[r])
			kprintf(" %s %llu", exit_reason_name(r), reasons[r]);
	kprintf("\n");
	print_ports(ports, tag);
}

int monitor_info_vcpus(struct vm *vm, int argc, char **argv)
{
	if (!vm->kvm.online_vcpus)
		kprintf("vcpus: none\n");
	for (unsigned int i = 0; i < vm->kvm.online_vcpus; i++)
		show_vcpu(vm->kvm.vcpus[i]);
	if (vm->kvm.online_vcpus)
		monitor_exit_histogram(vm, "vcpus");
	return MONITOR_STAY;
}

/* Per mille of part in all, 0 when all is. */
static unsigned int permille(u64 part, u64 all)
{
	return all ? (unsigned int)((unsigned __int128)part * 1000 / all) : 0;
}

static void show_share(const char *what, u64 part, u64 all)
{
	unsigned int pm = permille(part, all);

	kprintf(" %s %3u.%u%%", what, pm / 10, pm % 10);
}

int monitor_info_cpus(struct vm *vm, int argc, char **argv)
{
	struct cpu_times t;

	for (unsigned int cpu = 0; cpu_times_get(cpu, &t); cpu++) {
		u64 busy = t.total > t.guest + t.halted ? t.total - t.guest - t.halted : 0;

		kprintf("cpu %u (APIC %u):", cpu, t.apic_id);
		show_share("guest", t.guest, t.total);
		show_share("hypervisor", busy, t.total);
		show_share("halted", t.halted, t.total);
		kprintf(" of %llu ticks\n", t.total);
	}
	return MONITOR_STAY;
}

int monitor_stats(struct vm *vm, int argc, char **argv)
{
	struct kvm *kvm = &vm->kvm;
	const struct kvm_stat *st = &kvm->stat;
	struct frame_stats fs;
	u64 entries = 0, exits = 0, kicks = 0, msrs = 0, mmio = 0;

	for (unsigned int i = 0; i < vm->kvm.online_vcpus; i++) {
		entries += vm->kvm.vcpus[i]->entries;
		exits += vcpu_exits(vm->kvm.vcpus[i]);
		kicks += vm->kvm.vcpus[i]->kicks_sent;
		msrs += vm->kvm.vcpus[i]->msr_refused;
		mmio += vm->kvm.vcpus[i]->mmio_unbacked;
	}
	frame_get_stats(&fs);
	kprintf("stats: vm %s: %u slots in as 0, %u in as 1, %llu pages; generation %llu\n",
		vm->name, __kvm_memslots(kvm, 0)->nr_slots, __kvm_memslots(kvm, 1)->nr_slots,
		kvm->nr_memslot_pages, __kvm_memslots(kvm, 0)->generation);
	kprintf("stats: ept: %llu table pages; leaves %llu x 4K, %llu x 2M, %llu x 1G\n",
		st->table_pages, st->leaves[0], st->leaves[1], st->leaves[2]);
	kprintf("stats: flushes: %llu INVEPTs, %llu flush rounds, %llu reload rounds, "
		"%llu roots made, %llu PML entries\n", st->invept, st->remote_tlb_flush,
		st->mmu_reload, st->roots_allocated, st->pml_entries);
	kprintf("stats: vcpus: %u, %llu entries, %llu exits, %llu kicks\n", vm->kvm.online_vcpus,
		entries, exits, kicks);
	kprintf("stats: guest: %llu MSR accesses refused (#GP), %llu MMIO accesses to nothing\n",
		msrs, mmio);
	kprintf("stats: host frames: %llu free, %llu used of %llu\n", fs.free_frames,
		fs.used_frames, fs.total_frames);
	return MONITOR_STAY;
}
