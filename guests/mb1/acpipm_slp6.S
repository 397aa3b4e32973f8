/*
 * mb1/acpipm_slp6: acpipm.inc writing SLP_TYP 6, which no \_Sx package of
 * its DSDT gives, with SLP_EN: the VM must end naming the value (boot case
 * bochs_acpi_s5; vm/sleep.c).
 */
#define ACPIPM_PM1_CNT 0x3800		/* SLP_EN | SLP_TYP 6 << 10 */
#include "acpipm.inc"
