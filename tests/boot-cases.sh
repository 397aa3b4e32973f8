# The boot tests: each case boots slotvisor once in an emulator and checks
# what it printed.  Sourced by tests/run-all.sh; each case_* function runs
# in its own directory $dir and prints result lines.  QEMU's exit status is
# (slotvisor's status << 1) | 1: 1 ok, 3 tests failed, 5 no VT-x, 7 panic.

# The slowest first, so that two at a time finish together.
CASES=(bochs_linux_dirty bochs_linux_hotplug bochs_linux_smp4 bochs_linux_smp2 bochs_linux bochs_linux_ram_pieces bochs_linux_shell bochs_smp4 bochs_kut bochs_smp bochs_tests bochs_hostile bochs_haswell bochs_penryn bochs_westmere bochs_icelake bochs_1g qemu_tests qemu_smp bochs_boot bochs_cpuid_flags bochs_monitor bochs_monitor_polled bochs_console_storm
       qemu_novmx qemu_many_cpus qemu_spcr_com2 qemu_spcr_overridden qemu_spcr_refused qemu_kvm_novmx bochs_exit_status bochs_testdev bochs_acpi_s3 bochs_acpi_s3_nowake bochs_acpi_s5 bochs_forged_status bochs_guest_triple_fault bochs_guest_task_switch qemu_prod_refuses_tests qemu_ktest_contract qemu_crash_ud bochs_crash_pf qemu_acpi_poweroff
       bochs_acpi_poweroff qemu_uefi_novmx qemu_uefi_screen qemu_usb_stick qemu_screen qemu_screen_crash qemu_screen_scroll qemu_screen_off qemu_keyboard bochs_kut_frontend)

iso() {	# iso CMDLINE: an ISO of the test image (tests and benchmarks) for this case
	ELF=build/slotvisor-test.elf scripts/mkiso.sh "$dir/slotvisor.iso" "$1" --test-module
}

iso_prod() {	# iso_prod CMDLINE: an ISO of the production image, as make run boots it
	ELF=build/slotvisor.elf scripts/mkiso.sh "$dir/slotvisor.iso" "$1"
}

# Each recovered exception printed its full dump.
check_dumps() {
	expect_lines "$1:exception-dumps" "$dir/serial.txt" "" "" \
		'^exception: #UD invalid opcode (vector 6)' \
		'^exception: #PF page fault (vector 14) error 0x0' \
		'^exception: #GP general protection (vector 13)' \
		'^  RIP ffffffff8' '^  RSP .* CR2 0000000000001000 ' '^  R13 ' '^  stack trace:'
}

# Each scenario runs only where it can: the smp.* ones in the runs with two
# or four CPUs, the 1 GiB ones (a free, aligned GiB) in bochs_1g, the
# keyboard one where QEMU types (qemu_keyboard); what
# still SKIPs is hardware this machine lacks (VT-x under QEMU TCG).
ONE_CPU_TESTS="*,-smp.*,-linux.*,-mm.alloc.sizes,-guest.ept.levels,-selftest.*,-console.keyboard,-hostile.*"
# What needs three vCPUs on their own APs runs only in bochs_smp4.
NOT_FOUR_CPU="-smp.multi.migrate-under-churn,-smp.multi.modification-stress,-smp.multi.spinning-readers*"

# The same tests on a CPU without PML (Bochs' Haswell model: VT-x with
# EPT, no page-modification log), as most machines before Broadwell: the
# PML scenarios SKIP with that reason, everything else passes, and no exit
# reads the PML index the CPU does not have (docs/bochs.md).
case_bochs_haswell() {
	iso "slotvisor.test=$ONE_CPU_TESTS"
	scripts/bochs.sh "$dir/slotvisor.iso" "$dir" --megs 2048 --timeout 300 \
		--model corei7_haswell_4770
	ktest_parse bochs-haswell "$dir/serial.txt" "$?"
	# Only the deliberate one (selftest of the failure report, field 0x6ffe).
	local bad
	bad=$(grep 'VM-instruction error' "$dir/serial.txt" | grep -v '(0x6ffe)')
	if [ -n "$bad" ]; then
		echo "FAIL: bochs-haswell:no-vmx-insn-errors: $(printf '%s\n' "$bad" | wc -l) lines like: $(printf '%s\n' "$bad" | head -1)"
	else
		echo "PASS: bochs-haswell:no-vmx-insn-errors"
	fi
}

# A CPU with VT-x but without what slotvisor needs (Bochs' Penryn: no EPT,
# unrestricted guest or preemption timer): the production image stops with
# one line naming all it lacks, before any VMXON; the test image SKIPs each
# test that needs a VM with that line and passes the rest.
case_bochs_penryn() {
	iso_prod ""
	scripts/bochs.sh "$dir/slotvisor.iso" "$dir" --megs 512 --timeout 60 \
		--model core2_penryn_t9600
	expect_lines bochs-penryn:one-line-names-what-is-missing "$dir/serial.txt" "$?" "" \
		'^vmx: VT-x not available: this CPU.s VT-x lacks what slotvisor needs: pin-based "activate VMX-preemption timer"; secondary "enable EPT", "enable VPID", "unrestricted guest"; VM-exit '
	local n
	n=$(tr -d '\r' <"$dir/serial.txt" | grep -c '^vmx: ')
	if [ "$n" = 1 ]; then
		echo "PASS: bochs-penryn:nothing-more"
	else
		echo "FAIL: bochs-penryn:nothing-more: expected one vmx: line, saw $n"
	fi
	mkdir -p "$dir/tests"
	ELF=build/slotvisor-test.elf scripts/mkiso.sh "$dir/tests/slotvisor.iso" \
		"slotvisor.test=$ONE_CPU_TESTS" --test-module
	scripts/bochs.sh "$dir/tests/slotvisor.iso" "$dir/tests" --megs 2048 --timeout 120 \
		--model core2_penryn_t9600
	ktest_parse bochs-penryn "$dir/tests/serial.txt" "$?"
}

# guest_state_on PREFIX MODEL: guest.state.* (guests/msrs.c) and the MSR
# bitmap's guest.msr-passthrough* (guests/msr_pass.c) on that Bochs CPU model.
guest_state_on() {
	iso "slotvisor.test=guest.state.*,guest.msr-passthrough*"
	scripts/bochs.sh "$dir/slotvisor.iso" "$dir" --megs 512 --timeout 120 --model "$2"
	ktest_parse "$1" "$dir/serial.txt" "$?"
	expect_lines "$1:ran" "$dir/serial.txt" "" "" '^PASS: guest.state.per-vcpu$' \
		'^PASS: guest.msr-passthrough$' '^PASS: guest.msr-passthrough.negative-control$'
}

# A CPU with the speculation-control MSRs in CPUID (Bochs' Ice Lake):
# guest.state.* checks the guest's CPUID leaf 7 has none of their bits,
# since slotvisor refuses those MSRs (Linux panicked writing PRED_CMD).
case_bochs_icelake() { guest_state_on bochs-icelake corei7_icelake_u; }

# A CPU without XSAVE (Bochs' Westmere, corei5_arrandale_m520): the guests'
# SSE registers are saved with FXSAVE, which needs the host's CR4.OSFXSR.
case_bochs_westmere() { guest_state_on bochs-westmere corei5_arrandale_m520; }

case_bochs_tests() {
	iso "slotvisor.test=$ONE_CPU_TESTS"
	scripts/bochs.sh "$dir/slotvisor.iso" "$dir" --megs 2048 --timeout 300
	local rc=$?
	ktest_parse bochs "$dir/serial.txt" "$rc"
	check_dumps bochs
	expect_lines bochs:vmx-insn-failure-reported "$dir/serial.txt" "" "" \
		'^vmx: VMWRITE ? (0x6ffe) = 0x1 failed: VM-instruction error 12 (VMREAD/VMWRITE from/to unsupported VMCS component)$'
	# Bochs' skylake model has PML: both dirty-log mechanisms must run, not skip.
	expect_lines bochs:dirty-log-both-mechanisms "$dir/serial.txt" "" "" \
		'^PASS: dirty-log.write-protect$' '^PASS: dirty-log.pml$' \
		'^PASS: dirty-log.pml.negative-control$'
}

# The hostile suite (tests/kernel/test_hostile.c, guests/hostile_*.c): each
# attack in a VM of its own, one verdict line each ("hostile: NAME: ..."),
# then the host's MSRs, the free frames and a sanity guest checked.
case_bochs_hostile() {
	iso "slotvisor.test=hostile.*"
	scripts/bochs.sh "$dir/slotvisor.iso" "$dir" --megs 2048 --timeout 300
	local rc=$?
	ktest_parse bochs-hostile "$dir/serial.txt" "$rc"
	expect_lines bochs-hostile:a-verdict-line-each "$dir/serial.txt" "" "" \
		'^hostile: apic: ' '^hostile: cpu: CR0, CR4' '^hostile: hlt-interrupts-off: ' \
		'^hostile: init-self: ' '^hostile: memory: ' '^hostile: msrs: 25,344 MSRs' \
		'^hostile: ports: ' '^hostile: timers: timers' '^hostile: triple-fault: ' \
		'^hostile: mmio.unbacked: ended cleanly: 88 ' '^hostile: mmio.ioram: ended cleanly: 88 ' \
		'^hostile: mmio.xapic: ended cleanly: 88 ' '^hostile: mmio.ioapic: ended cleanly: 88 ' \
		'^hostile: mmio.virtio-window: ended cleanly: 88 ' \
		'^hostile: mmio.virtio-registers: ended cleanly: .*both devices set NEEDS_RESET' \
		'^hostile: mmio.lgdt: ended by a named internal error: unsupported instruction lgdt ' \
		'^hostile: mmio.sidt: ended by a named internal error: unsupported instruction sidt ' \
		'^hostile: mmio.fetch-straddle: ended by a named internal error: the guest executes at gpa 0x400000 ' \
		'^hostile: stale-tlb: data MMIO->RAM used .*; code page remapped: ' \
		'^hostile: fuzz: seed 1 vm 0: ' '^hostile: fuzz: seed 1 vm 2: ' \
		'^hostile: fuzz: seed 5 vm 4: ' \
		'^SUMMARY: 21 tests, 0 unexpected failures, 0 skipped$'
}

# 1 GiB blocks and leaves need a free, aligned GiB: 3 GiB of guest memory.
# Bochs emulates more than 2048 MiB by paging its memory through a file, and
# a run that touches more than 2048 MiB of it gets corrupted memory (seen
# here), so only the two tests that need a GiB run this way; they touch
# little beyond that one GiB.
case_bochs_1g() {
	iso "slotvisor.test=mm.alloc.sizes,guest.ept.levels"
	scripts/bochs.sh "$dir/slotvisor.iso" "$dir" --megs 3072 --timeout 300
	local rc=$?
	ktest_parse bochs-3g "$dir/serial.txt" "$rc"
	expect_lines bochs-3g:1g-blocks-and-leaves-not-skipped "$dir/serial.txt" "" "" \
		'^PASS: mm.alloc.sizes$' '^PASS: guest.ept.levels$'
}

# Two CPUs: the APs come up through the trampoline and enter VMX; the
# guest scenarios still pass with a second CPU present.
case_bochs_smp() {
	iso "slotvisor.test=smp.*,vmx.*,guest.*,$NOT_FOUR_CPU,-guest.ept.levels"
	scripts/bochs.sh "$dir/slotvisor.iso" "$dir" --cpus 2 --megs 1024 --timeout 300
	local rc=$?
	ktest_parse bochs-smp "$dir/serial.txt" "$rc"
	expect_lines bochs-smp:two-cpus-online "$dir/serial.txt" "" "" '^smp: 2 CPUs online$' \
		'^PASS: smp.bringup$' '^PASS: smp.vmxon$' '^PASS: smp.spinning-reader$' \
		'^PASS: smp.spinning-reader.negative-control$' '^PASS: smp.move-while-spinning$' \
		'^PASS: smp.modification-stress$' '^PASS: smp.hostile-under-churn$' \
		'^PASS: smp.hostile-under-churn.mmio-then-triple-fault$' \
		'^PASS: smp.dirty-log.write-protect$' '^PASS: smp.dirty-log.pml$' \
		'^PASS: smp.dirty-log.pml.negative-control$' \
		'^PASS: smp.memslot-perf.map$' '^PASS: smp.memslot-perf.unmap$' \
		'^PASS: smp.memslot-perf.unmap-chunked$' '^PASS: smp.memslot-perf.rw$' \
		'^PASS: smp.memslot-perf.move-active$' \
		'^PASS: smp.memslot-perf.move-active.negative-control$' \
		'^PASS: smp.memslot-perf.move-inactive$'
}

# Four CPUs: three vCPUs of one VM on CPUs 1-3 at once (smp.multi.*), and
# the two-CPU scenarios again with two idle APs beside them.  Each Bochs
# CPU costs ~35% speed even halted, so only the smp.* tests run here.
# Four CPUs: several vCPUs on several APs at once.  Only what needs more
# than two CPUs, and the two-CPU basics again; the rest runs in bochs_smp.
# In x2APIC mode (slotvisor.x2apic=on; bochs_smp covers xAPIC mode): every
# IPI, kick and EOI through the x2APIC MSRs, as on machines whose firmware
# hands over in x2APIC mode.
case_bochs_smp4() {
	iso "slotvisor.x2apic=on slotvisor.test=smp.multi.*,smp.bringup,smp.vmxon,smp.spinning-reader*,smp.modification-stress,smp.dirty-log.pml"
	scripts/bochs.sh "$dir/slotvisor.iso" "$dir" --cpus 4 --megs 1024 --timeout 300
	local rc=$?
	ktest_parse bochs-smp4 "$dir/serial.txt" "$rc"
	expect_lines bochs-smp4:four-cpus-online "$dir/serial.txt" "" "" \
		'^lapic: x2APIC mode (slotvisor.x2apic=on)$' '^smp: 4 CPUs online$' \
		'^PASS: smp.multi.alloc$' '^PASS: smp.multi.migrate-under-churn$' \
		'^PASS: smp.multi.modification-stress$' '^PASS: smp.multi.spinning-readers$' \
		'^PASS: smp.multi.spinning-readers.negative-control$' \
		'^PASS: smp.spinning-reader$' '^PASS: smp.modification-stress$' \
		'^PASS: smp.dirty-log.pml$'
}

case_qemu_smp() {
	iso "slotvisor.test=smp.*,$NOT_FOUR_CPU"
	scripts/qemu.sh "$dir/slotvisor.iso" "$dir" --cpus 2 --timeout 120
	local rc=$?
	ktest_parse qemu-smp "$dir/serial.txt" "$rc" 1 3
	expect_lines qemu-smp:two-cpus-online "$dir/serial.txt" "" "" '^smp: 2 CPUs online$' \
		'^PASS: smp.bringup$'
}

case_qemu_tests() {
	iso "slotvisor.test=*,-smp.*,-linux.*,-selftest.*,-console.keyboard"
	scripts/qemu.sh "$dir/slotvisor.iso" "$dir" --mem 3072 --timeout 120
	local rc=$?
	ktest_parse qemu "$dir/serial.txt" "$rc" 1 3
	check_dumps qemu
}

case_bochs_boot() {
	iso_prod ""
	scripts/bochs.sh "$dir/slotvisor.iso" "$dir" --timeout 120
	expect_lines bochs:boot-vmx-caps "$dir/serial.txt" "$?" "" \
		'^mm: [0-9]* frames free' '^vmx: VT-x present, IA32_FEATURE_CONTROL' \
		'^vmx: VMCS revision 0x[0-9a-f]*, [0-9]* bytes' \
		'^vmx: EPT yes (4-level yes, WB yes, 2M yes, 1G yes' \
		'^slotvisor: boot complete'
	# Bochs' TSC counts instructions at ips=100000000: 100 MHz, whatever
	# the model's CPUID 0x15/0x16 say (3.5 GHz for Skylake-X).
	expect_lines bochs:tsc-measured-against-the-pm-timer "$dir/serial.txt" "" "" \
		'^tsc: \(99[89][0-9][0-9]\|100[01][0-9][0-9]\) kHz, measured against the ACPI PM timer (CPUID 0x15/0x16 say [0-9]* kHz)$'
	expect_lines bochs:demo "$dir/serial.txt" "" "" \
		'^guest: read-only slot still holds 5a5a5a5a5a5a5a5a$' \
		'^demo: dirty log of slot 3: 0x25 (pages 0 2 5)$' \
		'^demo: MMIO exit: read of gpa 0x1000000 (8 bytes), returning all ones$' \
		'^guest: after the delete, the data slot reads ffffffffffffffff$' \
		'^guest: after re-creating it, the data slot reads 0; writing 2222$' \
		'^guest: after the move, the old address reads ffffffffffffffff, the new one 2222$' \
		'^demo: the guest finished$'
}

# The interactive console and its monitor, driven through COM1 on a pty:
# echo, Ctrl-A c, every monitor command with its output checked, memslot
# changes seen by info slots and by the running guest, errors, quit
# (tests/monitor-session.py; each step times out in seconds).
# Debian's Linux (scripts/linux-guest.sh: the cloud kernel, a busybox
# initramfs whose /init is scripts/linux-init/test) boots under slotvisor
# through make run's script, reports what it sees, checks its MemTotal
# against the memslots and ends through isa-debug-exit with 0: status 1,
# as QEMU would say.  The packages are downloaded once (apt-get download).
LINUX_MEM_MIB=256

# linux_guest NAME OUTDIR INIT [DISK]: build the guest (with DISK's
# checksums in its initramfs); when that fails, a SKIP if the packages
# could not be downloaded (exit 3), else a FAIL; false then.
linux_guest() {
	scripts/linux-guest.sh "$2" "$3" ${4:+"$4"} >"$dir/guest-$(basename "$2").txt" 2>&1
	case $? in
	0) return 0 ;;
	3) echo "SKIP: $1: the Debian packages could not be downloaded: $(tail -1 "$dir/guest-$(basename "$2").txt")" ;;
	*) echo "FAIL: $1: scripts/linux-guest.sh failed: $(tail -1 "$dir/guest-$(basename "$2").txt")" ;;
	esac
	return 1
}
# It also has the virtio devices (docs/devices.md), as make run gives them:
# virtio-rng; a virtio-blk disk (DISK=, an ext4 image scripts/mkdisk.sh
# builds from Debian's packages) whose files the guest checks against the
# checksums in its initramfs, then writes, syncs, and reads back after a
# remount, the image file unchanged afterwards (writes stay in memory);
# and a virtio-mem region (HOTPLUG=256M) of which 128M is asked for at
# boot: MemTotal must grow by it and a fill land in it.
case_bochs_linux() {
	local disk=build/linux/test/disk.img sum
	mkdir -p build/linux/test
	scripts/mkdisk.sh "$disk" >"$dir/mkdisk.txt" 2>&1 || {
		case $? in
		3) echo "SKIP: bochs-linux:disk: the Debian packages could not be downloaded: $(tail -1 "$dir/mkdisk.txt")" ;;
		*) echo "FAIL: bochs-linux:disk: scripts/mkdisk.sh failed: $(tail -1 "$dir/mkdisk.txt")" ;;
		esac
		return 0
	}
	sum=$(sha256sum <"$disk")
	linux_guest bochs-linux:boot build/linux/test scripts/linux-init/test "$disk" || return 0
	# The bzImage loader's plan for this real kernel (a host unit test that
	# needs one: this machine's /boot may have none).
	SLOTVISOR_VMLINUZ=build/linux/test/vmlinuz tests/run-unit.sh build/unit/test_image_bzimage \
		>"$dir/unit-real-vmlinuz.txt" 2>&1
	grep '^[A-Z]*: unit\.image_bzimage\.real_vmlinuz' "$dir/unit-real-vmlinuz.txt" ||
		echo "FAIL: unit.image_bzimage.real_vmlinuz: no result; $(tail -1 "$dir/unit-real-vmlinuz.txt")"
	RUN_OUT=$dir EMU=bochs KERNEL=build/linux/test/vmlinuz INITRD=build/linux/test/initrd.gz \
		DISK=$disk HOTPLUG=256M HOTPLUG_REQUEST=128M MEM=$LINUX_MEM_MIB \
		APPEND="console=ttyS0 nokaslr slotvisor_mem_mib=$LINUX_MEM_MIB slotvisor_virtio=blk,rng,mem slotvisor_mem_plug_mib=128" \
		timeout 600 scripts/run.sh </dev/null >"$dir/run.txt" 2>&1
	expect_lines bochs-linux:boot-to-init "$dir/run.txt" "$?" 1 \
		"^slotvisor: guest kernel of [0-9]* bytes, $LINUX_MEM_MIB MiB of RAM, 1 vCPU(s), 1 module(s)" \
		'Linux version 6\.' '^\[ *[0-9.]*\] Run /init as init process' \
		'^linux-test: Linux 6\.' '^linux-test: MemTotal:' '^linux-test: flags: .* hypervisor' \
		"^linux-test: PASS: MemTotal [0-9]* kB fits the $LINUX_MEM_MIB MiB of memslots" \
		'^linux-test: PASS: clocksource tsc after [0-9]* s' \
		'^console: the guest wrote 0x0 to isa-debug-exit' '^slotvisor: guest exit status 1$' \
		"^run: the guest's exit status: 1$"
	expect_lines bochs-linux:virtio "$dir/run.txt" "" "" \
		"^run: DISK=$disk is the guest's /dev/vda; its writes stay in memory and are not saved" \
		'^slotvisor: disk disk.img: [0-9]* bytes, the guest.s virtio-blk /dev/vda' \
		'^slotvisor: memory hot-plug: a virtio-mem region of 256 MiB, 128 MiB of it requested at boot' \
		'^linux-test: virtio: virtio-mmio in the DSDT: LNRO0005:00 LNRO0005:01 LNRO0005:02 $' \
		'^linux-test: PASS: virtio-blk: /dev/vda has the [0-9]* bytes the host gave' \
		'^linux-test: PASS: virtio-blk: [0-9]* files, sha256 as in /etc/disk.sha256' \
		'^linux-test: PASS: virtio-blk: the 32768 lines written are on /dev/vda after sync and umount' \
		'^linux-test: PASS: virtio-blk: 1 MiB written, synced, read back after a remount' \
		'^linux-test: PASS: virtio-rng: rng_current virtio_rng\.0' \
		'^linux-test: PASS: virtio-rng: two reads of 64 bytes from /dev/hwrng differ' \
		'^linux-test: PASS: virtio-mem: MemTotal grew by 131072 kB (128 MiB asked for)' \
		'^linux-test: PASS: virtio-mem: [0-9]* MiB filled and read back, 0 bad words, [1-9][0-9]* of'
	# The RTC (devices/rtc_cmos.c): Linux reads the time at boot and its
	# rtc_cmos driver binds to the DSDT's PNP0B00 (docs/devices.md).
	expect_lines bochs-linux:rtc "$dir/run.txt" "" "" \
		'^\[ *[0-9.]*\] rtc_cmos 00:[0-9a-f]*: registered as rtc0' \
		'^\[ *[0-9.]*\] rtc_cmos 00:[0-9a-f]*: setting system clock to [0-9]' \
		'^\[ *[0-9.]*\] rtc_cmos 00:[0-9a-f]*: no alarms, y3k, 114 bytes nvram'
	if grep -q 'Unable to read current time from RTC\|rtc_cmos.*broken or not accessible' "$dir/run.txt"; then
		echo "FAIL: bochs-linux:rtc-read: $(grep -m1 'RTC\|rtc_cmos' "$dir/run.txt")"
	fi
	if [ "$(sha256sum <"$disk")" = "$sum" ]; then
		echo "PASS: bochs-linux:disk-file-unchanged"
	else
		echo "FAIL: bochs-linux:disk-file-unchanged: the guest's writes reached $disk"
	fi
	if grep -q '^linux-test: FAIL' "$dir/run.txt"; then
		echo "FAIL: bochs-linux:checks: $(grep -m1 '^linux-test: FAIL' "$dir/run.txt")"
	fi
}

# A guest's exit status is the guest's, whole: guests/mb1/exit.S writes
# 0xc0000001 to isa-debug-exit as one 32-bit OUT; slotvisor reports
# (0xc0000001 << 1) | 1 = 6442450947 (never a load error), and run.sh
# exits with its low 8 bits, 3.
case_bochs_exit_status() {
	RUN_OUT=$dir EMU=bochs KERNEL=build/guests/mb1_exit.bin timeout 300 scripts/run.sh \
		</dev/null >"$dir/run.txt" 2>&1
	expect_lines bochs-exit-status "$dir/run.txt" "$?" 3 \
		'^console: the guest wrote 0xc0000001 to isa-debug-exit' \
		'^slotvisor: guest exit status 6442450947$' "^run: the guest's exit status: 6442450947$"
	if grep -q 'could not be loaded' "$dir/run.txt"; then
		echo "FAIL: bochs-exit-status:no-load-error: $(grep -m1 'could not be loaded' "$dir/run.txt")"
	else
		echo "PASS: bochs-exit-status:no-load-error"
	fi
}

# make run's CPUID= (slotvisor.cpuid=): flags slotvisor honours reach the
# guest's VM and it runs (guests/mb1/hello.S, status 1); an item it cannot
# honour ends the boot with a line naming it, before the guest runs, never
# ignored.  (What the flags do inside a guest: guest.cpuid-flags in
# bochs_tests.)
case_bochs_cpuid_flags() {
	RUN_OUT=$dir/ok EMU=bochs RUN_TIMEOUT=120 CPUID=-x2apic,-pcid,+invpcid \
		KERNEL=build/guests/mb1_hello.bin scripts/run.sh </dev/null >"$dir/ok.txt" 2>&1
	expect_lines bochs-cpuid-flags:taken "$dir/ok.txt" "$?" 1 \
		'slotvisor\.cpuid=-x2apic,-pcid,+invpcid"$' \
		"^slotvisor: the guest's CPUID: slotvisor's with -x2apic,-pcid,+invpcid$" \
		'^mb1: long mode, cmdline=' "^run: the guest's exit status: 1$"
	RUN_OUT=$dir/bad EMU=bochs RUN_TIMEOUT=120 CPUID=-x2apic,+vmx \
		KERNEL=build/guests/mb1_hello.bin scripts/run.sh </dev/null >"$dir/bad.txt" 2>&1
	expect_lines bochs-cpuid-flags:unknown-flag-refused "$dir/bad.txt" "$?" 125 \
		'^slotvisor: slotvisor.cpuid=-x2apic,+vmx: "+vmx" is not a CPUID flag slotvisor can show or hide' \
		'^slotvisor: the guest could not be loaded: EINVAL$'
	if grep -q '^mb1: ' "$dir/bad.txt"; then
		echo "FAIL: bochs-cpuid-flags:refused-guest-never-ran: $(grep -m1 '^mb1: ' "$dir/bad.txt")"
	else
		echo "PASS: bochs-cpuid-flags:refused-guest-never-ran"
	fi
}

# pc-testdev as kvm-unit-tests use it (guests/mb1/testdev.S): the data
# port at two widths and through its byte-wise twin, IORAM through MMIO
# exits, the flush port; status 1 when every check passed.
case_bochs_testdev() {
	RUN_OUT=$dir RUN_TIMEOUT=120 EMU=bochs KERNEL=build/guests/mb1_testdev.bin scripts/run.sh \
		</dev/null >"$dir/run.txt" 2>&1
	expect_lines bochs-testdev "$dir/run.txt" "$?" 1 '^testdev: ok$' \
		'^console: the guest wrote 0x0 to isa-debug-exit' "^run: the guest's exit status: 1$"
}

# ACPI fixed hardware for a multiboot v1 guest (guests/mb1/acpipm.S): the
# RSDP found by scanning the BIOS area, the RSDT's FADT with a 32-bit PM
# timer that counts at a plausible rate against the TSC, then S3 with an
# RTC-alarm wake: the guest resumes in real mode at its FACS waking vector
# (0123:0004) with WAK_STS and RTC_STS set and its RAM kept; status 1.
case_bochs_acpi_s3() {
	RUN_OUT=$dir RUN_TIMEOUT=120 EMU=bochs KERNEL=build/guests/mb1_acpipm.bin scripts/run.sh \
		</dev/null >"$dir/run.txt" 2>&1
	expect_lines bochs-acpi-s3 "$dir/run.txt" "$?" 1 \
		'^acpipm: tables found, PM timer ok, entering S3$' \
		'^vmm: .*: S3: the guest sleeps until its RTC alarm$' \
		'^vmm: .*: S3: the RTC alarm woke the guest; vCPU 0 resumes at 0123:0004$' \
		'^acpipm: resumed at 0123:0004$' '^console: the guest wrote 0x0 to isa-debug-exit' \
		"^run: the guest's exit status: 1$"
}

# The same guest without RTC_EN (guests/mb1/acpipm_nowake.S): its S3 has no
# wake event, so the VM ends at once with a message naming why (vm/sleep.c),
# instead of sleeping forever; status 0, as a VM that died.
case_bochs_acpi_s3_nowake() {
	RUN_OUT=$dir RUN_TIMEOUT=120 EMU=bochs KERNEL=build/guests/mb1_acpipm_nowake.bin \
		scripts/run.sh </dev/null >"$dir/run.txt" 2>&1
	expect_lines bochs-acpi-s3-nowake "$dir/run.txt" "$?" 0 \
		'^acpipm: tables found, PM timer ok, entering S3$' \
		'^vmm: .*: the guest entered ACPI S3 with no wake event that could come (PM1_EN 0x0: RTC_EN clear; RTC register B 0x22: alarm interrupt armed): it would sleep forever$' \
		'^console: the guest stopped: an internal error: the guest entered ACPI S3 with no wake event' \
		"^run: the guest's exit status: 0$"
}

# The other sleep types (guests/mb1/acpipm_s5.S, acpipm_slp6.S): SLP_TYP 0,
# the DSDT's \_S5_, powers the VM off, named so; SLP_TYP 6, which no \_Sx
# package gives, ends it naming the value.  Two boots; status 0 each.
case_bochs_acpi_s5() {
	RUN_OUT=$dir RUN_TIMEOUT=120 EMU=bochs KERNEL=build/guests/mb1_acpipm_s5.bin scripts/run.sh \
		</dev/null >"$dir/run.txt" 2>&1
	expect_lines bochs-acpi-s5 "$dir/run.txt" "$?" 0 \
		'^console: the guest stopped: an internal error: the guest powered off (ACPI S5, soft-off: SLP_TYP 0 with SLP_EN); the VM is over$' \
		"^run: the guest's exit status: 0$"
	mkdir -p "$dir/slp6"
	RUN_OUT=$dir/slp6 RUN_TIMEOUT=120 EMU=bochs KERNEL=build/guests/mb1_acpipm_slp6.bin \
		scripts/run.sh </dev/null >"$dir/slp6/run.txt" 2>&1
	expect_lines bochs-acpi-unsupported-sleep "$dir/slp6/run.txt" "$?" 0 \
		'^console: the guest stopped: an internal error: the guest asked for sleeping state SLP_TYP 6, which this machine does not have' \
		"^run: the guest's exit status: 0$"
}

# A guest that triple-faults (guests/mb1/triple.S) ends its VM, and the
# console names why, not by a number; the status is 0, as QEMU -no-reboot's.
case_bochs_guest_triple_fault() {
	RUN_OUT=$dir RUN_TIMEOUT=120 EMU=bochs KERNEL=build/guests/mb1_triple.bin scripts/run.sh \
		</dev/null >"$dir/run.txt" 2>&1
	expect_lines bochs-guest-triple-fault "$dir/run.txt" "$?" 0 \
		'^console: the guest stopped: a triple fault; the VM is over$' \
		'^slotvisor: guest exit status 0$' "^run: the guest's exit status: 0$"
}

# A 32-bit guest that makes a hardware task switch (guests/mb1/taskswitch.S):
# slotvisor does not emulate them, and ends the VM naming what the guest did.
case_bochs_guest_task_switch() {
	RUN_OUT=$dir RUN_TIMEOUT=120 EMU=bochs KERNEL=build/guests/mb1_taskswitch.bin scripts/run.sh \
		</dev/null >"$dir/run.txt" 2>&1
	expect_lines bochs-guest-task-switch "$dir/run.txt" "$?" 0 \
		'internal error: a hardware task switch (a JMP to TSS selector 0x18): task switches are not emulated' \
		'^console: the guest stopped: an internal error: a hardware task switch' \
		'^slotvisor: guest exit status 0$' "^run: the guest's exit status: 0$"
}

# A guest that forges the hypervisor's lines (guests/mb1/forge.S): it prints
# "slotvisor: guest exit status 1", ucalls a "guest assertion failed" on the
# test guests' port, and spins.  The ucall is a write to a port no device
# claims (a guest of the user's has no ucall port), and run.sh, which
# believes only the hypervisor's line with its token, reports no status:
# 124 at its timeout, not the forged 1.
case_bochs_forged_status() {
	local rc
	RUN_OUT=$dir RUN_TIMEOUT=40 EMU=bochs KERNEL=build/guests/mb1_forge.bin scripts/run.sh \
		</dev/null >"$dir/run.txt" 2>&1
	rc=$?
	if [ "$rc" = 124 ]; then
		echo "PASS: bochs-forged-status:exit-124"
	else
		echo "FAIL: bochs-forged-status:exit-124: expected run.sh's timeout status 124, saw $rc"
	fi
	expect_lines bochs-forged-status "$dir/run.txt" "" "" \
		'^slotvisor: guest exit status 1$' \
		'^console: guest I/O to port 0x1000, which no device claims (write dropped)$' \
		'^run: timed out after 40 s$' '^run: the guest reported no exit status$'
	# (The guest prints run.sh's "the guest's exit status: 1" line too; run.sh's
	# own verdict is its status, 124, and its "reported no exit status".)
	if grep -q "guest assertion failed" "$dir/run.txt"; then
		echo "FAIL: bochs-forged-status:believed: $(grep -m1 "guest assertion failed" "$dir/run.txt")"
	else
		echo "PASS: bochs-forged-status:believed-nothing"
	fi
}

# The QEMU-compatible front end (scripts/qemu-system-x86_64) without
# kvm-unit-tests: the probes run_tests.sh makes are answered as QEMU would,
# an option it cannot honour is refused naming it (status 2), the runner's
# premature-failure probe sees QEMU's "could not load kernel", and a guest
# booted through it has its COM1 on stdout and its isa-debug-exit status
# as the front end's (guests/mb1/exit.S writes 0xc0000001: 3, as QEMU).
case_bochs_kut_frontend() {
	local q=scripts/qemu-system-x86_64 out rc
	out=$($q -frobnicate 2>&1 >/dev/null); rc=$?
	if [ $rc = 2 ] && [ "$out" = "qemu-system-x86_64 (slotvisor): option -frobnicate is not supported: slotvisor's front end takes only the options kvm-unit-tests passes (see scripts/qemu-system-x86_64)" ]; then
		echo "PASS: kut-frontend:refuses-unknown-option"
	else
		echo "FAIL: kut-frontend:refuses-unknown-option: expected status 2 and a line naming -frobnicate, saw $rc: $out"
	fi
	out=$($q -cpu max,+vmx -kernel x.flat 2>&1); rc=$?
	if [ $rc = 2 ] && [[ $out == *"option -cpu max,+vmx is not supported: slotvisor's guest CPUID has no vmx and cannot add it" ]]; then
		echo "PASS: kut-frontend:refuses-cpu-flag-it-cannot-honour"
	else
		echo "FAIL: kut-frontend:refuses-cpu-flag-it-cannot-honour: saw $rc: $out"
	fi
	# search_qemu_binary, env_params (the version), x86/run (the test devices).
	local major minor micro
	IFS='[ .]' read -r _ _ _ major minor micro _ <<<"$($q -h | head -1)"
	if $q --help | grep -q QEMU && [ "$major.$minor.$micro" = 7.2.0 ] &&
		$q -device '?' | grep -qF '"pc-testdev"' && $q -device help | grep -qF '"isa-debug-exit"' &&
		! $q -device '?' | grep -qF pci-testdev; then
		echo "PASS: kut-frontend:answers-the-runners-probes"
	else
		echo "FAIL: kut-frontend:answers-the-runners-probes: $($q -h | head -1); $($q -device '?' | tr '\n' ' ')"
	fi
	# x86/run's command line, with the runner's premature-failure kernel.
	out=$($q --no-reboot -nodefaults -global kvm-pit.lost_tick_policy=discard -device pc-testdev \
		-device isa-debug-exit,iobase=0xf4,iosize=0x4 -display none -serial stdio \
		-machine accel=kvm -kernel _NO_FILE_4Uhere_ -smp 2 -cpu qemu64,+x2apic,+tsc-deadline 2>&1)
	if grep -q "could not load kernel '_NO_FILE_4Uhere_'" <<<"$out"; then
		echo "PASS: kut-frontend:takes-the-runners-options"
	else
		echo "FAIL: kut-frontend:takes-the-runners-options: $out"
	fi
	# run_tests.sh --probe-maxsmp reads the last word of QEMU's 'SMP CPUs' line.
	out=$($q -smp 16 -kernel _NO_FILE_4Uhere_ 2>&1 | grep 'SMP CPUs')
	if [ "${out##* }" = 8 ]; then
		echo "PASS: kut-frontend:max-smp-8"
	else
		echo "FAIL: kut-frontend:max-smp-8: saw '$out'"
	fi
	# -append, -initrd (module 0: kvm-unit-tests' environment), -smp, -m and
	# the -cpu flags slotvisor shows or hides per VM (slotvisor.cpuid=; the
	# last of a flag counts, as in QEMU) reach the guest; guests/mb1/hello.S
	# prints its command line and module 0's first line, makes a ucall (for
	# a guest booted this way only a port no device claims) and writes 0 to
	# isa-debug-exit: QEMU's status 1.
	printf 'NR_CPUS=2\nMEMSIZE=64\n' >"$dir/environ"
	TESTNAME=mb1_hello KUT_LOGS=$dir EMU=bochs timeout 300 $q -nodefaults -serial stdio \
		-kernel build/guests/mb1_hello.bin -append "a1 a2" -initrd "$dir/environ" -smp 2 -m 64 \
		-cpu qemu64,+pcid,-x2apic,+tsc-deadline,-pcid,invpcid=on </dev/null >"$dir/hello.txt" 2>&1
	rc=$?
	expect_lines kut-frontend:options-reach-the-guest "$dir/hello.txt" "$rc" 1 \
		'^mb1: long mode, cmdline=\[mb1_hello.bin a1 a2\] module=\[NR_CPUS=2\]$'
	expect_lines kut-frontend:options-reach-slotvisor "$dir/mb1_hello/console.txt" "" "" \
		'^slotvisor: guest kernel of [0-9]* bytes, 64 MiB of RAM, 2 vCPU(s), 1 module(s), command line "mb1_hello.bin a1 a2"$'
	local flags
	flags=$(sed -n "s/^slotvisor: the guest's CPUID: slotvisor's with //p" "$dir/mb1_hello/console.txt" |
		tr ',' '\n' | sort | tr '\n' ' ')
	if [ "$flags" = "+invpcid -pcid -x2apic " ]; then
		echo "PASS: kut-frontend:cpu-flags-reach-slotvisor"
	else
		echo "FAIL: kut-frontend:cpu-flags-reach-slotvisor: expected slotvisor.cpuid= +invpcid, -pcid and -x2apic, saw '$flags'"
	fi
	# KUT_BARE=1: the same guest in Bochs with no hypervisor (the table's
	# bare column): GRUB's multiboot v1 with the runner's environment plus
	# NR_CPUS/MEMSIZE/TEST_DEVICE=0 as module 0; no isa-debug-exit, so the
	# status comes from its "--- DONE: 0 ---" line, as from the bare tree's
	# exit() (QEMU's 1).
	printf 'FOO=bar\n' >"$dir/environ"
	TESTNAME=mb1_hello_bare KUT_LOGS=$dir KUT_BARE=1 RUN_TIMEOUT=120 timeout 300 $q -nodefaults \
		-serial stdio -kernel build/guests/mb1_hello.bin -append "b1 b2" -initrd "$dir/environ" \
		-smp 1 -m 64 </dev/null >"$dir/bare.txt" 2>&1
	rc=$?
	expect_lines kut-frontend:bare-bochs "$dir/bare.txt" "$rc" 1 \
		'^mb1: long mode, cmdline=\[.*b1 b2\] module=\[FOO=bar\]$' '^SUMMARY: 1 tests$' \
		'^--- DONE: 0 ---$'
	expect_lines kut-frontend:bare-bochs-environment "$dir/mb1_hello_bare/environ-bare" "" "" \
		'^FOO=bar$' '^NR_CPUS=1$' '^MEMSIZE=64$' '^TEST_DEVICE=0$'
	# The guest's isa-debug-exit status is the front end's (guests/mb1/exit.S
	# writes 0xc0000001: 3, as QEMU's), and its stdout is the guest's COM1
	# alone (this guest prints nothing): slotvisor's and run.sh's lines stay
	# in the log.
	TESTNAME=mb1_exit KUT_LOGS=$dir EMU=bochs timeout 300 $q -nodefaults -serial stdio \
		-device isa-debug-exit,iobase=0xf4,iosize=0x4 -kernel build/guests/mb1_exit.bin \
		</dev/null >"$dir/stdout.txt" 2>"$dir/stderr.txt"
	rc=$?
	expect_lines kut-frontend:exits-with-the-guests-status "$dir/mb1_exit/console.txt" "$rc" 3 \
		'^slotvisor: guest exit status 6442450947$'
	if [ -s "$dir/stdout.txt" ] || [ -s "$dir/stderr.txt" ]; then
		echo "FAIL: kut-frontend:stdout-is-the-guests-alone: $(head -n 1 "$dir/stdout.txt") $(head -n 1 "$dir/stderr.txt")"
	else
		echo "PASS: kut-frontend:stdout-is-the-guests-alone"
	fi
	# A guest that prints the hypervisor's and run.sh's status lines itself
	# (guests/mb1/forge.S) and spins: both lines are forwarded as the guest's
	# output, and the front end reports no status (QEMU's 0, a failure to
	# the runner), not the forged 1 (a PASS to the runner).
	TESTNAME=mb1_forge KUT_LOGS=$dir EMU=bochs RUN_TIMEOUT=40 timeout 300 $q -nodefaults \
		-serial stdio -kernel build/guests/mb1_forge.bin </dev/null >"$dir/forge.txt" 2>&1
	rc=$?
	expect_lines kut-frontend:forged-status-lines-are-the-guests "$dir/forge.txt" "$rc" 0 \
		'^slotvisor: guest exit status 1$' "^run: the guest's exit status: 1$" \
		'^qemu-system-x86_64 (slotvisor): the guest reported no exit status; the last lines of '
}

# kvm-unit-tests' own runner (run_tests.sh, unchanged, at the commit
# scripts/kut.sh pins) drives slotvisor through the front end, with
# unittests.cfg's arguments and timeouts: a few quick tests that pass
# under slotvisor, among them what only a hypervisor gives on this CPU
# (hypercall: KVM's VMCALL; ioapic: pc-testdev's lines, 4 vCPUs;
# emulator: the instruction emulator and string I/O on pc-testdev's
# IORAM, docs/emulator.md, about a minute; the three pcid runs: -cpu
# flags that slotvisor.cpuid= shows and hides, enforced), and vmx, which the
# runner must SKIP because the front end refuses its -cpu max,+vmx
# (slotvisor offers no nested VT-x).  Each run_tests.sh line becomes PASS: kut:NAME,
# FAIL: kut:NAME: ... or SKIP: kut:NAME: reason.  kvm-unit-tests is cloned
# once into build/kvm-unit-tests (KUT_MIRROR: a local clone to take it
# from); without network or KUT_MIRROR the case SKIPs with that reason.
KUT_QUICK="hypercall smptest smptest3 ioapic tsc setjmp emulator s3 pcid-enabled pcid-disabled pcid-asymmetric"
case_bochs_kut() {
	EMU=bochs scripts/kut.sh $KUT_QUICK vmx </dev/null >"$dir/kut.txt" 2>&1
	case $? in
	3) echo "SKIP: kut: $(grep -m1 'could not be downloaded' "$dir/kut.txt" | sed 's/^kut: //')"; return 0 ;;
	0|1) ;;
	*) echo "FAIL: kut: scripts/kut.sh failed: $(tail -n 1 "$dir/kut.txt")"; return 0 ;;
	esac
	local t line rest
	for t in $KUT_QUICK; do
		line=$(grep -m1 "^[A-Z]* $t\( \|$\)" "$dir/kut.txt")
		rest=${line#* "$t"}; rest=${rest# }
		case $line in
		"PASS "*) echo "PASS: kut:$t" ;;
		"SKIP "*) echo "SKIP: kut:$t: $rest" ;;
		"FAIL "*) echo "FAIL: kut:$t: $rest (build/kvm-unit-tests/logs/$t.log)" ;;
		*) echo "FAIL: kut:$t: run_tests.sh printed no result line for it" ;;
		esac
	done
	if grep -q "^SKIP vmx (qemu-system-x86_64 (slotvisor): option -cpu max,+vmx is not supported: " "$dir/kut.txt"; then
		echo "PASS: kut:vmx-skipped-naming-the-refused-option"
	else
		echo "FAIL: kut:vmx-skipped-naming-the-refused-option: $(grep -m1 ' vmx' "$dir/kut.txt")"
	fi
}

# SMP Linux: vCPUs on CPUs of their own (Bochs gets one more for CPU 0),
# started by the guest's INIT/SIPI through the emulated xAPICs; every
# vCPU online and running a pinned worker (guests/linux/smp-work.c), the
# local APIC timer and the I/O APIC in use.
linux_smp() {	# linux_smp VCPUS
	local n=$1 p=bochs-linux-smp$1
	# A directory of its own: the cases run side by side.
	linux_guest "$p:boot" "build/linux/test-smp$n" scripts/linux-init/test || return 0
	RUN_OUT=$dir EMU=bochs CPUS=$n KERNEL="build/linux/test-smp$n/vmlinuz" \
		INITRD="build/linux/test-smp$n/initrd.gz" MEM=$LINUX_MEM_MIB \
		APPEND="console=ttyS0 nokaslr slotvisor_mem_mib=$LINUX_MEM_MIB slotvisor_cpus=$n" \
		timeout 600 scripts/run.sh </dev/null >"$dir/run.txt" 2>&1
	expect_lines "$p:boot-to-init" "$dir/run.txt" "$?" 1 \
		"^slotvisor: guest kernel of [0-9]* bytes, $LINUX_MEM_MIB MiB of RAM, $n vCPU" \
		"^console: $n vCPUs on CPUs 1-$n" \
		'IOAPIC\[0\]: apic_id 0, version 17, address 0xfec00000' 'TSC deadline timer available' \
		"smpboot: Allowing $n CPUs" "smp: Brought up 1 node, $n CPUs" \
		'^\[ *[0-9.]*\] Run /init as init process' \
		"^linux-test: $n CPU(s) online" "^linux-test: PASS: smp-work on $n CPU(s)" \
		"^smp-work: $n workers, 0 failed" '^linux-test: PASS: clocksource tsc after [0-9]* s' \
		'^console: the guest wrote 0x0 to isa-debug-exit' '^slotvisor: guest exit status 1$'
	for ((i = 0; i < n; i++)); do
		grep -q "^smp-work: worker $i ran on cpu $i," "$dir/run.txt" ||
			echo "FAIL: $p:worker-$i-on-cpu-$i: $(grep -m1 "^smp-work: worker $i " "$dir/run.txt")"
	done
	if grep -q '^linux-test: FAIL' "$dir/run.txt"; then
		echo "FAIL: $p:checks: $(grep -m1 '^linux-test: FAIL' "$dir/run.txt")"
	fi
}
case_bochs_linux_smp2() { linux_smp 2; }

# Guest RAM that no free block holds: 384 MiB in the 896 MiB make run gives
# Bochs has no free, aligned 512 MiB block (the hypervisor sits in the
# first), so vm_add_ram() backs it in pieces, 256 MiB and 128 MiB, each a
# memslot of its own; the kernel and initrd are copied across the two and
# Linux sees all 384 MiB.  (Before pieces: "could not be loaded: ENOMEM".)
case_bochs_linux_ram_pieces() {
	linux_guest bochs-linux-ram-pieces:boot build/linux/test-pieces scripts/linux-init/test ||
		return 0
	RUN_OUT=$dir EMU=bochs KERNEL=build/linux/test-pieces/vmlinuz \
		INITRD=build/linux/test-pieces/initrd.gz MEM=384M \
		APPEND="console=ttyS0 nokaslr slotvisor_mem_mib=384" \
		timeout 600 scripts/run.sh </dev/null >"$dir/run.txt" 2>&1
	expect_lines bochs-linux-ram-pieces:boot-to-init "$dir/run.txt" "$?" 1 \
		'^run: Bochs emulates 1 CPU(s) of model corei7_skylake_x and 896 MiB of RAM$' \
		'^vmm: guest: no free block holds 384 MiB of RAM: it is in 2 memslots$' \
		'^linux-test: PASS: MemTotal [0-9]* kB fits the 384 MiB of memslots' \
		'^console: the guest wrote 0x0 to isa-debug-exit' '^slotvisor: guest exit status 1$'
	if grep -q '^linux-test: FAIL' "$dir/run.txt"; then
		echo "FAIL: bochs-linux-ram-pieces:checks: $(grep -m1 '^linux-test: FAIL' "$dir/run.txt")"
	fi
}

# linux_ktest NAME INIT GLOB MEGS: the test image runs the in-hypervisor
# tests GLOB on Debian's kernel with the initramfs of scripts/linux-init/INIT,
# in Bochs with 3 CPUs (CPU 0 and two vCPUs) and MEGS MiB.
linux_ktest() {
	local out=build/linux/$2
	linux_guest "$1:boot" "$out" "scripts/linux-init/$2" || return 0
	ELF=build/slotvisor-test.elf scripts/mkiso.sh "$dir/slotvisor.iso" "slotvisor.test=$3" \
		--module "$out/vmlinuz" "kernel vmlinuz" --module "$out/initrd.gz" "initrd"
	scripts/bochs.sh "$dir/slotvisor.iso" "$dir" --cpus 3 --megs "$4" --timeout 1500
	ktest_parse "$1" "$dir/serial.txt" "$?"
}

# Memslots under SMP Linux (tests/kernel/test_linux_dirty_log.c): the test
# image boots Debian's kernel with 2 vCPUs on CPUs 1-2 and fetches the
# dirty log of its RAM from CPU 0 while a worker writes on every vCPU, by
# write protection and by PML, with the EPT audit after each fetch; the
# negative control (vCPU 1 ignores its flushes) must lose writes.
case_bochs_linux_dirty() {
	linux_ktest bochs-linux-dirty dirty 'linux.smp-dirty-log.*' 1024
}
case_bochs_linux_smp4() { linux_smp 4; }

# Memory hot-plug under SMP Linux (tests/kernel/test_linux_hotplug.c):
# virtio-mem plugs and unplugs in steps while a worker writes on every
# vCPU, each block a memslot and each unplug a DELETE; then the negative
# control leaves invalidated roots unzapped and must find stale leaves.
case_bochs_linux_hotplug() {
	linux_ktest bochs-linux-hotplug hotplug linux.hotplug 1280
}

# The interactive console under an interrupt storm (guests/mb1/storm.S, the
# xAPIC timer at its shortest period with interrupts on): the guest makes
# progress, the monitor answers, Ctrl-A x powers off (tests/storm-session.py).
case_bochs_console_storm() {
	scripts/mkiso.sh "$dir/slotvisor.iso" "slotvisor.guest_mem=64" \
		--module build/guests/mb1_storm.bin "kernel mb1_storm"
	python3 tests/storm-session.py "$dir/slotvisor.iso" "$dir"
}

# The same kernel with the interactive initramfs (scripts/linux-init/shell)
# on 2 vCPUs: typing into its busybox shell over COM1, the monitor on the
# running Linux VM (which pauses both vCPUs), and debug-exit
# (tests/linux-shell-session.py).
case_bochs_linux_shell() {
	linux_guest bochs-linux-shell:session build/linux/shell scripts/linux-init/shell || return 0
	scripts/mkiso.sh "$dir/slotvisor.iso" "slotvisor.guest_mem=$LINUX_MEM_MIB slotvisor.cpus=2" \
		--module build/linux/shell/vmlinuz "kernel vmlinuz console=ttyS0 nokaslr" \
		--module build/linux/shell/initrd.gz "initrd"
	python3 tests/linux-shell-session.py "$dir/slotvisor.iso" "$dir"
}

case_bochs_monitor() {
	iso_prod "slotvisor.console=1"
	python3 tests/monitor-session.py "$dir/slotvisor.iso" "$dir"
}

# The same session with the receive interrupt off (slotvisor.console_irq=off):
# the console's fallback, COM1 polled every 1 ms, still reads what is typed.
case_bochs_monitor_polled() {
	iso_prod "slotvisor.console=1 slotvisor.console_irq=off"
	python3 tests/monitor-session.py "$dir/slotvisor.iso" "$dir" --polled
}

case_qemu_novmx() {
	iso_prod ""
	scripts/qemu.sh "$dir/slotvisor.iso" "$dir" --timeout 60
	expect_lines qemu:no-vmx-message "$dir/serial.txt" "$?" 5 \
		'^vmx: VT-x not available: CPUID.1:ECX.VMX\[bit 5\] is 0'
}

# The console UART from the ACPI SPCR (issue 19; docs/booting.md, "The
# console").  QEMU gets an SPCR of tests/mkspcr.py's (-acpitable) and two
# serial ports, COM1 in serial.txt and COM2 in com2.txt.
SLOTVISOR_LINES='^(slotvisor|boot|paging|mm|acpi|console|tsc|vmx|poweroff):'

# expect_none NAME LOG: no line of slotvisor's in LOG (GRUB's would not count).
expect_none() {
	local lines
	lines=$(tr -d '\r' <"$2" | grep -E -- "$SLOTVISOR_LINES")
	if [ -n "$lines" ]; then
		echo "FAIL: $1: expected nothing of slotvisor's in $2, saw $(printf '%s\n' "$lines" | wc -l) lines"
		printf '%s\n' "$lines" | head -n 5 | sed 's/^/      | /'
		return
	fi
	echo "PASS: $1"
}

spcr_boot() {	# spcr_boot CMDLINE MKSPCR-ARGS...: the production image with that SPCR
	local cmdline=$1
	shift
	iso_prod "$cmdline"
	tests/mkspcr.py "$dir/spcr.bin" "$@" || { echo "FAIL: tests/mkspcr.py $*"; return 1; }
	scripts/qemu.sh "$dir/slotvisor.iso" "$dir" --timeout 60 \
		--acpitable "$dir/spcr.bin" --serial2 "$dir/com2.txt"
}

# An SPCR naming COM2, as most IPMI serial-over-LAN: the whole boot, early
# lines included, and the no-VT-x message on COM2, nothing on COM1.
case_qemu_spcr_com2() {
	spcr_boot "" --port 0x2f8
	expect_lines qemu-spcr:console-on-com2 "$dir/com2.txt" "$?" 5 \
		'^slotvisor: booting' '^boot: memory map' '^paging: direct map' \
		'^console: COM2 (0x2f8) from ACPI SPCR, 115200 baud$' \
		'^vmx: VT-x not available: CPUID.1:ECX.VMX\[bit 5\] is 0'
	expect_none qemu-spcr:nothing-on-com1 "$dir/serial.txt"
}

# slotvisor.console=ttyS0 overrides the SPCR: everything back on COM1.
case_qemu_spcr_overridden() {
	spcr_boot "slotvisor.console=ttyS0" --port 0x2f8
	expect_lines qemu-spcr:override-on-com1 "$dir/serial.txt" "$?" 5 \
		'^slotvisor: booting' '^boot: command line "slotvisor.console=ttyS0"' \
		'^console: COM1 (0x3f8) from the command line (slotvisor.console=), 115200 baud$' \
		'^vmx: VT-x not available: CPUID.1:ECX.VMX\[bit 5\] is 0'
	expect_none qemu-spcr:override-nothing-on-com2 "$dir/com2.txt"
}

# An SPCR naming a UART that is not a 16550 (interface type 3, ARM's
# PL011): refused with its type named, the console stays on COM1.
case_qemu_spcr_refused() {
	spcr_boot "" --port 0x2f8 --type 3
	expect_lines qemu-spcr:refused-type "$dir/serial.txt" "$?" 5 \
		'^console: ACPI SPCR refused: interface type 0x03 (table revision 2) is not a 16550-compatible UART' \
		'^console: COM1 (0x3f8) (the default: the ACPI SPCR was refused), 115200 baud$' \
		'^vmx: VT-x not available'
	expect_none qemu-spcr:refused-nothing-on-com2 "$dir/com2.txt"
}

# A machine with more CPUs than slotvisor takes (QEMU TCG's q35 with 255,
# the most it runs without KVM's x2APIC support): the MADT's first 64 are
# kept and the rest named as ignored, 16 come online (MAX_CPUS), and the
# boot ends at the missing VT-x as usual.
case_qemu_many_cpus() {
	iso_prod ""
	scripts/qemu.sh "$dir/slotvisor.iso" "$dir" --machine q35 --cpus 255 --mem 1024 --timeout 120
	expect_lines qemu-many-cpus "$dir/serial.txt" "$?" 5 \
		'^acpi: MADT lists 191 enabled processors beyond the first 64, ignored$' \
		'^smp: 16 CPUs online$' '^vmx: VT-x not available'
}

case_qemu_kvm_novmx() {
	if ! [ -r /dev/kvm ] || ! [ -w /dev/kvm ]; then
		echo "SKIP: qemu-kvm:no-vmx-message: /dev/kvm is not usable here"
		return
	fi
	if grep -qw vmx /proc/cpuinfo; then
		echo "SKIP: qemu-kvm:no-vmx-message: this host has VT-x, so KVM would offer it"
		return
	fi
	iso_prod ""
	scripts/qemu.sh "$dir/slotvisor.iso" "$dir" --accel kvm --timeout 30
	local rc=$?
	if ! [ -s "$dir/serial.txt" ]; then
		# Seen on this project's machines: QEMU aborts on -cpu host (MSR
		# 0x10a), or GRUB never gets to slotvisor (docs/running.md).
		echo "SKIP: qemu-kvm:no-vmx-message: QEMU with this host's KVM never started slotvisor (status $rc, no console output; $(head -c 120 "$dir/qemu.out" | tr '\n' ' '))"
		return
	fi
	expect_lines qemu-kvm:no-vmx-message "$dir/serial.txt" "$rc" 5 \
		'^vmx: VT-x not available: CPUID.1:ECX.VMX\[bit 5\] is 0'
}

# The production image has no tests: asked for them, it says which image
# has them and stops with the panic status, rather than run the demo.
case_qemu_prod_refuses_tests() {
	iso_prod "slotvisor.test=mm.*"
	scripts/qemu.sh "$dir/slotvisor.iso" "$dir" --timeout 60
	expect_lines qemu:production-image-refuses-tests "$dir/serial.txt" "$?" 7 \
		'^slotvisor: this image has no tests or benchmarks; boot build/slotvisor-test.elf'
	if grep -q '^PASS: \|running the demo' "$dir/serial.txt"; then
		echo "FAIL: qemu:production-image-ran-nothing-else: it ran tests or the demo"
	else
		echo "PASS: qemu:production-image-ran-nothing-else"
	fi
}

# The in-hypervisor runner's contract (tests/kernel/test_selftest.c): both
# self-tests must FAIL, the first without running past its helper's failed
# assertion, and the VMs they left must be destroyed.
case_qemu_ktest_contract() {
	iso "slotvisor.test=selftest.*"
	scripts/qemu.sh "$dir/slotvisor.iso" "$dir" --timeout 60
	expect_lines ktest:a-failed-assertion-in-a-helper-ends-the-test "$dir/serial.txt" "$?" 3 \
		"^FAIL: selftest.assert-in-helper-ends-the-test: expected nothing, saw the helper's assertion fail" \
		'^ktest: selftest.assert-in-helper-ends-the-test: destroyed 1 VM' \
		'^FAIL: selftest.leaked-vm-is-a-failure: expected the test to destroy its VMs, 1 left' \
		'^ktest: selftest.leaked-vm-is-a-failure: destroyed 1 VM' \
		'^SUMMARY: 2 tests, 2 unexpected failures'
	if grep -q '^selftest: after' "$dir/serial.txt"; then
		echo "FAIL: ktest:nothing-runs-after-a-failed-assertion: $(grep -m1 '^selftest: after' "$dir/serial.txt")"
	else
		echo "PASS: ktest:nothing-runs-after-a-failed-assertion"
	fi
}

case_qemu_crash_ud() {
	iso "slotvisor.crash=ud"
	scripts/qemu.sh "$dir/slotvisor.iso" "$dir" --timeout 60
	expect_lines qemu:unhandled-ud-dumps-and-stops "$dir/serial.txt" "$?" 7 \
		'^exception: #UD invalid opcode (vector 6) error 0x0$' '^  RIP ffffffff8' \
		'^  stack trace:' '^    #1 ' '^panic: unhandled exception #UD'
}

# The screen console (docs/running.md): QEMU's std-vga under SeaBIOS, a
# graphics mode from GRUB, QEMU's screendump once slotvisor has powered
# off, read back with the console's own font (tests/fbscreen.py).
# screen_check NAME STATUS REGEX...: the screen shows the
# end of the serial log line for line (wrapped at its width), every cell
# is a glyph of the font, and each REGEX matches a line on the screen.
screen_check() {
	local name=$1 rc=$2
	shift 2
	if [ "$rc" != 0 ]; then
		echo "FAIL: $name: no screendump of a stopped guest (scripts/qemu.sh status $rc)"
		last_lines "$dir/serial.txt"
		return
	fi
	if ! tests/fbscreen.py "$dir/screen.ppm" --serial "$dir/serial.txt" \
			>"$dir/screen.txt" 2>"$dir/fbscreen.txt"; then
		echo "FAIL: $name: the screen is not the serial console's text: $(cat "$dir/fbscreen.txt")"
		last_lines "$dir/screen.txt"
		return
	fi
	expect_lines "$name" "$dir/screen.txt" "" "" "$@"
}

case_qemu_screen() {
	iso_prod ""
	scripts/qemu.sh "$dir/slotvisor.iso" "$dir" --timeout 60 --screendump "$dir/screen.ppm"
	screen_check qemu:screen-shows-the-boot "$?" '^slotvisor: booting' \
		'^boot: framebuffer: [0-9]*x[0-9]* [0-9]* bpp at 0x' '^console: screen ' \
		'^vmx: VT-x not available: CPUID.1:ECX.VMX\[bit 5\] is 0'
}

# UEFI (OVMF in QEMU TCG, legacy-free: no CSM), two CPUs: the same ISO
# boots through GRUB's EFI image; slotvisor takes the memory map and the
# ACPI 2.0 RSDP from the multiboot2 tags (no BIOS area is read), the AP
# trampoline finds its low page, and it stops at the missing VT-x with its
# clean line (QEMU status 5).
case_qemu_uefi_novmx() {
	iso_prod ""
	scripts/qemu.sh "$dir/slotvisor.iso" "$dir" --uefi --cpus 2 --timeout 90
	expect_lines qemu-uefi:no-vmx-message "$dir/serial.txt" "$?" 5 \
		'^boot: UEFI: system table at 0x[0-9a-f]*, boot services terminated' \
		'^boot: memory map, [1-9][0-9]* entries' \
		'^boot:  \[mem 0x[0-9a-fx-]*\] ACPI NVS$' '^boot: ACPI RSDP copy, 36 bytes (new tag)$' \
		"^acpi: RSDP from the loader's new tag, FADT found" \
		'^tsc: [0-9]* kHz, measured against the ACPI PM timer' '^smp: 2 CPUs online' \
		'^vmx: VT-x not available: CPUID.1:ECX.VMX\[bit 5\] is 0'
}

# The same ISO written to a USB stick (dd): attached as a raw disk, it boots
# under SeaBIOS and under OVMF (grub-mkrescue's image is hybrid: an MBR and
# an EFI system partition besides the ISO 9660 volume).
case_qemu_usb_stick() {
	iso_prod ""
	scripts/qemu.sh "$dir/slotvisor.iso" "$dir/bios" --as-disk --timeout 60
	expect_lines qemu-usb-stick:bios "$dir/bios/serial.txt" "$?" 5 \
		'^vmx: VT-x not available: CPUID.1:ECX.VMX\[bit 5\] is 0'
	scripts/qemu.sh "$dir/slotvisor.iso" "$dir/uefi" --as-disk --uefi --timeout 90
	expect_lines qemu-usb-stick:uefi "$dir/uefi/serial.txt" "$?" 5 \
		'^boot: ACPI RSDP copy, 36 bytes (new tag)$' \
		'^vmx: VT-x not available: CPUID.1:ECX.VMX\[bit 5\] is 0'
}

# The screen under UEFI: GRUB hands over OVMF's GOP mode, and the screen
# shows the boot and the no-VT-x line, read back through the console's font.
case_qemu_uefi_screen() {
	iso_prod ""
	scripts/qemu.sh "$dir/slotvisor.iso" "$dir" --uefi --timeout 90 --screendump "$dir/screen.ppm"
	screen_check qemu-uefi:screen-shows-the-boot "$?" '^slotvisor: booting' \
		'^boot: framebuffer: [0-9]*x[0-9]* 32 bpp at 0x' '^console: screen ' \
		'^vmx: VT-x not available: CPUID.1:ECX.VMX\[bit 5\] is 0'
	if grep -q 'no console will be available\|no suitable video mode' "$dir/serial.txt"; then
		echo "FAIL: qemu-uefi:grub-found-a-mode: $(grep -m1 'no console will be available\|no suitable video mode' "$dir/serial.txt")"
	else
		echo "PASS: qemu-uefi:grub-found-a-mode"
	fi
}

# An exception dump and the panic reach the screen too.
case_qemu_screen_crash() {
	iso "slotvisor.crash=ud"
	scripts/qemu.sh "$dir/slotvisor.iso" "$dir" --timeout 60 --screendump "$dir/screen.ppm"
	screen_check qemu:screen-shows-the-exception-dump "$?" \
		'^exception: #UD invalid opcode (vector 6) error 0x0$' '^  RIP ffffffff8' \
		'^  stack trace:' '^panic: unhandled exception #UD'
}

# More lines than the screen has rows: the screen scrolled, and still shows
# the serial log's last lines exactly.
case_qemu_screen_scroll() {
	iso "slotvisor.test=boot.*,mm.*,exc.*,guest.*"
	scripts/qemu.sh "$dir/slotvisor.iso" "$dir" --timeout 60 --screendump "$dir/screen.ppm"
	screen_check qemu:screen-scrolls "$?" '^PASS: mm\.' '^SUMMARY: [0-9]* tests, 0 unexpected failures'
	if [ -s "$dir/screen.txt" ] &&
			[ "$(grep -c '' "$dir/screen.txt")" -ge "$(tr -d '\r' <"$dir/serial.txt" | grep -c '')" ]; then
		echo "FAIL: qemu:screen-scrolls: the serial log fit on the screen, so nothing scrolled"
	fi
}

# slotvisor.screen=off: the same boot, nothing drawn; slotvisor.keyboard=off.
case_qemu_screen_off() {
	iso_prod "slotvisor.screen=off slotvisor.keyboard=off"
	scripts/qemu.sh "$dir/slotvisor.iso" "$dir" --timeout 60 --screendump "$dir/screen.ppm"
	local rc=$?
	expect_lines qemu:screen=off-says-so "$dir/serial.txt" "" "" \
		'^console: no screen (slotvisor.screen=off)' \
		'^console: input from COM1 only (slotvisor.keyboard=off)' '^vmx: VT-x not available'
	if [ "$rc" != 0 ]; then
		echo "FAIL: qemu:screen=off-draws-nothing: no screendump (scripts/qemu.sh status $rc)"
	elif tests/fbscreen.py "$dir/screen.ppm" >"$dir/screen.txt" 2>"$dir/fbscreen.txt" ||
			! grep -q 'the screen is blank' "$dir/fbscreen.txt"; then
		echo "FAIL: qemu:screen=off-draws-nothing: the screen is not blank: $(cat "$dir/fbscreen.txt")"
		last_lines "$dir/screen.txt"
	else
		echo "PASS: qemu:screen=off-draws-nothing"
	fi
}

# Typing on the PS/2 keyboard (arch/x86/i8042.c): console.keyboard asks for
# keys, QEMU's sendkey types Ctrl-A and "Hi, VT-x: okk", Backspace, "?",
# Enter with both Shift keys, and the test checks the bytes it read.
KEYBOARD_KEYS="ctrl-a shift-h i comma spc shift_r-v shift-t minus x shift-semicolon spc o k k
backspace shift_r-slash ret"
case_qemu_keyboard() {
	iso "slotvisor.test=console.keyboard slotvisor.test_keyboard"
	scripts/qemu.sh "$dir/slotvisor.iso" "$dir" --timeout 60 \
		--keys-after "console.keyboard: type the keys now" "$(echo $KEYBOARD_KEYS)"
	expect_lines qemu:ps2-keyboard-input "$dir/serial.txt" "$?" 1 \
		'^console: input from COM1 and the PS/2 keyboard' \
		'^console.keyboard: read "Hi, VT-x: ok?" after Ctrl-A' '^PASS: console.keyboard'
}

case_bochs_crash_pf() {
	iso "slotvisor.crash=pf"
	scripts/bochs.sh "$dir/slotvisor.iso" "$dir" --timeout 120
	expect_lines bochs:unhandled-pf-dumps-and-stops "$dir/serial.txt" "$?" "" \
		'^exception: #PF page fault (vector 14) error 0x0$' \
		'^  RSP .* CR2 0000000000001000 ' '^  stack trace:' '^panic: unhandled exception #PF'
}

case_qemu_acpi_poweroff() {
	iso "slotvisor.poweroff=acpi slotvisor.test=boot.info"
	scripts/qemu.sh "$dir/slotvisor.iso" "$dir" --no-debug-exit --timeout 60
	expect_lines qemu:acpi-poweroff "$dir/serial.txt" "$?" 0 \
		'^SUMMARY: 1 tests, 0 unexpected' '^poweroff: ACPI S5'
}

case_bochs_acpi_poweroff() {
	iso "slotvisor.poweroff=acpi slotvisor.test=boot.info"
	scripts/bochs.sh "$dir/slotvisor.iso" "$dir" --timeout 120
	local rc=$?
	expect_lines bochs:acpi-poweroff "$dir/serial.txt" "$rc" "" \
		'^SUMMARY: 1 tests, 0 unexpected' '^poweroff: ACPI S5'
}
