/*
 * mb1/acpipm_nowake: acpipm.inc without RTC_EN in PM1_EN, so that its S3
 * has no wake event: slotvisor must end the VM saying so, not wait forever
 * (boot case bochs_acpi_s3_nowake; vm/sleep.c).
 */
#define ACPIPM_NO_RTC_EN
#include "acpipm.inc"
