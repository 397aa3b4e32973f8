/*
 * The monitor (console/monitor*.c) and the console's keys
 * (console/console_input.c), as the user types them: the input is bytes
 * typed on the console with the monitor open, against a fresh VM each run
 * built as tests/unit/test_monitor.c builds it (RAM in slot 0, a
 * dirty-logged slot 3, a virtio-mem hot-plug region, one vCPU), from the
 * real memslot and EPT code over the fake arch.  After every line the MMU
 * audit must pass, and tearing the VM down must give back every frame.
 */
#include "console/console.h"
#include "console/monitor.h"
#include "ept/walk.h"
#include "fake.h"
#include "fake_alloc.h"
#include "irq/irq.h"
#include "kvm/kvm.h"
#include "mm/frame.h"
#include "mm/memmap.h"
#include "vm/virtio.h"
#include "vm/vm.h"
#include "fuzz.h"

#define ARENA_SIZE MiB(16)
#define RAM_SIZE MiB(4)
#define LOG_SLOT 3
#define LOG_GPA 0x3000000ULL
#define LOG_SIZE KiB(64)
#define HOTPLUG_SIZE MiB(256)
#define WHY_LEN 512

static struct vm vm;
static struct vcpu vcpu;

static void vm_build(struct frame_stats *initial)
{
	struct memmap m = { 0 };

	static void *arena;

	fake_alloc_disarm();
	if (!arena)	/* mapped once: a fresh mapping each run costs more than the run */
		arena = fake_mem_init(ARENA_SIZE);
	memmap_add(&m, FAKE_PHYS_BASE, FAKE_PHYS_BASE + ARENA_SIZE);
	FUZZ_CHECK(!frame_init(&m), "frame_init");
	frame_get_stats(initial);
	memset(&vm, 0, sizeof(vm));
	memset(&vcpu, 0, sizeof(vcpu));
	memslot_vm_init(&vm.kvm);
	vm.name = "fuzz";
	vcpu.kvm = &vm.kvm;
	vm.kvm.vcpus[0] = &vcpu;
	vm.kvm.online_vcpus = 1;
	vcpu.launched = true;
	FUZZ_CHECK(!vm_add_memory(&vm, 0, 0, RAM_SIZE, 0, NULL), "RAM slot");
	FUZZ_CHECK(!vm_add_memory(&vm, LOG_SLOT, LOG_GPA, LOG_SIZE, KVM_MEM_LOG_DIRTY_PAGES, NULL),
		   "dirty-logged slot");
	irqchip_init(&vm.irqchip, &vm.kvm);
	vm.kvm.irqchip = &vm.irqchip;
	FUZZ_CHECK(!vm_virtio_add_mem(&vm, RAM_SIZE, HOTPLUG_SIZE), "hot-plug region");
}

static void audit(void)
{
	char why[WHY_LEN];

	FUZZ_CHECK(!ept_audit(&vm.kvm, why, sizeof(why)), "MMU audit: %s", why);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct console con = { .vm = &vm };
	struct frame_stats initial, now;
	u8 to_guest;

	vm_build(&initial);
	console_enter_monitor(&con);
	for (size_t i = 0; i < size; i++) {
		int action = console_input(&con, data[i], &to_guest);

		FUZZ_CHECK(action == CONSOLE_NONE || action == CONSOLE_TO_GUEST ||
			   action == CONSOLE_QUIT, "console action %d", action);
		if (action == CONSOLE_QUIT)
			break;
		if (data[i] == '\r' || data[i] == '\n')
			audit();
	}
	audit();
	memslot_vm_uninit(&vm.kvm);
	frame_get_stats(&now);
	FUZZ_CHECK(now.used_frames == initial.used_frames,
		   "%llu frames still used after the VM's teardown, %llu before it was built",
		   (unsigned long long)now.used_frames, (unsigned long long)initial.used_frames);
	return 0;
}
