/*
 * The machine's own MC146818 real-time clock at ports 0x70/0x71, read once
 * so that a VM's emulated clock (devices/rtc_cmos.c) starts at the host's
 * time.
 */
#pragma once

#include "types.h"

#define CMOS_BYTES 128

/*
 * Copy the clock's time registers (0-9), register B and the century byte
 * (0x32) into regs, indexed by register, between two updates: false if no
 * clock answers (register A reads as an empty bus, or its update-in-progress
 * bit stays set for more than a second).  CPU 0, before any vCPU runs.
 */
bool host_cmos_read_clock(u8 regs[CMOS_BYTES]);
