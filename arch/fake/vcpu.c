/*
 * What the interrupt layer (irq/irq.c) asks of vmx/, for host tests: a
 * kick is counted in the vCPU (kicks_sent), INIT and SIPI change its
 * mp_state as vmx/vcpu.c does and remember the SIPI's vector.
 */
#include "fake_vcpu.h"
#include "vmx/vcpu.h"

int fake_sipi_vector = -1;

void kvm_vcpu_kick(struct vcpu *v)
{
	v->kicks_sent++;
}

void vcpu_init_event(struct vcpu *v)
{
	v->mp_state = v->vcpu_idx == 0 ? VCPU_MP_RUNNABLE : VCPU_MP_INIT_RECEIVED;
}

void kvm_vcpu_deliver_sipi_vector(struct vcpu *v, u8 vector)
{
	fake_sipi_vector = vector;
	v->mp_state = VCPU_MP_RUNNABLE;
}
