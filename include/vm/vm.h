/*
 * The VM: one object that owns everything a guest is made of, with an API
 * shaped like KVM selftests' kvm_util (create, add memory, load, run,
 * destroy).  Tests, the demo, the console and the loaders use it and
 * include/vmx/vcpu.h, never VMCS internals.
 *
 * How it maps onto KVM and its VMM (one struct here, two processes there):
 *
 *   struct vm                 KVM's struct kvm_vmx around struct kvm, plus
 *                             what QEMU's MachineState holds for the same
 *                             VM (its name, the PC devices)
 *     .kvm                    struct kvm: memslot sets, the TDP MMU's roots
 *                             and caches, the backing memory, the stats,
 *                             the vCPUs (kvm->vcpus, online_vcpus), and the
 *                             interrupt controllers (kvm->irqchip, as
 *                             kvm->arch.vpic is KVM's)
 *     .irqchip                KVM's in-kernel irqchip: the 8259A pair
 *                             (kvm->arch.vpic) and each vCPU's xAPIC
 *                             (vcpu->arch.apic), irq/
 *     .com1, .pit, .rtc       QEMU's serial, i8254 and mc146818rtc devices
 *                             (KVM's in-kernel PIT would hold the PIT),
 *                             vm/pc.c
 *     .cpuid_flags            QEMU's -cpu flags, which it gives each vCPU
 *                             with KVM_SET_CPUID2 (vcpu_set_cpuid_flags())
 *   struct vcpu               struct vcpu_vmx around struct kvm_vcpu:
 *                             registers, VMCS, requests, mode, PML log,
 *                             vcpu->apic (include/vmx/vcpu.h)
 *   struct vcpu_exit          struct kvm_run's exit part
 *
 * Everything a VM is, is reachable from its struct vm: the memslots and
 * their backing through vm->kvm, every vCPU through kvm_for_each_vcpu(),
 * every interrupt controller and device by name here.  Whatever later
 * issues add (an IOAPIC, virtio devices) goes here too, so that saving a
 * VM (live migration) can walk it.
 */
#pragma once

#include "kvm/kvm.h"
#include "irq/irq.h"
#include "devices/acpi_pm.h"
#include "devices/fw_cfg.h"
#include "devices/pit8254.h"
#include "devices/rtc_cmos.h"
#include "devices/uart16550.h"
#include "devices/pc_testdev.h"
#include "devices/virtio_blk.h"
#include "devices/virtio_mem.h"
#include "devices/virtio_rng.h"
#include "vm/ucall_abi.h"
#include "vm/virtio.h"
#include "vmx/vcpu.h"

#define VM_MAX_VCPUS KVM_MAX_VCPUS
#define VM_PML_ENTRIES 512	/* entries in a page-modification log (SDM Vol. 3C 29.3.6) */

struct vm {
	struct kvm kvm;		/* memslots, MMU, vCPUs: the KVM side (first: vm_from_kvm()) */
	const char *name;
	/* The interrupt controllers (irq/): kvm.irqchip points here. */
	struct irqchip irqchip;
	/* The PC devices (vm/pc.c), which raise lines into the irqchip. */
	struct uart16550 com1;	/* COM1 at 0x3f8, IRQ 4 */
	struct pit pit;		/* the 8254, IRQ 0 */
	struct rtc_cmos rtc;	/* the MC146818 RTC and CMOS RAM at 0x70/0x71 */
	u64 dev_tsc_base;	/* the TSC when the PIT's and the RTC's clocks started */
	struct pc_testdev *pc_testdev;	/* kvm-unit-tests' test device, or NULL (vm_pc_testdev_add()) */
	/* ACPI fixed hardware, or NULL (vm_acpi_pm_add()); its sleep is vm/sleep.c's. */
	struct acpi_pm_device *acpi_pm;
	bool sleeping;		/* in S3: vCPU 0 waits for a wake event (vm_sleep()) */
	u64 sleep_alarms;	/* the RTC's alarm interrupts when it went to sleep */
	/*
	 * A guest of the user's (console/guest_boot.c): UCALL_PORT is no test
	 * channel for it, only a port no device claims, so that it cannot end
	 * its VM with a forged "guest assertion failed".
	 */
	bool no_ucall;
	/*
	 * The CPUID features shown or hidden against slotvisor's default
	 * (slotvisor.cpuid=), given to every vCPU before it first runs
	 * (vcpu_set_cpuid_flags(); vm_load_kernel() does it for its vCPUs).
	 */
	struct vcpu_cpuid_flags cpuid_flags;
	struct fw_cfg fw_cfg;	/* QEMU's configuration ports 0x510-0x511 */
	/* The virtio-mmio devices (vm/virtio.c), described in the DSDT. */
	struct vm_virtio virtio[VM_VIRTIO_MAX];
	unsigned int nr_virtio;
	struct virtio_rng rng;	/* the entropy device's model */
	struct virtio_blk blk;	/* the disk's, over an image in the hypervisor's memory */
	struct virtio_mem mem;	/* memory hot-plug's */
	struct vm_virtio *mem_dev;	/* its window, or NULL: no hot-plug */
	/*
	 * vCPUs on CPUs of their own (vm/vcpu_threads.c): set and read by
	 * CPU 0 and the vCPUs' threads, with atomic accesses.
	 */
	bool vcpus_threaded;	/* a halted vCPU waits for others, never for its caller */
	bool vcpus_over;	/* the guest ended: every thread returns */
	bool vcpus_pause;	/* the monitor has the VM: every thread parks */
	unsigned int vcpus_parked;
	unsigned int vcpus_started;
	bool (*vcpu_exit_fn)(void *ctx, struct vcpu *v, int cmd);
	void *vcpu_exit_ctx;
	char line[160];		/* the guest's COM1 output not yet printed */
	unsigned int line_len;
	char last_line[160];	/* the last complete line the guest printed */
	u64 lines;
};

/* The VM a struct kvm belongs to (every struct kvm vm_create() makes is in one). */
static inline struct vm *vm_from_kvm(struct kvm *kvm)
{
	return container_of(kvm, struct vm, kvm);
}

/* COM1's transmitter: the guest's lines, printed as "guest: ..." (vm/run.c). */
void vm_com1_tx(void *ctx, u8 byte);

/*
 * A VM without memory or vCPUs (VMX must be on), or NULL.  The first one
 * waits for vm_vid_probe_once().
 */
struct vm *vm_create(const char *name);

/* What vm/vid_probe.c saw: its guest's two handlers' runs and its end. */
struct vm_vid_probe {
	bool vid_used;		/* the probe's vCPU had virtual-interrupt delivery */
	bool right;		/* each handler ran once and the guest ended */
	bool trusted;		/* right, with virtual-interrupt delivery */
	int cmd;		/* vm_run()'s: UCALL_DONE when the guest ended */
	u16 nmi_runs;		/* the NMI's handler: the event before (1) */
	u16 vid_runs;		/* the virtual interrupt's, whose delivery exited (1) */
	u64 ept_violations;
};

/*
 * Once, before the first VM where the CPU has virtual-interrupt delivery:
 * run the probe and tell vmx/ whether to use it (vmx_vid_set_verdict()).
 */
void vm_vid_probe_once(void);
/*
 * Run the probe's VM: as_probe, with virtual-interrupt delivery whatever
 * the verdict; else as any VM gets it (the tests).  0, or an error making it.
 */
int vm_vid_probe_run(bool as_probe, struct vm_vid_probe *p);
/*
 * How dirty logging finds the guest's writes (kvm->cpu_dirty_log_size):
 * with the CPU's page-modification log (pml), or by write protection.
 * vm_create() picks PML where the CPU has it.  -EBUSY once the VM has
 * memory or vCPUs, -ENODEV for PML on a CPU without it.
 */
int vm_set_dirty_log_pml(struct vm *vm, bool pml);

/* Destroy the vCPUs, then the VM with its memslots and backing. */
void vm_destroy(struct vm *vm);

/*
 * Back [gpa, gpa + size) with new, zeroed backing as slot `slot` with flags
 * (KVM_MEM_*); *hva (if not NULL) gets the backing's address.  Returns
 * kvm_set_memory_region()'s result or -ENOMEM.
 */
int vm_add_memory(struct vm *vm, u32 slot, u64 gpa, u64 size, u32 flags, hva_t *hva);

/* Guest RAM's slots are 0 up to this; hot-plugged blocks' start at VM_HOTPLUG_SLOT. */
#define VM_RAM_SLOT_END 16

/*
 * Guest RAM [gpa, gpa + size) as slot *slot when one free block holds it,
 * else in pieces (powers of two, each aligned to its size in guest and host
 * memory, at least 2 MiB but where the range is smaller), each a slot of
 * its own from *slot on, below slot_end; *slot ends past the last one used.
 * Says so when it took pieces; -ENOMEM when memory or the slots ran out.
 */
int vm_add_ram(struct vm *vm, u32 *slot, u32 slot_end, u64 gpa, u64 size);

/* The hypervisor address of guest-physical gpa through the memslots, or NULL. */
void *vm_gpa_to_hva(struct vm *vm, u64 gpa);

/*
 * Run vcpu, handling COM1 and UCALL_PRINT itself, for at most budget TSC
 * ticks in all (0: no limit; VCPU_EXIT_BUDGET when they ran out).  Returns the
 * ucall's command (UCALL_SYNC, UCALL_DONE, UCALL_ABORT; *uc holds it) or 0
 * when vcpu->exit holds another exit for the caller.  An ABORT prints the
 * guest's message.
 */
int vm_run(struct vcpu *vcpu, u64 budget, struct ucall *uc);

/*
 * Run every vCPU of vm on a CPU of its own, vCPU i on CPU i + 1, until the
 * guest ends (vm/vcpu_threads.c); CPU 0, the caller, keeps the console.
 * An exit vm_run() returns (cmd, vcpu->exit) goes to exit_fn on the
 * vCPU's CPU, which says false when the guest is over.  -ENODEV if the
 * machine has fewer than online_vcpus + 1 CPUs.
 */
int vm_vcpus_start(struct vm *vm, bool (*exit_fn)(void *ctx, struct vcpu *v, int cmd), void *ctx);
/* End the guest: every vCPU leaves its guest and its thread returns. */
void vm_vcpus_end(struct vm *vm);
bool vm_vcpus_over(struct vm *vm);
/* Wait for every thread to return (after vm_vcpus_end(), or the guest's own end). */
void vm_vcpus_wait(struct vm *vm);
/*
 * Pause every vCPU out of its guest with its VMCS cleared, so that CPU 0
 * may read and change it (the monitor); vm_vcpus_resume() lets them run.
 */
void vm_vcpus_pause(struct vm *vm);
void vm_vcpus_resume(struct vm *vm);
