/*
 * Page-modification logging (SDM Vol. 3C 29.3.6): with EPT A/D flags on
 * (EPTP bit 6) and "enable PML", each guest write that sets a leaf's EPT
 * dirty bit stores its guest-physical address at the VMCS's PML index in a
 * 4 KiB log and decrements the index; a write that finds the index outside
 * 0..511 causes a "page-modification log full" exit instead.
 *
 * slotvisor empties a vCPU's log into the dirty bitmaps after every VM exit
 * (vcpu_run()), so the log never holds writes from before the last exit,
 * and on request (vmx_sync_dirty_log(), vcpu_state.c) when the VMM wants the
 * dirty log while the vCPU runs elsewhere.
 */
#include "ept/mmu.h"
#include "lib/errno.h"
#include "lib/spinlock.h"
#include "mm/frame.h"
#include "arch/memory.h"
#include "vmx/caps.h"
#include "exit_handlers.h"
#include "vcpu_internal.h"
#include "vmx/vmcs.h"
#include "vmx/vmx.h"

/* Bochs 2.7 logs the written address, not its page (docs/bochs.md): keep the page. */
#define PML_GPA_MASK (~0xfffULL)

_Static_assert(PML_ENTITY_NUM * sizeof(u64) == 4096, "the log is one 4 KiB page of 64-bit entries");

bool vmx_pml_supported(void)
{
	return vmx_ctl_allows(vmx_caps.procbased2, SECONDARY_ENABLE_PML) &&
	       (vmx_caps.ept_vpid & EPT_CAP_AD);
}

int vcpu_pml_setup(struct vcpu *v)
{
	v->pml_log = frame_zalloc(ORDER_4K);
	if (!v->pml_log)
		return -ENOMEM;
	if (!vmcs_write64(PML_ADDRESS, virt_to_phys(v->pml_log)) ||
	    !vmcs_write16(GUEST_PML_INDEX, PML_START_INDEX) ||
	    !vmcs_write32(SECONDARY_VM_EXEC_CONTROL,
			  vmcs_read32(SECONDARY_VM_EXEC_CONTROL) | SECONDARY_ENABLE_PML))
		return -EIO;
	return 0;
}

void vcpu_pml_free(struct vcpu *v)
{
	if (v->pml_log)
		frame_free(v->pml_log);
	v->pml_log = NULL;
}

/*
 * Move what the log holds into the dirty bitmaps and rewind it.  v's VMCS
 * is current on this CPU and v is outside its guest, so it takes mmu_lock
 * like the fault path does.
 */
void vcpu_flush_pml(struct vcpu *v)
{
	unsigned int first;
	u16 index;

	/* Without PML (a CPU before Broadwell, or logging by write protection) there is no index. */
	if (!v->pml_log)
		return;
	index = vmcs_read16(GUEST_PML_INDEX);
	if (index == PML_START_INDEX)
		return;
	/* Full: the index went below 0 and wrapped (it is 16 bits). */
	first = index >= PML_ENTITY_NUM ? 0 : index + 1u;
	spin_lock(&v->kvm->mmu_lock);
	for (unsigned int i = first; i < PML_ENTITY_NUM; i++)
		kvm_mark_page_dirty(v->kvm, v->as_id, gpa_to_gfn(v->pml_log[i] & PML_GPA_MASK));
	v->kvm->stat.pml_entries += PML_ENTITY_NUM - first;
	spin_unlock(&v->kvm->mmu_lock);
	vmcs_write16(GUEST_PML_INDEX, PML_START_INDEX);
}

/* The log was emptied right after the exit (vcpu_run()); the write is retried. */
int vmx_handle_pml_full(struct vcpu *v)
{
	return 1;
}
