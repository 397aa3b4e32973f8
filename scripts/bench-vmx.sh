#!/usr/bin/env bash
# The VMX half of `make bench`: boot slotvisor in Bochs with
# slotvisor.bench=vmx, =smp and =perf and print their "bench:" lines.
# Bochs' TSC advances with retired instructions (clock: sync=none,
# ips=100000000), so ticks are instruction counts and the figures repeat
# exactly run to run.
set -eu
out=build/bench-vmx

# bench NAME CPUS MEGS DONE_REGEX: boot slotvisor.bench=NAME, check that the
# run got as far as a line matching DONE_REGEX, print the figures.
bench() {
	local name=$1 cpus=$2 megs=$3 done=$4 dir=$out/$1 rc=0

	ELF=build/slotvisor-test.elf scripts/mkiso.sh "$dir/slotvisor.iso" "slotvisor.bench=$name"
	echo "bench: Bochs 2.7, cpu model corei7_skylake_x, $cpus CPU(s), $megs MiB," \
		"ips=100000000, clock sync=none"
	scripts/bochs.sh "$dir/slotvisor.iso" "$dir" --cpus "$cpus" --megs "$megs" \
		--timeout 300 || rc=$?
	if ! grep -q "$done" "$dir/serial.txt" 2>/dev/null; then
		echo "bench-vmx: no $name figures (Bochs status $rc); console in $dir/serial.txt" >&2
		exit 1
	fi
	tr -d '\r' <"$dir/serial.txt" | grep '^bench:' | grep -v '^bench: memslot_perf done'
}

bench vmx 1 512 '^bench: xAPIC self-IPI rounds'
# The remote-flush cost with 0, 1, 2 and 3 vCPUs running on other CPUs.
bench smp 4 512 '^bench: DELETE.*3 vCPUs running'
# memslot_perf_test's scenarios: the guest on CPU 1 while the BSP changes
# the slots; a 256 MiB area needs more memory than the runs above.
bench perf 2 1024 '^bench: memslot_perf done'
