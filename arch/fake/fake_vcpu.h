/* Host tests' view of the fake vmx/ calls of the interrupt layer (arch/fake/vcpu.c). */
#pragma once

/* The vector of the last STARTUP IPI a vCPU took, or -1. */
extern int fake_sipi_vector;
