#!/usr/bin/env bash
# Boot an ISO in Bochs (configured as docs/bochs.md says).
#   scripts/bochs.sh ISO OUTDIR [--cpus N] [--megs M] [--timeout SECONDS]
#                    [--model BOCHS_CPU_MODEL] [--serial-tty TTY] [--live|--debug]
#                    [--ignore-bad-msrs]
# --model picks Bochs' CPU model (default corei7_skylake_x, which has every
# VMX feature slotvisor uses; corei7_haswell_4770 has EPT without PML,
# docs/bochs.md).
# COM1 goes to OUTDIR/serial.txt, Bochs' log to OUTDIR/bochs.log, its
# stdout (port 0xE9 included) to OUTDIR/bochs.out.  --live shows port 0xE9
# (a copy of the console) on the terminal instead.  --serial-tty connects
# COM1 to a terminal both ways (Bochs' term mode: what is typed there
# reaches slotvisor's COM1; the interactive console, docs/monitor.md), and
# then --live shows only that terminal.  Exit status: Bochs' own (1 after a
# power-off), or 124 when the timeout killed it.  An MSR Bochs does not
# implement is #GP (ignore_bad_msrs=0: slotvisor must not touch one);
# --ignore-bad-msrs gives Bochs' own default instead (reads 0, writes
# dropped), for guests booted with no hypervisor (the bare kvm-unit-tests
# runs: Bochs' CPUID offers PDCM, but not IA32_PERF_CAPABILITIES, 0x345).
set -u
iso=$1; out=$2; shift 2
cpus=1; megs=512; limit=300; live=0; debug=0; tty=; model=corei7_skylake_x bad_msrs=0
while [ $# -gt 0 ]; do
	case $1 in
	--cpus) cpus=$2; shift 2 ;;
	--megs) megs=$2; shift 2 ;;
	--timeout) limit=$2; shift 2 ;;
	--model) model=$2; shift 2 ;;
	--serial-tty) tty=$2; shift 2 ;;
	--live) live=1; shift ;;
	--debug) debug=1; shift ;;
	--ignore-bad-msrs) bad_msrs=1; shift ;;
	*) echo "bochs.sh: unknown option $1" >&2; exit 2 ;;
	esac
done
# An unknown model would stop Bochs at its config parser, in its own log.
models=$(bochs --help cpu 2>&1 | sed -n '/^Supported CPU models:/,$p' | grep -x '[a-z0-9_]\+')
if ! grep -qx "$model" <<<"$models"; then
	echo "bochs.sh: Bochs has no CPU model '$model'; it has:" \
		"$(paste -sd " " <<<"$models")" >&2
	exit 2
fi
mkdir -p "$out"
out=$(cd "$out" && pwd)
iso=$(cd "$(dirname "$iso")" && pwd)/$(basename "$iso")
# A pty caller keeps its own serial.txt (tests/monitor-session.py).
[ -z "$tty" ] && rm -f "$out/serial.txt"
com1="com1: enabled=1, mode=file, dev=$out/serial.txt"
[ -n "$tty" ] && com1="com1: enabled=1, mode=term, dev=$tty"
# The CPUs' info messages are not logged: with virtual-interrupt delivery
# Bochs 2.7 logs one at every evaluation of pending virtual interrupts (each
# TPR write, EOI and VM entry; docs/bochs.md): 33 million lines, 14 GB, and
# a run four times slower for a CR8 loop of kvm-unit-tests' vmexit.flat.
# Their errors and panics still are, and every other module's info.
cpu_info_off=
for ((c = 0; c < cpus; c++)); do cpu_info_off+=", cpu$c=ignore"; done
cat >"$out/bochsrc" <<RC
memory: guest=$megs, host=$(( megs > 2048 ? 2048 : megs ))
romimage: file=/usr/share/bochs/BIOS-bochs-latest, options=fastboot
vgaromimage: file=/usr/share/bochs/VGABIOS-lgpl-latest
vga: extension=none, update_freq=5, realtime=0
pci: enabled=1, chipset=i440fx
ata0-master: type=cdrom, path=$iso, status=inserted
boot: cdrom
cpu: model=$model, count=$cpus, ips=100000000, reset_on_triple_fault=0, ignore_bad_msrs=$bad_msrs
clock: sync=none, time0=946684800
display_library: rfb, options="timeout=0"
log: $out/bochs.log
panic: action=fatal
error: action=report
info: action=report$cpu_info_off
port_e9_hack: enabled=1
magic_break: enabled=1
$com1
sound: driver=dummy
speaker: enabled=0
mouse: enabled=0
RC
# The debugger is compiled in: continue at once, quit when the machine stops.
printf 'c\nquit\n' >"$out/bochs.cmds"
cd "$out"
if [ $debug = 1 ]; then
	echo "bochs: debugger prompt; 'c' continues, Ctrl-C stops, 'q' quits; console in $out/serial.txt"
	exec bochs -q -f bochsrc
fi
if [ $live = 1 ] && [ -n "$tty" ]; then
	# COM1 is the terminal itself; port 0xE9's copy would print everything twice.
	timeout --foreground "$limit" bochs -q -f bochsrc -rc bochs.cmds </dev/null >"$out/bochs.out" 2>&1
	exit $?
fi
if [ $live = 1 ]; then
	# Show the console (port 0xE9 arrives on Bochs' stdout), not Bochs' banner and notes.
	timeout --foreground "$limit" bochs -q -f bochsrc -rc bochs.cmds </dev/null 2>"$out/bochs.err" |
		grep --line-buffered -v -E '^\s+(Built|Timestamp|Bochs x86)|^Next at t=|^\([0-9]+\)|^=+$|^Bochs is exiting|^\[[A-Z0-9 ]+\] |^\s*$'
	exit "${PIPESTATUS[0]}"
fi
timeout "$limit" bochs -q -f bochsrc -rc bochs.cmds </dev/null >"$out/bochs.out" 2>&1
