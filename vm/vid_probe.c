/*
 * Can this CPU's virtual-interrupt delivery be trusted?  Asked once,
 * before the first VM is made (vm_create()), by running a VM of a few
 * real-mode instructions where the CPU has the controls.
 *
 * A VM exit in the middle of delivering a virtual interrupt (an EPT
 * violation on the guest's stack, say) must say so in the IDT-vectoring
 * information: an external interrupt with that vector, which the VMM
 * delivers again at the next entry (SDM Vol. 3C 29.2.2: the delivery is
 * an external interrupt's; 28.2.4; vmx/exit.c requeue_vectored_event()).
 * By then the CPU has already moved the vector from the virtual-APIC
 * page's IRR to its ISR, so nothing else would deliver it.  Bochs 2.7
 * (and its later releases) records IDT-vectoring information only for
 * events it sees through its VMexit_Event() hook, which its virtual-
 * interrupt delivery bypasses: the exit reports whatever event the CPU
 * delivered before, often a guest page fault long handled.  The VMM
 * delivers that again, and the interrupt is lost: SMP Linux under dirty
 * logging or memory hot-plug (every first write to a stack page exits)
 * died of page faults at addresses it had faulted on minutes before.
 *
 * The probe: the guest sends itself an NMI through its ICR, which the VMM
 * injects (the CPU's last event recorded), moves its stack to a page it
 * never touched (not yet mapped in the EPT), sends itself vector 0x50
 * with interrupts off and opens them with STI; NOP.  The delivery's first
 * push exits.  A CPU that delivers right runs each handler once; Bochs
 * runs the NMI's again and never the interrupt's.  Anything but one of
 * each turns virtual-interrupt delivery off for every VM
 * (vmx/apic_access.c); the xAPIC then works as on a CPU without it.  (An
 * NMI, not an INT n, is the event before: a stale software interrupt comes
 * back with instruction length 0, which VM entry refuses on CPUs without
 * IA32_VMX_MISC bit 30, Bochs' Haswell.)
 */
#include "arch/x86/cpu.h"
#include "arch/x86/percpu.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "vm/pc.h"
#include "vm/vm.h"
#include "vm/ucall_abi.h"
#include "vmx/segment_ar.h"
#include "vmx/vmx_bits.h"

#define PROBE_MEM_SIZE 0x10000ULL	/* 64 KiB at gpa 0: less than a large page, mapped 4 KiB at a time */
#define PROBE_CODE_GPA 0x1000
#define PROBE_STACK_TOP 0x3000		/* the NMI's stack */
#define PROBE_FRESH_STACK_TOP 0x5000	/* the interrupt's: page 0x4000, untouched */
#define PROBE_NMI_VECTOR 2		/* the NMI's entry in the real-mode IVT */
#define PROBE_VID_VECTOR 0x50
#define PROBE_NMI_HANDLER 0x1100
#define PROBE_VID_HANDLER 0x1200
#define PROBE_NMI_COUNT 0x600		/* u16: NMI handler runs */
#define PROBE_VID_COUNT 0x602		/* u16: vector 0x50 handler runs */
#define PROBE_UCALL_GPA 0x700
#define PROBE_BUDGET 500000000ULL	/* TSC ticks: a probe that never ends is a broken one */
#define REAL_MODE_IVT_ENTRY 4		/* bytes: offset, then segment (0 here) */
#define FLAT_4G_LIMIT 0xffffffffu

/* Real-mode code (DS with a 4 GiB limit reaches the xAPIC with 32-bit addresses). */
static const u8 probe_code[] = {
	0x66, 0x67, 0xc7, 0x05, 0xf0, 0x00, 0xe0, 0xfe,	/* mov dword [0xfee000f0], */
	0xff, 0x01, 0x00, 0x00,				/*   0x1ff: SVR, APIC enabled */
	0x66, 0x67, 0xc7, 0x05, 0x00, 0x03, 0xe0, 0xfe,	/* mov dword [0xfee00300], */
	0x00, 0x04, 0x04, 0x00,				/*   0x40400: ICR, self, NMI */
	0xbc, 0x00, 0x50,				/* mov sp, 0x5000 */
	0x66, 0x67, 0xc7, 0x05, 0x00, 0x03, 0xe0, 0xfe,	/* mov dword [0xfee00300], */
	PROBE_VID_VECTOR, 0x00, 0x04, 0x00,		/*   0x40050: ICR, self, fixed */
	0xfb,						/* sti */
	0x90,						/* nop: the interrupt comes after it */
	0xfa,						/* cli */
	0x66, 0xbf, 0x00, 0x07, 0x00, 0x00,		/* mov edi, 0x700: the ucall */
	0xba, 0x00, 0x10,				/* mov dx, 0x1000 */
	0x66, 0xef,					/* out dx, eax */
	0xf4,						/* 1: hlt */
	0xeb, 0xfd,					/* jmp 1b */
};

static const u8 probe_nmi_handler[] = {
	0xff, 0x06, 0x00, 0x06,				/* inc word [0x600] */
	0xcf,						/* iret */
};

static const u8 probe_vid_handler[] = {
	0xff, 0x06, 0x02, 0x06,				/* inc word [0x602] */
	0xcf,						/* iret */
};

_Static_assert(PROBE_NMI_COUNT == 0x600 && PROBE_VID_COUNT == 0x602 && PROBE_UCALL_GPA == 0x700 &&
	       PROBE_FRESH_STACK_TOP == 0x5000, "the probe's code names these addresses");

static void probe_load(u8 *ram)
{
	struct ucall *uc = (struct ucall *)(ram + PROBE_UCALL_GPA);
	u16 *ivt = (u16 *)ram;

	memcpy(ram + PROBE_CODE_GPA, probe_code, sizeof(probe_code));
	memcpy(ram + PROBE_NMI_HANDLER, probe_nmi_handler, sizeof(probe_nmi_handler));
	memcpy(ram + PROBE_VID_HANDLER, probe_vid_handler, sizeof(probe_vid_handler));
	ivt[PROBE_NMI_VECTOR * REAL_MODE_IVT_ENTRY / sizeof(u16)] = PROBE_NMI_HANDLER;
	ivt[PROBE_VID_VECTOR * REAL_MODE_IVT_ENTRY / sizeof(u16)] = PROBE_VID_HANDLER;
	uc->cmd = UCALL_DONE;
}

/* From the reset state: CS:IP 0000:1000, SP 0x3000, DS flat to 4 GiB ("unreal" mode). */
static void probe_vcpu_setup(struct vcpu *v)
{
	struct vcpu_sregs s;
	struct vcpu_regs r;

	vcpu_get_sregs(v, &s);
	s.cs.selector = 0;
	s.cs.base = 0;
	s.ds.limit = FLAT_4G_LIMIT;
	s.ds.ar |= VMX_AR_G;	/* a limit above 1 MiB counts pages (SDM Vol. 3C 27.3.1.2) */
	vcpu_set_sregs(v, &s);
	vcpu_get_regs(v, &r);
	r.rip = PROBE_CODE_GPA;
	r.rsp = PROBE_STACK_TOP;
	vcpu_set_regs(v, &r);
}

static int probe_vm(struct vm *vm, bool as_probe, struct vm_vid_probe *p)
{
	struct ucall uc;
	struct vcpu *v;
	hva_t hva;
	int err;

	err = vm_add_memory(vm, 0, 0, PROBE_MEM_SIZE, 0, &hva);
	err = err ?: vcpu_create(&vm->kvm, 0, &v);
	if (err)
		return err;
	probe_load((u8 *)hva);
	probe_vcpu_setup(v);
	v->apicv_vid_probe = as_probe;
	vm_lapic_enable(vm, v);
	p->vid_used = v->apicv_vid;
	p->cmd = vm_run(v, PROBE_BUDGET, &uc);
	p->nmi_runs = *(const u16 *)(hva + PROBE_NMI_COUNT);
	p->vid_runs = *(const u16 *)(hva + PROBE_VID_COUNT);
	p->ept_violations = v->exit_count[EXIT_REASON_EPT_VIOLATION];
	return 0;
}

int vm_vid_probe_run(bool as_probe, struct vm_vid_probe *p)
{
	struct vm *vm = vm_create("vid-probe");
	int err;

	memset(p, 0, sizeof(*p));
	if (!vm)
		return -ENOMEM;
	err = probe_vm(vm, as_probe, p);
	vm_destroy(vm);
	p->right = !err && p->cmd == UCALL_DONE && p->nmi_runs == 1 && p->vid_runs == 1;
	p->trusted = p->right && p->vid_used;
	return err;
}

enum { PROBE_NONE, PROBE_RUNNING, PROBE_DONE };
static int probe_state = PROBE_NONE;
static int probe_cpu = -1;

static void probe_and_decide(void)
{
	struct vm_vid_probe p;
	int err = vm_vid_probe_run(true, &p);

	vmx_vid_set_verdict(p.trusted ? VMX_VID_TRUSTED : VMX_VID_BROKEN);
	if (p.trusted) {
		kprintf("vmx: virtual-interrupt delivery on (an exit while delivering re-delivers)\n");
		return;
	}
	kprintf("vmx: virtual-interrupt delivery off: an exit while delivering one lost it "
		"(probe: %d, ucall %d, its handler ran %u times, the NMI before it %u times; "
		"docs/vmx.md)\n", err, p.cmd, p.vid_runs, p.nmi_runs);
}

void vm_vid_probe_once(void)
{
	int none = PROBE_NONE;

	if (__atomic_load_n(&probe_state, __ATOMIC_ACQUIRE) == PROBE_DONE || !vmx_vid_supported())
		return;
	if (__atomic_compare_exchange_n(&probe_state, &none, PROBE_RUNNING, false,
					__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		__atomic_store_n(&probe_cpu, (int)this_cpu()->id, __ATOMIC_RELEASE);
		probe_and_decide();
		__atomic_store_n(&probe_state, PROBE_DONE, __ATOMIC_RELEASE);
		return;
	}
	/* The probe's own VM is made on the probing CPU: it goes ahead. */
	if (__atomic_load_n(&probe_cpu, __ATOMIC_ACQUIRE) == (int)this_cpu()->id)
		return;
	while (__atomic_load_n(&probe_state, __ATOMIC_ACQUIRE) != PROBE_DONE)
		cpu_relax();
}
