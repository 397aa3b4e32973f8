/*
 * The monitor (vmm/monitor*.c) and the console's keys (vmm/console_input.c)
 * on the host: commands run against a VM built from the real memslot and
 * EPT code over the fake arch, with a vCPU struct that only carries
 * counters (no VMX).  What they print is captured and checked line by line.
 */
#include "memslot_test.h"
#include "capture.h"
#include "mm/kmalloc.h"
#include "console/console.h"
#include "lib/parse.h"
#include "console/monitor.h"
#include "vm/vm.h"

#define RAM_SIZE MiB(4)
#define LOG_SLOT 3
#define LOG_GPA 0x3000000ULL
#define SLOT_SIZE KiB(64)
#define OUT_SIZE 8192

static struct vm vm;
static struct vcpu vcpu;
static char out[OUT_SIZE];

/* A VM like the console demo's: RAM in slot 0, a dirty-logged slot 3, one vCPU. */
static int setup(void **state)
{
	mt_mem_init(MiB(64));
	memset(&vm, 0, sizeof(vm));
	memset(&vcpu, 0, sizeof(vcpu));
	memslot_vm_init(&vm.kvm);
	vm.name = "unit";
	vcpu.kvm = &vm.kvm;
	vm.kvm.vcpus[0] = &vcpu;
	vm.kvm.online_vcpus = 1;
	vcpu.launched = true;
	vcpu.entries = 7;
	vcpu.exit_count[EXIT_REASON_IO_INSTRUCTION] = 5;
	vcpu.exit_count[EXIT_REASON_EPT_VIOLATION] = 2;
	vcpu.io_exit_count[0x3fd] = 3;
	vcpu.io_exit_count[0x70] = 1;
	vcpu.io_exit_count[VCPU_IO_PORTS_COUNTED] = 1;	/* a port at 0x400 or above */
	vcpu.exit.reason = VCPU_EXIT_BUDGET;
	assert_int_equal(vm_add_memory(&vm, 0, 0, RAM_SIZE, 0, NULL), 0);
	assert_int_equal(vm_add_memory(&vm, LOG_SLOT, LOG_GPA, SLOT_SIZE,
				       KVM_MEM_LOG_DIRTY_PAGES, NULL), 0);
	return 0;
}

static int teardown(void **state)
{
	memslot_vm_uninit(&vm.kvm);
	return mt_teardown(state);
}

/* Run line and keep what it printed in out; the action it returned. */
static int run(const char *line)
{
	int action;

	capture_begin();
	action = monitor_exec(&vm, line);
	capture_end(out, sizeof(out));
	return action;
}

/* Fail unless out has a line starting with want. */
static void expect_line(const char *want)
{
	for (const char *p = out; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		if (!strncmp(p, want, strlen(want)))
			return;
	}
	mt_fail("expected a line starting \"%s\", saw:\n%.900s", want, out);
}

static void expect_no(const char *unwanted)
{
	if (strstr(out, unwanted))
		mt_fail("expected no \"%s\", saw:\n%.900s", unwanted, out);
}

static void numbers_take_hex_decimal_and_size_suffixes(void **state)
{
	u64 v;

	assert_int_equal(parse_size("12", &v), 0);
	assert_int_equal(v, 12);
	assert_int_equal(parse_size("0x3000000", &v), 0);
	assert_int_equal(v, 0x3000000);
	assert_int_equal(parse_size("64K", &v), 0);
	assert_int_equal(v, KiB(64));
	assert_int_equal(parse_size("0x2m", &v), 0);
	assert_int_equal(v, MiB(2));
	assert_int_equal(parse_size("1G", &v), 0);
	assert_int_equal(v, GiB(1));
	assert_int_equal(parse_size("x", &v), -EINVAL);
	assert_int_equal(parse_size("0x", &v), -EINVAL);
	assert_int_equal(parse_size("", &v), -EINVAL);
	assert_int_equal(parse_size("12Q", &v), -EINVAL);
	assert_int_equal(parse_size("4KB", &v), -EINVAL);
	assert_int_equal(parse_size("0xfffffffffffffffff", &v), -ERANGE);
	assert_int_equal(parse_size("0xffffffffffffffffK", &v), -ERANGE);
}

static void unknown_and_empty_lines_say_so_or_nothing(void **state)
{
	assert_int_equal(run("frobnicate now"), MONITOR_STAY);
	expect_line("monitor: unknown command 'frobnicate now'; 'help' lists them");
	assert_int_equal(run("info nothing"), MONITOR_STAY);
	expect_line("monitor: unknown command 'info nothing'");
	assert_int_equal(run("   "), MONITOR_STAY);
	assert_string_equal(out, "");
	assert_int_equal(run("a b c d e f g h i"), MONITOR_STAY);
	expect_line("monitor: too many words (at most 8)");
}

static void cont_and_quit_end_the_monitor(void **state)
{
	assert_int_equal(run("cont"), MONITOR_RESUME);
	assert_int_equal(run(" c "), MONITOR_RESUME);
	assert_int_equal(run("quit"), MONITOR_QUIT);
	assert_int_equal(run("q"), MONITOR_QUIT);
	assert_int_equal(run("help"), MONITOR_STAY);
	expect_line("  slot add ID GPA SIZE [ro] [log]");
}

static void info_slots_shows_each_slot_and_its_leaves(void **state)
{
	mt_fault(&vm.kvm, 0, LOG_GPA + 0x1000, true, PG_LEVEL_4K);
	mt_fault(&vm.kvm, 0, LOG_GPA + 0x2000, false, PG_LEVEL_4K);
	run("info slots");
	expect_line(" as    id  gpa range");
	expect_line("  0     0  [0x000000000-0x000400000)     4M  -");
	expect_line("  0     3  [0x003000000-0x003010000)    64K  log");
	/* Two 4K leaves in slot 3, none in slot 0. */
	assert_non_null(strstr(out, "      2    0    0\n"));
	assert_non_null(strstr(out, "      0    0    0\n"));
}

static void slot_add_move_delete_change_the_running_vm(void **state)
{
	struct kvm_memslots *slots = __kvm_memslots(&vm.kvm, 0);

	run("slot add 4 0x4000000 128K ro log");
	expect_line("slot add: done");
	assert_non_null(id_to_memslot(slots, 4));
	run("info slots");
	expect_line("  0     4  [0x004000000-0x004020000)   128K  ro,log");
	run("slot move 4 0x5000000");
	expect_line("slot move: done");
	slots = __kvm_memslots(&vm.kvm, 0);
	assert_int_equal(id_to_memslot(slots, 4)->base_gfn, 0x5000);
	run("slot delete 4");
	expect_line("slot delete: done");
	assert_null(id_to_memslot(__kvm_memslots(&vm.kvm, 0), 4));
	run("info slots");
	expect_no("  0     4  [");
	mt_audit(&vm.kvm);
}

static void bad_slot_requests_name_the_error(void **state)
{
	run("slot add 5 0x6000000 x");
	expect_line("monitor: slot add: bad size 'x'");
	run("slot add 5 zz 64K");
	expect_line("monitor: slot add: bad address 'zz'");
	run("slot add 5 0x6000000 64K rw");
	expect_line("monitor: slot add: bad flag 'rw' (ro or log)");
	run("slot add 5 0x6000000");
	expect_line("monitor: slot add: expected ID GPA SIZE [ro] [log]");
	run("slot add 5 0x3008000 64K");
	expect_line("monitor: slot add: vm_add_memory failed: -EEXIST");
	run("slot add 5 0x6000000 6K");
	expect_line("monitor: slot add: vm_add_memory failed: -EINVAL");
	run("slot add 32767 0x6000000 64K");
	expect_line("monitor: slot add: vm_add_memory failed: -EINVAL");
	run("slot move 9 0x6000000");
	expect_line("monitor: slot move: no slot 9");
	run("slot move 3 0x1001");
	expect_line("monitor: slot move: kvm_set_memory_region failed: -EINVAL");
	run("slot delete 9");
	expect_line("monitor: slot delete: no slot 9");
	run("slot dirty 0");
	expect_line("monitor: slot dirty: kvm_get_dirty_log failed: -ENOENT");
	run("slot dirty 3 maybe");
	expect_line("monitor: slot dirty: bad argument 'maybe' (on, off or show)");
}

static void slot_dirty_prints_the_log_and_toggles_logging(void **state)
{
	mt_fault(&vm.kvm, 0, LOG_GPA + 0x1000, true, PG_LEVEL_4K);
	mt_fault(&vm.kvm, 0, LOG_GPA + 0x2000, true, PG_LEVEL_4K);
	mt_fault(&vm.kvm, 0, LOG_GPA + 0x3000, true, PG_LEVEL_4K);
	mt_fault(&vm.kvm, 0, LOG_GPA + 0x5000, true, PG_LEVEL_4K);
	run("slot dirty 3");
	expect_line("slot 3: 4 of 16 pages dirty: 1-3 5");
	run("slot dirty 3 show");
	expect_line("slot 3: 0 of 16 pages dirty:");
	run("slot dirty 3 off");
	expect_line("slot dirty: done");
	assert_false(id_to_memslot(__kvm_memslots(&vm.kvm, 0), 3)->flags & KVM_MEM_LOG_DIRTY_PAGES);
	run("slot dirty 0 on");
	expect_line("slot dirty: done");
	run("info slots");
	expect_line("  0     0  [0x000000000-0x000400000)     4M  log");
	expect_line("  0     3  [0x003000000-0x003010000)    64K  -");
	mt_audit(&vm.kvm);
}

static void info_ept_summarizes_roots_and_walks_one_gpa(void **state)
{
	run("info ept");
	expect_line("ept: 0 table pages, 0 roots made;");
	mt_fault(&vm.kvm, 0, LOG_GPA + 0x1000, true, PG_LEVEL_4K);
	run("info ept");
	expect_line("ept: root 0x");
	assert_non_null(strstr(out, " as 0 refcount 1 current: 1 x 4K, 0 x 2M, 0 x 1G leaves in 4 tables"));
	run("info ept 0x3001000");
	expect_line("ept: walk of gpa 0x3001000 in as 0 from root 0x");
	expect_line("ept:   PML4E[  0] 0x");
	expect_line("ept:   PDPTE[  0] 0x");
	expect_line("ept:   PDE  [ 24] 0x");
	expect_line("ept:   PTE  [  1] 0x");
	assert_non_null(strstr(out, "  4K page at 0x"));
	expect_line("ept: gpa 0x3001000 -> hpa 0x");
	assert_non_null(strstr(out, " (4K leaf, writable)"));
	run("info ept 0x3002000");
	assert_non_null(strstr(out, "PTE  [  2] 0x0000000000000000  not present"));
	expect_line("ept: gpa 0x3002000 is not mapped (its next access faults)");
	run("info ept 0x1000000000000");
	expect_line("monitor: info ept: bad address '0x1000000000000'");
}

static void info_vcpus_and_stats_show_the_counters(void **state)
{
	run("info vcpus");
	expect_line("vcpu 0: paused (the monitor has the console); 7 entries, 7 exits "
		    "(0 handled in vmx/), 0 kicks; last exit to the VMM: budget spent");
	expect_line("  IO_INSTRUCTION       5");
	expect_line("  EPT_VIOLATION        2");
	expect_no("CPUID");
	/* The histogram of all vCPUs: reasons in their order, ports busiest first. */
	expect_line("vcpus: 7 exits on 1 vCPU(s): IO_INSTRUCTION 5 EPT_VIOLATION 2");
	expect_line("vcpus: I/O exits by port: 0x3fd 3 0x70 1 >=0x400 1");
	run("stats");
	expect_line("stats: vm unit: 2 slots in as 0, 0 in as 1, 1040 pages; generation ");
	expect_line("stats: ept: 0 table pages; leaves 0 x 4K, 0 x 2M, 0 x 1G");
	expect_line("stats: vcpus: 1, 7 entries, 7 exits, 0 kicks");
	expect_line("stats: guest: 0 MSR accesses refused (#GP), 0 MMIO accesses to nothing");
	expect_line("stats: host frames: ");
	/* A guest's refusals past the first few are counted, not printed. */
	for (unsigned int i = 0; i < VCPU_REPORTS_PRINTED + 3; i++) {
		bool last, print = vcpu_report(&vcpu.msr_refused, &last);

		assert_int_equal(print, i < VCPU_REPORTS_PRINTED);
		assert_int_equal(last, i == VCPU_REPORTS_PRINTED - 1);
	}
	vcpu.mmio_unbacked = 2;
	run("stats");
	expect_line("stats: guest: 11 MSR accesses refused (#GP), 2 MMIO accesses to nothing");
	/* arch/fake's one CPU: 500 of 1000 ticks in the guest, 250 halted. */
	run("info cpus");
	expect_line("cpu 0 (APIC 0): guest  50.0% hypervisor  25.0% halted  25.0% of 1000 ticks");
	expect_no("cpu 1");
}

/* Feed a string to the line editor; the last action. */
static int type(struct monitor_line *l, const char *s)
{
	int action = MONITOR_STAY;

	capture_begin();
	for (; *s; s++)
		action = monitor_line_input(l, &vm, (u8)*s);
	capture_end(out, sizeof(out));
	return action;
}

static void the_line_editor_echoes_erases_and_runs_on_enter(void **state)
{
	struct monitor_line l = { 0 };

	assert_int_equal(type(&l, "stat\x7fts"), MONITOR_STAY);
	assert_string_equal(out, "stat\b \bts");
	assert_int_equal(type(&l, "\r"), MONITOR_STAY);
	expect_line("stats: vm unit:");
	assert_non_null(strstr(out, MONITOR_PROMPT));
	assert_int_equal(type(&l, "\x08\x08\x01q\n"), MONITOR_QUIT);
	assert_string_equal(out, "q\n");
}

/* Feed bytes to the console; the bytes it handed to the guest, in guest. */
static int keys(struct console *con, const char *s, char *guest)
{
	int action = CONSOLE_NONE;
	u8 b;

	capture_begin();
	for (; *s; s++) {
		action = console_input(con, (u8)*s, &b);
		if (action == CONSOLE_TO_GUEST)
			*guest++ = (char)b;
		if (action == CONSOLE_QUIT)
			break;
	}
	*guest = '\0';
	capture_end(out, sizeof(out));
	return action;
}

static void ctrl_a_c_switches_between_guest_and_monitor(void **state)
{
	struct console con = { .vm = &vm };
	char guest[64];

	keys(&con, "ls\r", guest);
	assert_string_equal(guest, "ls\r");
	assert_false(con.in_monitor);
	keys(&con, "a\x01\x01" "b\x01zc", guest);
	assert_string_equal(guest, "a\x01" "bc");	/* Ctrl-A Ctrl-A: one Ctrl-A; Ctrl-A z: nothing */
	keys(&con, "\x01" "cstats\r", guest);
	assert_true(con.in_monitor);
	assert_string_equal(guest, "");
	expect_line("monitor: the guest is paused");
	expect_line("stats: vm unit:");
	keys(&con, "cont\r", guest);
	assert_false(con.in_monitor);
	expect_line("monitor: the guest runs again");
	keys(&con, "\x01" "c\x01" "c", guest);
	assert_false(con.in_monitor);
	assert_int_equal(keys(&con, "\x01" "cquit\r", guest), CONSOLE_QUIT);
	assert_int_equal(keys(&con, "\x01x", guest), CONSOLE_QUIT);
	keys(&con, "\x01h", guest);
	expect_line("console: Ctrl-A c  monitor <-> guest");
}

static void hot_plug_commands_without_a_region_say_so(void **state)
{
	run("hotplug 128M");
	expect_line("hotplug: this VM has no hot-plug region (make run HOTPLUG=SIZE)");
	run("info mem");
	expect_line("mem: 4 MiB of RAM in memslots; the frame allocator has ");
	expect_line("mem: no hot-plug region");
	run("info virtio");
	expect_line("virtio: no devices");
}

/*
 * A virtio-mem region of 256 MiB at 4 GiB: the monitor's request, the
 * region's state, and two blocks plugged and unplugged through the VM's
 * hooks (what the device calls for the guest's PLUG and UNPLUG), each a
 * memslot of its own that `info slots` lists and `info mem` names.
 */
static void hotplug_asks_and_info_mem_shows_the_blocks(void **state)
{
	const u64 base = GiB(4), bs = VM_HOTPLUG_BLOCK_SIZE;

	irqchip_init(&vm.irqchip, &vm.kvm);
	vm.kvm.irqchip = &vm.irqchip;
	assert_int_equal(vm_virtio_add_mem(&vm, RAM_SIZE, MiB(256)), 0);
	run("hotplug 64M");
	expect_line("hotplug: asked the guest for 64 MiB (0 MiB plugged now)");
	run("hotplug 3M");
	expect_line("hotplug: 3M is not a multiple of 2048 KiB up to the region's 256 MiB");
	run("hotplug 512M");
	expect_line("hotplug: 512M is not a multiple");
	run("hotplug");
	expect_line("usage: hotplug SIZE");
	assert_int_equal(vm.mem.config.requested_size, MiB(64));
	/* No driver yet: the configuration changed, no interrupt (DRIVER_OK is not set). */
	assert_int_not_equal(vm.mem_dev->mmio.config_generation, 0);
	assert_false(virtio_mmio_irq_level(&vm.mem_dev->mmio));
	/* The guest plugs blocks 0 and 1, as the device would on its PLUG request. */
	for (u64 i = 0; i < 2; i++)
		assert_int_equal(vm.mem.hooks.plug(vm.mem.hooks.ctx, base + i * bs, bs), 0);
	vm.mem.plugged[0] = 3;
	vm.mem.config.plugged_size = 2 * bs;
	run("info mem");
	expect_line("hot-plug: region [0x100000000-0x110000000), 256 MiB in 128 blocks of 2048 KiB; "
		    "requested 64 MiB, plugged 4 MiB, usable 256 MiB");
	expect_line("  plugged blocks: 0-1 (slots 16-17)");
	expect_line("mem: 4 MiB of RAM in memslots");
	run("info slots");
	expect_line("  0    16  [0x100000000-0x100200000)     2M");
	expect_line("  0    17  [0x100200000-0x100400000)     2M");
	run("info virtio");
	expect_line("virtio-mem: mmio 0xd0000000, GSI 16, status 0x0");
	expect_line("    queue 0: size 0, not ready");
	/* Unplugged again: the slots go. */
	for (u64 i = 0; i < 2; i++)
		assert_int_equal(vm.mem.hooks.unplug(vm.mem.hooks.ctx, base + i * bs, bs), 0);
	assert_int_equal(vm.mem.hooks.unplug(vm.mem.hooks.ctx, base, bs), -ENOENT);
	run("info slots");
	expect_no("[0x100000000-");
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(numbers_take_hex_decimal_and_size_suffixes),
		T(unknown_and_empty_lines_say_so_or_nothing),
		T(cont_and_quit_end_the_monitor),
		T(info_slots_shows_each_slot_and_its_leaves),
		T(slot_add_move_delete_change_the_running_vm),
		T(bad_slot_requests_name_the_error),
		T(slot_dirty_prints_the_log_and_toggles_logging),
		T(info_ept_summarizes_roots_and_walks_one_gpa),
		T(info_vcpus_and_stats_show_the_counters),
		T(the_line_editor_echoes_erases_and_runs_on_enter),
		T(ctrl_a_c_switches_between_guest_and_monitor),
		T(hot_plug_commands_without_a_region_say_so),
		T(hotplug_asks_and_info_mem_shows_the_blocks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
