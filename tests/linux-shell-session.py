#!/usr/bin/env python3
"""The bochs_linux_shell boot case: a person's session with Linux under slotvisor.

    tests/linux-shell-session.py ISO OUTDIR

ISO carries Debian's kernel and the interactive initramfs
(scripts/linux-guest.sh with scripts/linux-init/shell) as make run
KERNEL=... INITRD=... CPUS=2 builds it: two vCPUs on CPUs 1 and 2 of a
three-CPU Bochs, CPU 0 keeping the console.  Through COM1 on a pty this types into the
busybox shell (each byte reaches Linux through the emulated 16550's
receive interrupt, IRQ 4 through the emulated I/O APIC, as the guest's DSDT
and MADT describe it), looks at the running VM
from the monitor, resumes, and ends the VM with debug-exit.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serial_session import run_steps  # noqa: E402

PREFIX = "bochs-linux-shell"
BOOT_TIMEOUT = 200	# BIOS, GRUB, decompression, the kernel's boot, /init (virtio modules)
CTRL_A = "\x01"
SHELL = r"# (\x1b\[6n)?$"	# busybox asks for the cursor position after its prompt
MONITOR = r"\(slotvisor\) $"
CMD = lambda line: line + "\r"

STEPS = [
    ("boot", None, [r"Run /init as init process", r"^slotvisor guest: Linux 6\.",
                    r"built-in shell \(ash\)", SHELL]),
    ("type-and-run", CMD("echo hello $((6 * 7))"), [r"^hello 42$", SHELL]),
    ("proc", CMD("grep MemTotal /proc/meminfo"), [r"^MemTotal:\s+\d+ kB$", SHELL]),
    ("cpus", CMD("grep -c ^processor /proc/cpuinfo"), [r"^2$", SHELL]),
    # The platform Linux uses: COM1 through the I/O APIC (a column per
    # CPU), ticks from each CPU's local APIC (TSC-deadline) timer.
    ("interrupts", CMD("grep -E 'ttyS|LOC' /proc/interrupts"),
     [r"^\s*\d+:\s+\d+\s+\d+\s+IO-APIC\s+4-edge\s+ttyS0",
      r"^\s*LOC:\s+[1-9]\d*\s+[1-9]\d*\s+Local timer interrupts", SHELL]),
    ("monitor", CTRL_A + "c", [r"^monitor: the guest is paused", MONITOR]),
    ("monitor-slots", CMD("info slots"), [r"^\s*0\s+0\s+\[0x0+-0x0*10000000\)\s+256M\s", MONITOR]),
    # The guest's virtio-rng, bound by Debian's virtio_mmio and virtio_rng.
    ("monitor-virtio", CMD("info virtio"),
     [r"^virtio-rng: mmio 0xd0000000, GSI 16, status 0xf, features 0x100000000",
      r"^    queue 0: size \d+, ready", r"^    entropy: \d+ requests", MONITOR]),
    ("monitor-mem", CMD("info mem"),
     [r"^mem: 256 MiB of RAM in memslots", r"^mem: no hot-plug region", MONITOR]),
    ("monitor-vcpus", CMD("info vcpus"),
     [r"^vcpu 1: .* entries", r"^  IO_INSTRUCTION\s+\d+$", MONITOR]),
    # Each CPU's time: the vCPUs' CPUs in their guests, CPU 0 mostly halted.
    ("monitor-cpus", CMD("info cpus"),
     [r"^cpu 0 \(APIC 0\): guest\s+0\.0% hypervisor\s+\d+\.\d% halted\s+\d+\.\d%",
      r"^cpu 2 \(APIC 2\): guest\s+\d+\.\d%", MONITOR]),
    ("cont", CMD("cont"), [r"^monitor: the guest runs again"]),
    ("after-monitor", CMD("uname -r"), [r"^6\.1\.0-\d+-cloud-amd64$", SHELL]),
    ("debug-exit", CMD("debug-exit 0"),
     [r"^console: the guest wrote 0x0 to isa-debug-exit", r"^slotvisor: guest exit status 1$"]),
]


def main():
    return run_steps(PREFIX, sys.argv[1], sys.argv[2], STEPS, BOOT_TIMEOUT,
                     ["--megs", "640", "--cpus", "3"])


if __name__ == "__main__":
    sys.exit(main())
