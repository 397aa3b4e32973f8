/*
 * hostile.stale-tlb (issue 17): a guest changes a PTE without INVLPG, so
 * that the translation the CPU used and the page walk the emulator makes
 * disagree (guests/hostile_tlb.c says what it does).  For data, either
 * translation is the architecture's (SDM Vol. 3A 4.10.4.3), and the test
 * accepts either, as long as the value the guest saw and the MMIO exits
 * the VMM saw tell the same story.  For code, the emulator must never run
 * the new page's instruction for the old page's access: the exit's linear
 * address is checked against the decoded instruction (docs/emulator.md,
 * "The instruction that faulted"), so either the VM is re-entered and
 * ends after the same mismatch twice, or the CPU itself ran the new
 * instruction and that is what was emulated.
 */
#include "hostile.h"
#include "hostile_abi.h"
#include "lib/printf.h"
#include "lib/string.h"

#define TLB_LOG_MAX 16
#define VERDICT_LEN 320

struct tlb_log {
	unsigned int n, next;
	struct {
		u64 gpa, data, fault_gpa;
		u32 len;
		bool is_write;
	} e[TLB_LOG_MAX];
};

/*
 * Every MMIO exit logged, with the gpa of the EPT violation whose
 * emulation made it (v->emul_gpa); a read of gpa g answers
 * TLB_MMIO_VALUE(g).
 */
static bool tlb_mmio(struct hostile *h, struct vcpu_exit *e)
{
	struct tlb_log *log = h->priv;

	if (!e->mmio.is_write)
		e->mmio.data = TLB_MMIO_VALUE(e->mmio.gpa);
	if (log->n < TLB_LOG_MAX)
		log->e[log->n++] = (typeof(log->e[0])){ e->mmio.gpa, e->mmio.data,
							h->v->emul_gpa, e->mmio.len,
							e->mmio.is_write };
	return true;
}

/*
 * Whether the next logged exit is this access, emulated for an access the
 * CPU made to that same gpa (then it is consumed).  An access emulated for
 * a fault elsewhere is an instruction the CPU did not run.
 */
static bool tlb_next(struct tlb_log *log, u64 gpa, u32 len, bool is_write)
{
	if (log->next >= log->n || log->e[log->next].gpa != gpa || log->e[log->next].len != len ||
	    log->e[log->next].is_write != is_write || log->e[log->next].fault_gpa != gpa)
		return false;
	log->next++;
	return true;
}

/*
 * A data read after the PTE moved from old_gpa to new_gpa: the guest saw
 * seen.  The translation it went through, or NULL when the value and the
 * exits disagree.
 */
static const char *tlb_data(struct tlb_log *log, u64 seen, u64 ram_gpa_side, bool old_is_mmio)
{
	if (seen == TLB_RAM_VALUE)
		return old_is_mmio ? "the new (RAM)" : "the old (RAM, from the TLB)";
	if (seen == TLB_MMIO_VALUE(ram_gpa_side) && tlb_next(log, ram_gpa_side, 8, false))
		return old_is_mmio ? "the old (MMIO, from the TLB)" : "the new (MMIO)";
	return NULL;
}

KTEST(test_hostile_stale_tlb, "hostile.stale-tlb")
{
	struct tlb_log log = { 0 };
	char verdict[VERDICT_LEN];
	const char *d1, *d2, *code;
	struct hostile h;
	int cmd;

	if (!hostile_begin(t, &h, "stale-tlb", "hostile_tlb", MiB(4), 0))
		return;
	h.mmio = tlb_mmio;
	h.priv = &log;
	cmd = hostile_run(&h, 0);
	KT_ASSERT(t, tlb_next(&log, TLB_MMIO_A, 8, false),
		  "expected the first data read at MMIO_A, saw %u exits", log.n);
	d1 = tlb_data(&log, h.reports[1], TLB_MMIO_A, true);
	KT_ASSERT(t, d1, "MMIO to RAM: the guest read 0x%llx, which neither translation gives "
		  "with the exits seen", h.reports[1]);
	d2 = tlb_data(&log, h.reports[2], TLB_MMIO_B, false);
	KT_ASSERT(t, d2, "RAM to MMIO: the guest read 0x%llx, which neither translation gives "
		  "with the exits seen", h.reports[2]);
	KT_ASSERT(t, tlb_next(&log, TLB_MMIO_OLD, 4, false),
		  "expected the old code's 4-byte read at MMIO_OLD");
	if (cmd == 0 && h.v->exit.reason == VCPU_EXIT_INTERNAL_ERROR &&
	    strstr(h.v->exit.internal.msg, "twice") &&
	    strstr(h.v->exit.internal.msg, "the code or its page tables changed")) {
		code = "the CPU ran the old instruction, the emulator fetched the new: not "
		       "emulated, the VM re-entered, and ended at the second mismatch";
	} else {
		KT_ASSERT(t, cmd == UCALL_DONE && tlb_next(&log, TLB_MMIO_NEW, 8, true) &&
				     log.e[log.next - 1].data == TLB_MARKER && h.reports[3] == 0,
			  "code page remapped: expected the VM ended naming the mismatch twice, or "
			  "the new instruction's 8-byte write for the CPU's fault there; saw %s, "
			  "%u exits, the last at 0x%llx for a fault at 0x%llx, EAX 0x%llx",
			  cmd ? "the guest finish" : ktest_exit_name(h.v), log.n,
			  log.n ? log.e[log.n - 1].gpa : 0, log.n ? log.e[log.n - 1].fault_gpa : 0,
			  h.reports[3]);
		code = "the emulated 8-byte write was for the CPU's own fault there: the new "
		       "instruction, run by the CPU";
	}
	KT_ASSERT(t, log.next == log.n, "expected no other MMIO exits, saw %u more",
		  log.n - log.next);
	ksnprintf(verdict, sizeof(verdict), "data MMIO->RAM used %s translation, RAM->MMIO %s; "
		  "code page remapped: %s", d1, d2, code);
	hostile_end(&h, verdict);
}
