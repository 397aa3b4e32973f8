/*
 * ACPI sleeping states (ACPI 6.5 7.4.2, chapter 16): the guest writes
 * SLP_TYP with SLP_EN to PM1a_CNT (devices/acpi_pm.c) and the VMM acts on
 * it before vCPU 0's next entry.
 *
 * S3 (suspend to RAM): the vCPU stops and the guest's RAM is kept as it
 * is.  The only wake event this machine has is the RTC alarm: an alarm
 * interrupt (AF with AIE) while PM1_EN's RTC_EN is set (4.8.2.1.1).  Its
 * clock is the TSC, so the sleep is a halt until the RTC's next update,
 * again and again, until an alarm interrupt comes.  Then, as firmware does
 * after S3 (16.3.2): WAK_STS and RTC_STS are set, the CPU is INIT-reset
 * (its xAPIC too) and runs in real mode at the FACS's
 * Firmware_Waking_Vector, CS = vector >> 4, IP = vector & 0xf.
 *
 * A sleep that could never end is not waited for: S3 with RTC_EN clear,
 * or with no alarm interrupt that could come (AIE clear, the RTC's divider
 * stopped or SET), ends the VM with a message saying so; so do S5 (the
 * guest powered off), a SLP_TYP no \_Sx package gives, and a waking
 * vector this firmware cannot take.  S3 is for a VM of one vCPU here: with
 * more, the VM ends naming it (the APs would have to be taken out of their
 * guests and back to wait-for-SIPI; not done yet).
 */
#include "arch/acpi.h"
#include "arch/x86/cpu.h"
#include "devices/acpi_build.h"
#include "irq/irq.h"
#include "kvm/requests.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "vm/pc.h"
#include "vm/sleep.h"
#include "vm/vm.h"
#include "vmx/segment_ar.h"
#include "vmx/vmx_bits.h"

#define REAL_MODE_SEG_SHIFT 4	/* a real-mode address is segment << 4 + offset */
#define REAL_MODE_OFF_MASK 0xf
#define REAL_MODE_ADDR_BITS 20	/* what a segment:offset with offset < 16 reaches */
#define AR_CS_REAL_DATA (SEG_TYPE_DATA_RW_ACCESSED | VMX_AR_S | VMX_AR_P)

bool vm_sleep_requested(struct vm *vm)
{
	return vm->acpi_pm &&
	       __atomic_load_n(&vm->acpi_pm->sleep, __ATOMIC_RELAXED) != ACPI_PM_AWAKE;
}

/* The VM is over: v's exit says why (as an internal error, which ends it), and so does the log. */
static int __printf(3, 4) sleep_end(struct vm *vm, struct vcpu *v, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vcpu_end_va(v, fmt, ap);
	va_end(ap);
	vm->sleeping = false;
	kprintf("vmm: %s: %s\n", vm->name, v->exit.internal.msg);
	return 0;
}

/*
 * Into S3: only when a wake event can come.  Lock held.  The alarm count
 * now is the one a wake must differ from.
 */
static bool sleep_enter(struct vm *vm, u16 *en, u8 *reg_b, bool *armed)
{
	*en = vm->acpi_pm->en;
	*reg_b = vm->rtc.ram[RTC_REG_B];
	*armed = rtc_cmos_alarm_armed(&vm->rtc);
	vm->sleep_alarms = rtc_cmos_alarm_irqs(&vm->rtc, vm_rtc_now(vm));
	return (*en & ACPI_PM1_RTC_EN) && *armed;
}

/*
 * Whether the wake event came: an alarm interrupt sets RTC_STS, and with
 * RTC_EN it wakes the VM (WAK_STS set too); else *next is the TSC of the
 * RTC's next update, when it could.  Lock held.
 */
static bool sleep_woken(struct vm *vm, u64 *next)
{
	u64 alarms = rtc_cmos_alarm_irqs(&vm->rtc, vm_rtc_now(vm));

	if (alarms != vm->sleep_alarms) {
		vm->sleep_alarms = alarms;
		if (acpi_pm_event(vm->acpi_pm, ACPI_PM1_RTC_STS)) {
			acpi_pm_wake(vm->acpi_pm, ACPI_PM1_RTC_STS);
			return true;
		}
	}
	*next = vm_rtc_to_tsc(vm, rtc_cmos_next_update(&vm->rtc));
	return false;
}

/*
 * Out of S3 (16.3.2): vCPU 0 INIT-reset, then in real mode at the waking
 * vector the guest left in its FACS.  An X_Firmware_Waking_Vector alone
 * asks for a protected-mode resume, which this firmware does not do.
 */
static int sleep_resume(struct vm *vm, struct vcpu *v)
{
	const struct acpi_facs *f = vm_gpa_to_hva(vm, VM_ACPI_GPA + ACPI_BUILD_FACS_OFFSET);
	struct vcpu_sregs s;
	struct vcpu_regs r;
	u32 vec;
	u64 xvec;

	vm->sleeping = false;
	if (!f)
		return sleep_end(vm, v, "S3 wake: the FACS at 0x%llx is not in guest RAM",
				 VM_ACPI_GPA + ACPI_BUILD_FACS_OFFSET);
	vec = __atomic_load_n(&f->firmware_waking_vector, __ATOMIC_RELAXED);
	memcpy(&xvec, &f->x_firmware_waking_vector, sizeof(xvec));
	if (!vec)
		return sleep_end(vm, v, "S3 wake: the guest left no Firmware_Waking_Vector in its "
				 "FACS (X_Firmware_Waking_Vector %#llx: not taken here)", xvec);
	if (vec >> REAL_MODE_ADDR_BITS)
		return sleep_end(vm, v, "S3 wake: the FACS's Firmware_Waking_Vector %#x is not a "
				 "real-mode address (below 1 MiB)", vec);
	irqchip_vcpu_init(&vm->irqchip, v);
	vcpu_get_sregs(v, &s);
	s.cs.selector = (u16)(vec >> REAL_MODE_SEG_SHIFT);
	s.cs.base = (u64)s.cs.selector << REAL_MODE_SEG_SHIFT;
	/*
	 * A selector with bits 1:0 set: in real mode they are address bits, but
	 * Bochs 2.7 refuses a non-conforming code CS whose RPL is not its DPL
	 * (0 in real mode) even for an unrestricted guest, which the SDM does
	 * not ask (Vol. 3C 27.3.1.2).  A read/write accessed data type (3) with
	 * DPL 0 is what the SDM allows for CS there too, and real mode does not
	 * look at the type.
	 */
	if (s.cs.selector & SEL_RPL_MASK)
		s.cs.ar = AR_CS_REAL_DATA;
	vcpu_set_sregs(v, &s);
	vcpu_get_regs(v, &r);
	r.rip = vec & REAL_MODE_OFF_MASK;
	vcpu_set_regs(v, &r);
	kprintf("vmm: %s: S3: the RTC alarm woke the guest; vCPU 0 resumes at %04x:%04llx\n",
		vm->name, s.cs.selector, r.rip);
	return 1;
}

/* Asleep: halt until the wake event, the caller's deadline, or a stop. */
static int sleep_wait(struct vm *vm, struct vcpu *v, u64 deadline)
{
	for (;;) {
		u64 next = 0;
		bool woken;

		spin_lock(&vm->irqchip.lock);
		woken = sleep_woken(vm, &next);
		spin_unlock(&vm->irqchip.lock);
		if (woken)
			return sleep_resume(vm, v);
		if (kvm_check_request(VCPU_REQ_STOP, v)) {
			v->exit.reason = VCPU_EXIT_STOPPED;
			return 0;
		}
		if (deadline && rdtsc() >= deadline) {
			v->exit.reason = VCPU_EXIT_BUDGET;
			return 0;
		}
		vcpu_block(v, deadline ? MIN(deadline, next) : next);
	}
}

static int sleep_s3(struct vm *vm, struct vcpu *v, u64 deadline)
{
	u16 en;
	u8 reg_b;
	bool can_wake, armed;

	if (vm->sleeping)
		return sleep_wait(vm, v, deadline);
	if (vm->kvm.online_vcpus > 1)
		return sleep_end(vm, v, "the guest entered ACPI S3 with %u vCPUs: only a VM of one "
				 "vCPU can sleep here", vm->kvm.online_vcpus);
	spin_lock(&vm->irqchip.lock);
	can_wake = sleep_enter(vm, &en, &reg_b, &armed);
	spin_unlock(&vm->irqchip.lock);
	if (!can_wake)
		return sleep_end(vm, v, "the guest entered ACPI S3 with no wake event that could "
				 "come (PM1_EN %#x: RTC_EN %s; RTC register B %#x: alarm interrupt "
				 "%s): it would sleep forever", en,
				 en & ACPI_PM1_RTC_EN ? "set" : "clear", reg_b,
				 armed ? "armed" : "off");
	vm->sleeping = true;
	kprintf("vmm: %s: S3: the guest sleeps until its RTC alarm\n", vm->name);
	return sleep_wait(vm, v, deadline);
}

int vm_sleep(struct vm *vm, struct vcpu *v, u64 deadline)
{
	u8 typ = vm->acpi_pm->slp_typ;

	if (v->dead)
		return 0;	/* ended already: v->exit says why */
	switch (acpi_pm_sleep_request(vm->acpi_pm)) {
	case ACPI_PM_SLEEP_S3:
		return sleep_s3(vm, v, deadline);
	case ACPI_PM_SLEEP_S5:
		return sleep_end(vm, v, "the guest powered off (ACPI S5, soft-off: SLP_TYP %u with "
				 "SLP_EN)", typ);
	case ACPI_PM_SLEEP_UNSUPPORTED:
		return sleep_end(vm, v, "the guest asked for sleeping state SLP_TYP %u, which this "
				 "machine does not have (\\_S3_ is %u, \\_S5_ is %u)", typ,
				 ACPI_PM_SLP_TYP_S3, ACPI_PM_SLP_TYP_S5);
	default:
		return 1;
	}
}
