#!/usr/bin/env bash
# The Linux half of `make bench` (issue 16's boot-time goal): one Linux
# kernel (Debian's, scripts/linux-guest.sh, with scripts/linux-init/bench
# as /init) booted twice in the same Bochs model: under slotvisor
# (scripts/run.sh, one vCPU, 256 MiB) and on bare Bochs with no hypervisor
# (GRUB's linux command, mkiso.sh LINUX=1; Bochs' unknown MSRs read as 0,
# as the kernel expects of a machine without slotvisor's MSR refusals).
#
# The clock is Bochs' tick count (one tick per instruction, ips=100000000;
# docs/performance.md).  Under slotvisor the guest's TSC is the host's
# (no offset), which slotvisor measures at the tick rate against the ACPI
# PM timer, and the kernel is told that rate (CPUID 0x15, "tsc: Detected X
# MHz"): its console stamp of "Run /init as init process" times X is the
# ticks from the kernel's TSC start (tsc_early_init()) to /init.  On bare
# Bochs the kernel is told 3.5 GHz (Bochs' CPUID 0x15), which is not the
# rate its TSC keeps against Bochs' ticks, so its stamps are not used:
# Bochs' own log gives the ticks, from the kernel's early CPU setup (its
# second IA32_MISC_ENABLE read: the first is the real-mode setup's CPU
# check) to the power-off that /init asks for.  The two spans differ by
# the stretch between early_cpu_init() and tsc_early_init() and by /init
# itself (a few million ticks each), and the machines differ (bare Bochs
# is an i440FX PC with PCI, IDE, HPET and a different TSC rate), so the
# ratio is a rough comparison, not a hypervisor's overhead alone.
#
# Two command lines, each booted both ways: "console=ttyS0 nokaslr" (the
# kernel prints its whole log on COM1: before a tty opens the port, Linux's
# 8250 console reads LSR and writes THR for every byte, two exits a
# character on any hypervisor that emulates the UART) and the same with
# "quiet" (the log only in the kernel's buffer; /init prints the two lines
# the figure needs from dmesg): the boot's own cost, console output aside.
# Exit status 0, or 1 when a run gave no figure; 3 (SKIP) when Debian's
# packages for the kernel cannot be downloaded.
set -u
out=build/bench-linux
guest=build/linux/bench
mkdir -p "$out"
scripts/linux-guest.sh "$guest" scripts/linux-init/bench >"$out/guest.txt" 2>&1
case $? in
0) ;;
3) echo "bench-linux: SKIP: the Debian packages for the kernel could not be downloaded: $(tail -1 "$out/guest.txt")"; exit 3 ;;
*) echo "bench-linux: scripts/linux-guest.sh failed: $(tail -1 "$out/guest.txt")" >&2; exit 1 ;;
esac
# boot_pair NAME APPEND: the kernel under slotvisor and on bare Bochs, in $out/NAME*.
boot_pair() {
	local name=$1 append=$2
	RUN_OUT=$out/$name-slotvisor EMU=bochs KERNEL=$guest/vmlinuz INITRD=$guest/initrd.gz MEM=256M \
		APPEND="$append" RUN_TIMEOUT=900 scripts/run.sh </dev/null >"$out/$name-slotvisor.txt" 2>&1
	ELF=$guest/vmlinuz LINUX=1 scripts/mkiso.sh "$out/$name-bare.iso" "$append" \
		--module "$guest/initrd.gz" initrd >"$out/mkiso.txt" 2>&1 || {
		echo "bench-linux: mkiso.sh failed: $(tail -1 "$out/mkiso.txt")" >&2; return 1; }
	# Its status is Bochs' (a power-off through the shutdown port is not 0); report() checks the log.
	scripts/bochs.sh "$out/$name-bare.iso" "$out/$name-bare" --ignore-bad-msrs --megs 320 --timeout 900 \
		>"$out/$name-bare-run.txt" 2>&1
	return 0
}

# slotvisor_ticks FILE: the guest's TSC ticks from the kernel's TSC start to /init.
slotvisor_ticks() {
	tr -d '\r' <"$1" | awk '
		/tsc: Detected [0-9.]+ MHz/ { for (i = 1; i <= NF; i++) if ($i == "MHz") mhz = $(i - 1) }
		/\] Run \/init as init process/ { sub(/^.*\[ */, ""); sub(/\].*/, ""); t = $0 }
		END { if (mhz && t) printf "%.0f\n", t * mhz * 1e6 }'
}
# bare_ticks BOCHS_LOG: Bochs' ticks from the kernel's second MISC_ENABLE read to the power-off.
bare_ticks() {
	awk '/RDMSR: Unknown register 0x1a0$/ && !start { if (++n == 2) start = $1 + 0 }
	     /Shutdown port: shutdown requested/ { end = $1 + 0 }
	     END { if (start && end > start) printf "%.0f\n", end - start }' "$1"
}

# report NAME LABEL APPEND: the figures of boot_pair NAME.
report() {
	local name=$1 label=$2 append=$3 slv bare
	slv=$(slotvisor_ticks "$out/$name-slotvisor.txt")
	bare=$(bare_ticks "$out/$name-bare/bochs.log")
	if [ -z "$slv" ] || [ -z "$bare" ]; then
		echo "bench-linux: no boot figure for \"$append\" (slotvisor: ${slv:-none}, bare Bochs: ${bare:-none});" \
			"consoles in $out/$name-slotvisor.txt and $out/$name-bare/" >&2
		return 1
	fi
	echo "bench: $label under slotvisor, kernel TSC start to /init: $slv ticks (\"$append\")"
	echo "bench: $label on bare Bochs (no hypervisor), kernel CPU setup to power-off, not compared: $bare instructions"
	awk -v s="$slv" -v b="$bare" -v l="$label" 'BEGIN { printf "bench: %s ratio, slotvisor / bare Bochs (rough: other spans, another machine): %.3f (goal: at most 1.05)\n", l, s / b }'
	tr -d '\r' <"$out/$name-slotvisor.txt" |
		sed -n "s/^console: \([0-9]*\) exits on 1 vCPU(s): \(.*\)/bench: $label exits to \/init and power-off: \1 (goal: fewer than 20000): \2/p"
	tr -d '\r' <"$out/$name-slotvisor.txt" | sed -n "s/^console: I\/O exits by port: /bench: $label I\/O exits by port: /p"
}

verbose="console=ttyS0 nokaslr"
quiet="$verbose quiet"
boot_pair boot "$verbose" || exit 1
boot_pair quiet "$quiet" || exit 1
echo "bench: Bochs 2.7, cpu model corei7_skylake_x, 1 CPU, Linux $(cat "$guest/kernel-package"), 256 MiB"
rc=0
report boot "Linux boot" "$verbose" || rc=1
report quiet "Linux quiet boot" "$quiet" || rc=1
exit $rc
