/*
 * How long the console runs its guest (or idles, with vCPUs on CPUs of
 * their own) before it reads its input again.  No hardware:
 * host-tested (tests/unit/test_console_slice.c).
 *
 * Polled (no working receive interrupt, or slotvisor.console_irq=off):
 * 1 ms.  The host UART's 16-byte receive FIFO fills in 1.4 ms at 115200
 * baud, so input is read before it overflows.
 *
 * With the receive interrupt, the guest runs until its next device event
 * (vm_run_slice()) or CONSOLE_IRQ_SLICE_US: the interrupt ends the run when
 * a byte comes (an external-interrupt exit, or the end of an idle halt).
 * The bound stays for two reasons.  The PS/2 keyboard has no interrupt
 * here and is read only between runs.  And Bochs 2.7 makes no external-
 * interrupt exit while its guest has IF=0 (docs/bochs.md), so there a byte
 * may wait up to the vCPU's longest slice (VCPU_MAX_SLICE: 1,000,000 TSC
 * ticks, 10 ms at Bochs' 100 MHz, which CONSOLE_IRQ_SLICE_US equals, so
 * the bound adds no exit of its own) while up to 115 more arrive: more
 * than the FIFO holds, and Bochs drops what overruns it.  A single key
 * never overruns it; a burst (a paste, a test's scripted line, keys typed
 * fast) could.  So once a byte has come, the console polls every 1 ms
 * again for CONSOLE_BURST_US after the last one: the rest of a burst is
 * read at the polled rate, and a burst loses bytes only if its first one
 * met a guest with IF=0 on Bochs.  An idle console (nothing typed for
 * that long) costs the guest no periodic exit of its own.
 */
#include "console/console.h"

#define US_PER_MS 1000

/* A TSC rate for a machine whose TSC was not measured (tsc_calibrate() said so): Bochs'. */
#define CONSOLE_TSC_KHZ_UNMEASURED 100000

static u64 console_us_to_ticks(u64 us, u64 tsc_khz)
{
	return (tsc_khz ? tsc_khz : CONSOLE_TSC_KHZ_UNMEASURED) * us / US_PER_MS;
}

u64 console_slice_ticks(const struct console_input_state *in, u64 now, u64 tsc_khz)
{
	if (!in->irq)
		return console_us_to_ticks(CONSOLE_SLICE_US, tsc_khz);
	if (in->had_input && now - in->last_input < console_us_to_ticks(CONSOLE_BURST_US, tsc_khz))
		return console_us_to_ticks(CONSOLE_SLICE_US, tsc_khz);
	return console_us_to_ticks(CONSOLE_IRQ_SLICE_US, tsc_khz);
}
