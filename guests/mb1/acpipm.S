/*
 * mb1/acpipm: ACPI tables, the PM timer and S3 with an RTC-alarm wake, as
 * kvm-unit-tests' s3 and vmexit's inl_from_pmtimer use them (boot case
 * bochs_acpi_s3; the checks are in acpipm.inc).  Status 1 when it resumed
 * at its waking vector with every check passed.
 */
#include "acpipm.inc"
