/* What host tests may reach behind include/slotvisor/host.h (arch/fake/hostlib.c). */
#pragma once

#include "slotvisor/host.h"

struct kvm;

/* The VM object behind vm. */
struct kvm *sv_vm_kvm(struct sv_vm *vm);

/* The size of fake physical memory the library makes when none exists. */
#define SV_ARENA_SIZE (32ULL << 30)
