/*
 * Exits the VMM sees: MMIO of every width with its data, a write to a
 * READONLY slot, a triple fault that ends only its VM, a corrupted
 * guest-state field named by the entry checker, and a hostile guest.
 */
#include "arch/x86/msr.h"
#include "arch/x86/trap.h"
#include "ktest_vmx.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "vmx/vmcs_fields.h"

#define MMIO_GPA 0xc0000000ULL
#define RO_GPA 0x1000000ULL
#define RO_CONTENT 0x5a5a5a5a

struct mmio_step {
	u64 gpa;
	u32 len;
	bool write;
	u64 data;	/* written by the guest, or supplied for its read */
};

static const struct mmio_step mmio_steps[] = {
	{ MMIO_GPA + 0x0, 4, true, 0x11223344 },
	{ MMIO_GPA + 0x1, 1, true, 0x55 },
	{ MMIO_GPA + 0x2, 2, true, 0xbeef },
	{ MMIO_GPA + 0x8, 8, true, 0x0123456789abcdefULL },
	{ MMIO_GPA + 0x10, 4, false, 0xcafef00d },
	{ MMIO_GPA + 0x11, 1, false, 0x7e },
	{ MMIO_GPA + 0x12, 2, false, 0x1234 },
	{ MMIO_GPA + 0x18, 8, false, 0xfedcba9876543210ULL },
};

KTEST(test_guest_mmio, "guest.mmio")
{
	struct vcpu *v;
	struct ucall uc;
	struct vm *vm = ktest_guest64(t, "mmio", MiB(4), &v);
	unsigned int syncs = 0;

	if (!vm)
		return;
	for (unsigned int i = 0; i < ARRAY_SIZE(mmio_steps); i++) {
		const struct mmio_step *s = &mmio_steps[i];
		int cmd = vm_run(v, 0, &uc);

		if (cmd == UCALL_SYNC) {	/* the value of the previous read */
			KT_ASSERT_EQ(t, uc.args[1], mmio_steps[i - 1].data);
			syncs++;
			cmd = vm_run(v, 0, &uc);
		}
		KT_ASSERT(t, cmd == 0 && v->exit.reason == VCPU_EXIT_MMIO,
			  "step %u: expected an MMIO exit, saw ucall %d / %s", i, cmd,
			  ktest_exit_name(v));
		KT_ASSERT(t, v->exit.mmio.gpa == s->gpa && v->exit.mmio.len == s->len &&
				     v->exit.mmio.is_write == s->write,
			  "step %u: expected %s of %u bytes at 0x%llx, saw %s of %u at 0x%llx", i,
			  s->write ? "write" : "read", s->len, s->gpa,
			  v->exit.mmio.is_write ? "write" : "read", v->exit.mmio.len,
			  v->exit.mmio.gpa);
		if (s->write)
			KT_ASSERT_EQ(t, v->exit.mmio.data, s->data);
		else
			v->exit.mmio.data = s->data;
	}
	KT_ASSERT(t, vm_run(v, 0, &uc) == UCALL_SYNC && uc.args[1] == mmio_steps[7].data,
		  "expected the last read to return 0x%llx, saw 0x%llx", mmio_steps[7].data,
		  (u64)uc.args[1]);
	KT_ASSERT(t, syncs == 3, "expected three earlier reads reported, saw %u", syncs);
	KT_ASSERT(t, vm_run(v, 0, &uc) == UCALL_DONE, "expected DONE");
	vm_destroy(vm);
}

/*
 * guest.mmio-emulate: the instruction emulator on MMIO (vmx/emulate_ops.c).
 * The VMM serves DEV's page and the page past the end of RAM as plain
 * memory; the guest (guests/mmio_emul.c) runs REP STOS/MOVS (DF=0 and 1),
 * LOCK CMPXCHG, XCHG, LOCK BTS, XADD, ALU ops whose flags it compares with
 * the same op on RAM, an SSE store and load, PUSH/POP on an MMIO stack and
 * a store across the end of RAM, and checks every result itself.  The VMM
 * checks the fragments of the SSE store and load and of the straddle, and
 * that LLDT from MMIO, which the emulator refuses, ends the VM with a
 * message naming it.
 */
#define EMUL_DEV 0xc0000000ULL
#define EMUL_RAM 0x400000ULL	/* the guest's 4 MiB: the page above is MMIO */
#define EMUL_PAGE 4096
#define EMUL_MAX_FRAGS 8
#define EMUL_MAX_EXITS 10000	/* far more than the guest makes: a loop is a failure */

enum {
	EMUL_STAGE_STRINGS = 1,
	EMUL_STAGE_RMW,
	EMUL_STAGE_SSE_STORE,
	EMUL_STAGE_SSE_LOAD,
	EMUL_STAGE_STACK,
	EMUL_STAGE_STRADDLE,
	EMUL_STAGE_REFUSED,
};

struct emul_dev {
	u8 dev[EMUL_PAGE];
	u8 past_ram[EMUL_PAGE];
	struct { u64 gpa; u32 len; bool write; } frag[EMUL_MAX_FRAGS];
	unsigned int nr;	/* exits since the last stage */
};

static u8 *emul_dev_byte(struct emul_dev *d, u64 gpa, u32 len)
{
	if (gpa >= EMUL_DEV && gpa + len <= EMUL_DEV + EMUL_PAGE)
		return d->dev + (gpa - EMUL_DEV);
	if (gpa >= EMUL_RAM && gpa + len <= EMUL_RAM + EMUL_PAGE)
		return d->past_ram + (gpa - EMUL_RAM);
	return NULL;
}

/* Serve one MMIO exit as memory; false for an address outside both pages. */
static bool emul_serve(struct emul_dev *d, struct vcpu *v)
{
	u8 *p = emul_dev_byte(d, v->exit.mmio.gpa, v->exit.mmio.len);

	if (!p || v->exit.mmio.len > sizeof(u64))
		return false;
	if (d->nr < EMUL_MAX_FRAGS) {
		d->frag[d->nr].gpa = v->exit.mmio.gpa;
		d->frag[d->nr].len = v->exit.mmio.len;
		d->frag[d->nr].write = v->exit.mmio.is_write;
	}
	d->nr++;
	if (v->exit.mmio.is_write) {
		memcpy(p, &v->exit.mmio.data, v->exit.mmio.len);
	} else {
		v->exit.mmio.data = 0;
		memcpy(&v->exit.mmio.data, p, v->exit.mmio.len);
	}
	return true;
}

static bool emul_frag_is(const struct emul_dev *d, unsigned int i, u64 gpa, u32 len, bool write)
{
	return d->frag[i].gpa == gpa && d->frag[i].len == len && d->frag[i].write == write;
}

/* What the VMM checks at each stage the guest reports. */
static void emul_check_stage(struct ktest_ctx *t, struct emul_dev *d, u64 stage)
{
	switch (stage) {
	case EMUL_STAGE_SSE_STORE:
		KT_ASSERT(t, d->nr == 2 && emul_frag_is(d, 0, EMUL_DEV + 0x400, 8, true) &&
				     emul_frag_is(d, 1, EMUL_DEV + 0x408, 8, true),
			  "expected MOVDQU's store as two 8-byte writes, saw %u exits", d->nr);
		break;
	case EMUL_STAGE_SSE_LOAD:
		KT_ASSERT(t, d->nr == 2 && emul_frag_is(d, 0, EMUL_DEV + 0x400, 8, false) &&
				     emul_frag_is(d, 1, EMUL_DEV + 0x408, 8, false),
			  "expected MOVDQU's load as two 8-byte reads, saw %u exits", d->nr);
		break;
	case EMUL_STAGE_STRADDLE:
		KT_ASSERT(t, d->nr == 1 && emul_frag_is(d, 0, EMUL_RAM, 4, true),
			  "expected the straddling store's MMIO half as one 4-byte write at 0x%llx, "
			  "saw %u exits", EMUL_RAM, d->nr);
		KT_ASSERT_EQ(t, *(u32 *)d->past_ram, 0x11223344);
		break;
	case EMUL_STAGE_REFUSED:
		/* The straddle's read: RAM half and MMIO half, one read exit. */
		KT_ASSERT(t, d->nr == 1 && emul_frag_is(d, 0, EMUL_RAM, 4, false),
			  "expected the straddling load's MMIO half as one 4-byte read, saw %u exits",
			  d->nr);
		break;
	default:
		KT_ASSERT(t, d->nr > 0, "expected MMIO exits in stage %llu", stage);
		break;
	}
}

KTEST(test_guest_mmio_emulate, "guest.mmio-emulate")
{
	static struct emul_dev d;
	struct vcpu *v;
	struct ucall uc;
	struct vm *vm = ktest_guest64(t, "mmio_emul", MiB(4), &v);
	u64 next = EMUL_STAGE_STRINGS;
	unsigned int exits = 0;
	int cmd;

	if (!vm)
		return;
	memset(&d, 0, sizeof(d));
	for (;;) {
		cmd = vm_run(v, 0, &uc);
		if (cmd == 0 && v->exit.reason == VCPU_EXIT_MMIO) {
			KT_ASSERT(t, ++exits < EMUL_MAX_EXITS, "more than %u MMIO exits by stage %llu",
				  EMUL_MAX_EXITS, next);
			KT_ASSERT(t, emul_serve(&d, v), "unexpected MMIO %s of %u bytes at 0x%llx",
				  v->exit.mmio.is_write ? "write" : "read", v->exit.mmio.len,
				  v->exit.mmio.gpa);
			continue;
		}
		if (cmd != UCALL_SYNC)
			break;
		KT_ASSERT(t, uc.args[0] == next, "expected stage %llu, saw %llu", next,
			  (u64)uc.args[0]);
		emul_check_stage(t, &d, uc.args[0]);
		d.nr = 0;
		next++;
	}
	KT_ASSERT(t, next == EMUL_STAGE_REFUSED + 1, "expected every stage, the last %llu; then "
		  "ucall %d / %s%s%s", next - 1, cmd, ktest_exit_name(v),
		  cmd == UCALL_ABORT ? ": " : "", cmd == UCALL_ABORT ? uc.buffer : "");
	/* LLDT from MMIO: the VM ends, naming the instruction, the gpa and the RIP. */
	KT_ASSERT(t, cmd == 0 && v->exit.reason == VCPU_EXIT_INTERNAL_ERROR &&
			     strstr(v->exit.internal.msg, "unsupported instruction lldt") &&
			     strstr(v->exit.internal.msg, "on MMIO at gpa 0xc0000900, RIP 0x"),
		  "expected the VM ended for LLDT on MMIO, saw ucall %d / %s \"%s\"", cmd,
		  ktest_exit_name(v), v->exit.reason == VCPU_EXIT_INTERNAL_ERROR ?
		  v->exit.internal.msg : "");
	vm_destroy(vm);
}

KTEST(test_guest_readonly, "guest.readonly")
{
	struct vcpu *v;
	struct ucall uc;
	struct vm *vm = ktest_guest64(t, "readonly", MiB(4), &v);
	hva_t ro;
	int err;

	if (!vm)
		return;
	err = vm_add_memory(vm, 1, RO_GPA, KiB(64), KVM_MEM_READONLY, &ro);
	KT_ASSERT(t, err == 0, "expected a READONLY slot, saw %d", err);
	*(u32 *)ro = RO_CONTENT;
	KT_ASSERT(t, vm_run(v, 0, &uc) == UCALL_SYNC && uc.args[1] == RO_CONTENT,
		  "expected the guest to read 0x%x, saw 0x%llx", RO_CONTENT, (u64)uc.args[1]);
	KT_ASSERT(t, vm_run(v, 0, &uc) == 0 && v->exit.reason == VCPU_EXIT_MMIO &&
			     v->exit.mmio.is_write && v->exit.mmio.gpa == RO_GPA &&
			     v->exit.mmio.data == 0xdeadbeef,
		  "expected an MMIO write of 0xdeadbeef at 0x%llx, saw %s", RO_GPA,
		  ktest_exit_name(v));
	KT_ASSERT(t, vm_run(v, 0, &uc) == UCALL_SYNC && uc.args[1] == RO_CONTENT,
		  "expected the memory unchanged (0x%x), saw 0x%llx", RO_CONTENT, (u64)uc.args[1]);
	KT_ASSERT_EQ(t, *(u32 *)ro, RO_CONTENT);
	vm_destroy(vm);
}

KTEST(test_guest_triple_fault, "guest.triple-fault")
{
	struct vcpu *v, *v2;
	struct ucall uc;
	struct vm *vm = ktest_guest64(t, "triple", MiB(4), &v), *vm2;
	int cmd;

	if (!vm)
		return;
	cmd = vm_run(v, 0, &uc);
	KT_ASSERT(t, cmd == 0 && v->exit.reason == VCPU_EXIT_SHUTDOWN,
		  "expected SHUTDOWN, saw ucall %d / %s", cmd, ktest_exit_name(v));
	KT_ASSERT(t, vcpu_run(v, 0) == -EINVAL, "expected the dead VM to refuse to run");
	vm_destroy(vm);
	/* The hypervisor goes on: the next VM runs. */
	vm2 = ktest_guest64(t, "hello64", MiB(4), &v2);
	if (!vm2)
		return;
	KT_ASSERT(t, vm_run(v2, 0, &uc) == UCALL_SYNC, "expected the next VM to run");
	vm_destroy(vm2);
}

/* One corrupted guest-state field per class of entry check the checker implements. */
struct bad_state {
	unsigned int field;
	u64 value;
};

static const struct bad_state bad_states[] = {
	{ GUEST_CS_AR_BYTES, 0xa09a },		/* segments: CS type 10, not accessed */
	{ GUEST_CR0, 0x80000000 },		/* control registers: PG without PE */
	{ GUEST_RFLAGS, 0 },			/* RFLAGS bit 1 clear */
	{ GUEST_ACTIVITY_STATE, 7 },		/* non-register state: no such activity */
	{ VMCS_LINK_POINTER, 0x1234 },		/* VMCS link pointer not ~0 and unaligned */
	{ GUEST_GDTR_LIMIT, 0x10000 },		/* descriptor tables: limit above 16 bits */
};

/*
 * Each bad state is tried twice: refused by our checker before VMLAUNCH,
 * and (checker skipped) failed by the CPU itself, a VM-entry failure exit
 * (SDM Vol. 3C 27.8) that the checker then explains.
 */
KTEST(test_guest_bad_state, "guest.bad-state")
{
	for (unsigned int i = 0; i < 2 * ARRAY_SIZE(bad_states); i++) {
		const struct bad_state *b = &bad_states[i / 2];
		bool by_cpu = i & 1;
		struct vcpu *v;
		struct vm *vm = ktest_guest64(t, "hello64", MiB(4), &v);

		if (!vm)
			return;
		KT_ASSERT(t, vcpu_debug_vmcs_write(v, b->field, b->value),
			  "expected to corrupt %s", vmcs_field_name(b->field));
		v->debug.skip_precheck = by_cpu;
		vcpu_run(v, 0);
		KT_ASSERT(t, !by_cpu || v->exit.fail_entry.hardware_reason ||
				     v->exit.fail_entry.insn_error,
			  "%s: expected the CPU itself to fail the entry", vmcs_field_name(b->field));
		KT_ASSERT(t, by_cpu || (!v->exit.fail_entry.hardware_reason &&
					!v->exit.fail_entry.insn_error),
			  "%s: expected the checker to refuse the entry before VMLAUNCH",
			  vmcs_field_name(b->field));
		KT_ASSERT(t, v->exit.reason == VCPU_EXIT_FAIL_ENTRY,
			  "%s = 0x%llx: expected FAIL_ENTRY, saw %s", vmcs_field_name(b->field),
			  b->value, ktest_exit_name(v));
		KT_ASSERT(t, v->exit.fail_entry.field == b->field,
			  "expected the checker to name %s, saw %s", vmcs_field_name(b->field),
			  vmcs_field_name(v->exit.fail_entry.field));
		vm_destroy(vm);
	}
}

KTEST(test_guest_hostile, "guest.hostile")
{
	static const int expect[] = { -1, X86_TRAP_UD, X86_TRAP_UD, X86_TRAP_GP,
				      X86_TRAP_GP, -1, X86_TRAP_GP, X86_TRAP_GP, X86_TRAP_GP,
				      X86_TRAP_GP };
	struct vcpu *v;
	struct ucall uc;
	struct vm *vm = ktest_guest64(t, "hostile", MiB(4), &v);
	u64 apic_before = rdmsr(MSR_IA32_APIC_BASE);

	if (!vm)
		return;
	for (unsigned int i = 0; i < ARRAY_SIZE(expect); i++) {
		int cmd = vm_run(v, 0, &uc);

		KT_ASSERT(t, cmd == UCALL_SYNC && uc.args[0] == i + 1,
			  "expected SYNC %u, saw ucall %d (%s) %s", i + 1, cmd, ktest_exit_name(v),
			  cmd == UCALL_ABORT ? uc.buffer : "");
		KT_ASSERT(t, (int)uc.args[1] == expect[i], "stage %u: expected vector %d, saw %d",
			  i + 1, expect[i], (int)uc.args[1]);
	}
	KT_ASSERT(t, vm_run(v, 0, &uc) == UCALL_DONE, "expected DONE");
	KT_ASSERT_EQ(t, rdmsr(MSR_IA32_APIC_BASE), apic_before);
	vm_destroy(vm);
}

/*
 * The budget lets a test act while its guest is still running: the guest
 * spins reading a slot, the run's budget expires, the slot is deleted, and
 * the guest's very next read is an MMIO exit; re-created, the slot reads
 * 0 (set_memory_region_test's "delete an in-use slot", on one CPU).
 */
KTEST(test_guest_delete_while_running, "guest.delete-while-running")
{
	struct vcpu *v;
	struct ucall uc;
	struct vm *vm = ktest_guest64(t, "spin", MiB(4), &v);
	struct kvm_userspace_memory_region r = { .slot = 1, .guest_phys_addr = 0x1000000 };
	hva_t data;
	int err, cmd;

	if (!vm)
		return;
	err = vm_add_memory(vm, 1, 0x1000000, KiB(64), 0, &data);
	KT_ASSERT(t, err == 0, "expected the data slot, saw %d", err);
	*(u64 *)data = 0x1234;
	vcpu_request_stop(v);
	KT_ASSERT(t, vcpu_run(v, 0) == 0 && v->exit.reason == VCPU_EXIT_STOPPED,
		  "expected a stop request to return before entry, saw %s", ktest_exit_name(v));
	cmd = vm_run(v, 200000, &uc);
	KT_ASSERT(t, cmd == 0 && v->exit.reason == VCPU_EXIT_BUDGET,
		  "expected the budget to expire while the guest spins, saw ucall %d / %s", cmd,
		  ktest_exit_name(v));
	r.userspace_addr = data;
	err = kvm_set_memory_region(&vm->kvm, &r);	/* memory_size 0: delete */
	KT_ASSERT(t, err == 0, "expected the delete to succeed, saw %d", err);
	cmd = vm_run(v, 0, &uc);
	KT_ASSERT(t, cmd == 0 && v->exit.reason == VCPU_EXIT_MMIO && !v->exit.mmio.is_write &&
			     v->exit.mmio.gpa == 0x1000000,
		  "expected an MMIO read of 0x1000000 after the delete, saw ucall %d / %s", cmd,
		  ktest_exit_name(v));
	v->exit.mmio.data = 0xdead;
	KT_ASSERT(t, vm_run(v, 0, &uc) == UCALL_SYNC && uc.args[1] == 0xdead,
		  "expected the guest to see the MMIO value 0xdead, saw 0x%llx", (u64)uc.args[1]);
	KT_ASSERT(t, vm_run(v, 0, &uc) == UCALL_SYNC && uc.args[1] > 0,
		  "expected the guest to have read the slot before the delete, saw %llu reads",
		  (u64)uc.args[1]);
	/* Re-created, the slot is new zeroed memory, not the old frames. */
	err = vm_add_memory(vm, 1, 0x1000000, KiB(64), 0, NULL);
	KT_ASSERT(t, err == 0, "expected the slot re-created, saw %d", err);
	cmd = vm_run(v, 0, &uc);
	KT_ASSERT(t, cmd == UCALL_SYNC && uc.args[0] == 3 && uc.args[1] == 0,
		  "expected the re-created slot to read 0, saw ucall %d value 0x%llx", cmd,
		  (u64)uc.args[1]);
	vm_destroy(vm);
}

/* set_memory_region_test: a vCPU of a VM without memslots fails cleanly. */
KTEST(test_guest_no_memslots, "guest.no-memslots")
{
	struct vcpu *v;
	struct vm *vm;
	int err;

	if (!ktest_need_vmx(t))
		return;
	vm = vm_create("empty");
	KT_ASSERT(t, vm, "expected a VM");
	err = vcpu_create(&vm->kvm, 0, &v);
	KT_ASSERT(t, err == 0, "expected a vCPU, saw %d", err);
	vcpu_run(v, 0);
	KT_ASSERT(t, v->exit.reason == VCPU_EXIT_INTERNAL_ERROR && v->dead,
		  "expected the VM to end with an internal error, saw %s", ktest_exit_name(v));
	KT_ASSERT(t, strstr(v->exit.internal.msg, "no memory slot"),
		  "expected the error to say there is no memory, saw \"%s\"", v->exit.internal.msg);
	vm_destroy(vm);
}

/*
 * set_memory_region_test: delete the slot that holds the guest's code and
 * page tables while it runs; the VM ends with a clean error naming the RIP.
 */
KTEST(test_guest_delete_code_slot, "guest.delete-code-slot")
{
	struct kvm_userspace_memory_region del = { .slot = 0 };
	struct vcpu *v;
	struct ucall uc;
	struct vm *vm = ktest_guest64(t, "hello64", MiB(4), &v);
	int err;

	if (!vm)
		return;
	KT_ASSERT(t, vm_run(v, 0, &uc) == UCALL_SYNC, "expected SYNC 1");
	err = kvm_set_memory_region(&vm->kvm, &del);
	KT_ASSERT(t, err == 0, "expected the delete of slot 0 to succeed, saw %d", err);
	vm_run(v, 0, &uc);
	KT_ASSERT(t, v->exit.reason == VCPU_EXIT_INTERNAL_ERROR && v->dead,
		  "expected the VM to end with an internal error, saw %s", ktest_exit_name(v));
	KT_ASSERT(t, strstr(v->exit.internal.msg, "RIP 0x10"),
		  "expected the error to name the guest's RIP, saw \"%s\"", v->exit.internal.msg);
	vm_destroy(vm);
}

/*
 * The negative control of the check before every entry: with the vCPU
 * dropping the MMU's flush and reload requests, deleting a slot it has
 * mapped must stop it at the check instead of letting it enter with
 * tables that changed since its CPU flushed them.
 */
KTEST(test_guest_tlb_check_negative, "guest.tlb-check.negative-control")
{
	struct kvm_userspace_memory_region del = { .slot = 1, .guest_phys_addr = 0x1000000 };
	struct vcpu *v;
	struct ucall uc;
	struct vm *vm = ktest_guest64(t, "spin", MiB(4), &v);
	hva_t data;
	int err;

	if (!vm)
		return;
	err = vm_add_memory(vm, 1, 0x1000000, KiB(64), 0, &data);
	KT_ASSERT(t, err == 0, "expected the data slot, saw %d", err);
	*(u64 *)data = 0x1234;
	KT_ASSERT(t, vm_run(v, 200000, &uc) == 0 && v->exit.reason == VCPU_EXIT_BUDGET,
		  "expected the guest to spin on the slot, saw %s", ktest_exit_name(v));
	vm->kvm.debug.vcpu_skip_flush = true;
	del.userspace_addr = data;
	err = kvm_set_memory_region(&vm->kvm, &del);
	KT_ASSERT(t, err == 0, "expected the delete to succeed, saw %d", err);
	vcpu_run(v, 0);
	KT_ASSERT(t, v->exit.reason == VCPU_EXIT_INTERNAL_ERROR &&
			     strstr(v->exit.internal.msg, "debug check"),
		  "expected the check before entry to stop the vCPU, saw %s \"%s\"",
		  ktest_exit_name(v),
		  v->exit.reason == VCPU_EXIT_INTERNAL_ERROR ? v->exit.internal.msg : "");
	vm_destroy(vm);
}
