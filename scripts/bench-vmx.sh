#!/usr/bin/env bash
# The VMX half of `make bench`: boot slotvisor in Bochs with
# slotvisor.bench=vmx and print its "bench:" lines.  Bochs' TSC advances
# with retired instructions (clock: sync=none, ips=100000000), so ticks
# are instruction counts and the figures repeat exactly run to run.
set -eu
out=build/bench-vmx
scripts/mkiso.sh "$out/slotvisor.iso" "slotvisor.bench=vmx"
echo "bench: Bochs 2.7, cpu model corei7_skylake_x, 1 CPU, ips=100000000, clock sync=none"
rc=0
scripts/bochs.sh "$out/slotvisor.iso" "$out" --megs 512 --timeout 300 || rc=$?
if ! grep -q '^bench: TSC' "$out/serial.txt" 2>/dev/null; then
	echo "bench-vmx: no figures (Bochs status $rc); console in $out/serial.txt" >&2
	exit 1
fi
tr -d '\r' <"$out/serial.txt" | grep '^bench:'

# The remote-flush cost with 0, 1, 2 and 3 vCPUs running on other CPUs.
scripts/mkiso.sh "$out/smp.iso" "slotvisor.bench=smp"
echo "bench: Bochs 2.7, cpu model corei7_skylake_x, 4 CPUs, ips=100000000, clock sync=none"
rc=0
scripts/bochs.sh "$out/smp.iso" "$out/smp" --cpus 4 --megs 512 --timeout 300 || rc=$?
if ! grep -q '^bench: DELETE.*3 vCPUs running' "$out/smp/serial.txt" 2>/dev/null; then
	echo "bench-vmx: no SMP figures (Bochs status $rc); console in $out/smp/serial.txt" >&2
	exit 1
fi
tr -d '\r' <"$out/smp/serial.txt" | grep '^bench:'

# memslot_perf_test's scenarios: the guest on CPU 1 while the BSP changes
# the slots; a 256 MiB area needs more memory than the runs above.
scripts/mkiso.sh "$out/perf.iso" "slotvisor.bench=perf"
echo "bench: Bochs 2.7, cpu model corei7_skylake_x, 2 CPUs, 1024 MiB, ips=100000000, clock sync=none"
rc=0
scripts/bochs.sh "$out/perf.iso" "$out/perf" --cpus 2 --megs 1024 --timeout 300 || rc=$?
if ! grep -q '^bench: memslot_perf done' "$out/perf/serial.txt" 2>/dev/null; then
	echo "bench-vmx: no memslot_perf figures (Bochs status $rc); console in $out/perf/serial.txt" >&2
	exit 1
fi
tr -d '\r' <"$out/perf/serial.txt" | grep '^bench:' | grep -v '^bench: memslot_perf done'
