/*
 * INVEPT (ept/flush.c): every flush goes through here.
 */
#pragma once

#include "ept/mmu.h"

/*
 * INVEPT single-context of eptp on this CPU only, through the one wrapper:
 * how a vCPU honours KVM_REQ_TLB_FLUSH and KVM_REQ_MMU_RELOAD.
 */
void ept_flush_eptp(struct kvm *kvm, u64 eptp);
