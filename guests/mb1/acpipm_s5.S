/*
 * mb1/acpipm_s5: acpipm.inc writing SLP_TYP 0 (the DSDT's \_S5_) with
 * SLP_EN instead of S3: the VM must end as powered off, named so (boot
 * case bochs_acpi_s5; vm/sleep.c).
 */
#define ACPIPM_PM1_CNT 0x2000		/* SLP_EN | SLP_TYP 0 << 10 */
#include "acpipm.inc"
