# slotvisor: a bare-metal VT-x/EPT hypervisor.  GNU make; V=1 shows commands.
#
#   make            build/slotvisor.elf and .iso (production: what make run boots) and
#                   build/slotvisor-test.elf (the same plus tests and benchmarks)
#   make run        install what is missing, boot in Bochs (or QEMU+KVM with VT-x)
#   make test       install what is missing, run every suite; ends "N passed, N failed"
#   make test-models the suite and a Linux boot on every Bochs CPU model with VT-x
#   make unit       host unit tests only (sanitizers)
#   make fuzz       every libFuzzer harness (tests/fuzz/) for FUZZ_TIME seconds each
#   make clean

BUILD    ?= build
.DEFAULT_GOAL := all
CMDLINE  ?=
CC       ?= gcc
HOSTCC   ?= gcc

ifeq ($(V),1)
Q :=
else
Q := @
endif

# ---- tools --------------------------------------------------------------------

# make's own defaults give LD = ld and AR = ar; override any of them on the command line.
OBJCOPY  ?= objcopy
GRUB_FILE ?= grub-file

# ---- the kernel ------------------------------------------------------------
#
# Every source is listed by name, folder by folder (docs/architecture.md says
# what each folder owns).  A listed file that is missing, or a file in one of
# these folders that no list names, stops the build with its name.

BOOT_SRCS    := boot/entry.S boot/header.S boot/multiboot2.c boot/trampoline.S
ARCH_SRCS    := $(addprefix arch/x86/,acpi_madt.c acpi_pm.c acpi_spcr.c acpi_tables.c cmos.c \
		console.c directmap.c extable.c fbcon.c font.c gdt.c gprs.c host_ioapic.c \
		host_ioapic_route.c i8042.c idle.c idt.c invept.c isr.S keymap.c lapic.c paging.c \
		panic.c percpu.c poweroff.c safe.S setup.c smp.c stacktrace.c trap.c tsc.c uart.c \
		uart_irq.c uart_select.c)
LIB_SRCS     := $(addprefix lib/,cmdline.c errno.c glob.c kprintf.c parse.c printf.c string.c)
MM_SRCS      := $(addprefix mm/,frame.c kmalloc.c memmap.c)
MEMSLOT_SRCS := $(addprefix memslot/,backing.c change.c dirty_log.c gfn_tree.c guest_access.c metadata.c \
		page_track.c set_memory_region.c sets.c vm.c)
EPT_SRCS     := $(addprefix ept/,arch_hooks.c audit.c dirty_bits.c fault.c flush.c iter.c mmu_cache.c \
		rmap.c root.c walk.c wrprot.c zap.c)
VMX_SRCS     := $(addprefix vmx/,apic_access.c caps.c check.c check_controls.c check_guest.c \
		check_guest_segs.c check_host.c controls.c cpuid_flags.c dump.c entry.S exit.c \
		exit_basic.c exit_cpuid.c exit_cr.c exit_ept.c exit_io.c exit_msr.c exit_reason.c \
		exit_string_io.c exit_xsetbv.c exit_hypercall.c emulate_ops.c guest_mem.c guest_state.c \
		interrupt.c mce.c msr_bitmap.c page_walk.c pml.c requests.c run.c shared_msrs.c vcpu.c \
		vcpu_cpuid.c vcpu_state.c vmcs.c vmcs_names.c vmxon.c)
EMULATE_SRCS := $(addprefix emulate/,decode.c emulate.c exec_alu.c exec_branch.c exec_mov.c \
		exec_ltr.c exec_muldiv.c exec_seg.c exec_stack.c exec_string.c exec_sys.c exec_vec.c \
		fastop.c mem.c opcodes.c regs.c)
IRQ_SRCS     := $(addprefix irq/,ioapic.c irq.c pic8259.c vlapic.c)
DEVICES_SRCS := $(addprefix devices/,acpi_build.c acpi_pm.c fw_cfg.c pc_testdev.c pit8254.c rtc_cmos.c \
		uart16550.c virtio_blk.c virtio_chain.c virtio_mem.c virtio_mmio.c virtio_ring.c virtio_rng.c)
VM_SRCS      := $(addprefix vm/,hotplug.c memory.c pc.c run.c sleep.c vcpu_threads.c vid_probe.c virtio.c vm.c)
LOADER_SRCS  := $(addprefix loader/,bzimage.c guest_images.c image.c load64.c \
		load_kernel.c load_plan.c multiboot1.c)
CONSOLE_SRCS := $(addprefix console/,console.c console_input.c console_slice.c demo.c guest_boot.c \
		monitor.c monitor_devices.c monitor_info.c monitor_slot.c monitor_stats.c)
KERNEL_SRCS  := main.c $(BOOT_SRCS) $(ARCH_SRCS) $(LIB_SRCS) $(MM_SRCS) $(MEMSLOT_SRCS) \
		$(EPT_SRCS) $(EMULATE_SRCS) $(VMX_SRCS) $(IRQ_SRCS) $(DEVICES_SRCS) $(VM_SRCS) $(LOADER_SRCS) \
		$(CONSOLE_SRCS)
# The test image adds the in-hypervisor tests and benchmarks (tests/kernel/).
KTEST_SRCS   := $(addprefix tests/kernel/,bench.c bench_apic.c bench_dirty.c bench_perf.c bench_smp.c \
		ktest.c ktest_vmx.c linux_vm.c memslot_perf.c memslot_perf_move.c memslot_perf_vm.c \
		modes.c remote_run.c test_boot.c test_dirty_log.c test_exceptions.c \
		test_guest_basic.c test_guest_budget.c test_guest_cpuid_flags.c test_guest_ept.c \
		test_guest_exits.c test_guest_image.c test_guest_irq.c test_guest_level_irq.c \
		test_guest_maxslots.c test_guest_msr_pass.c test_guest_paging_io.c \
		test_guest_self_ipi.c test_guest_state.c test_guest_tpr.c test_guest_vid_probe.c \
		test_guest_x2apic.c \
		hostile.c test_hostile.c \
		test_hostile_fuzz.c test_hostile_mmio.c test_hostile_tlb.c test_keyboard.c \
		test_linux_dirty_log.c test_linux_hotplug.c \
		test_memslot_perf.c \
		test_mm.c test_selftest.c test_smp.c test_smp_dirty_log.c test_smp_flush.c test_smp_hostile.c \
		test_smp_multi.c test_smp_stress.c test_vmx.c test_vmx_vmcs.c)
KERNEL_DIRS  := boot arch/x86 lib mm memslot ept emulate vmx irq devices vm loader console tests/kernel

srcs_missing := $(filter-out $(wildcard $(KERNEL_SRCS) $(KTEST_SRCS)),$(KERNEL_SRCS) $(KTEST_SRCS))
srcs_unlisted := $(filter-out $(KERNEL_SRCS) $(KTEST_SRCS), \
		$(wildcard *.c $(addsuffix /*.c,$(KERNEL_DIRS)) $(addsuffix /*.S,$(KERNEL_DIRS))))
ifneq ($(srcs_missing),)
$(error the Makefile lists sources that do not exist: $(srcs_missing))
endif
ifneq ($(srcs_unlisted),)
$(error these sources are in no list of the Makefile: $(srcs_unlisted))
endif

KERNEL_OBJS := $(patsubst %,$(BUILD)/kernel/%.o,$(KERNEL_SRCS))
KTEST_OBJS  := $(patsubst %,$(BUILD)/ktest/%.o,$(KERNEL_SRCS) $(KTEST_SRCS))

# Only the compiler's freestanding headers (stdint.h, stddef.h, ...), never libc's.
KINCLUDE := -nostdinc -isystem $(shell $(CC) -print-file-name=include) -Iinclude
KCFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Wno-unused-parameter \
	-ffreestanding -fno-builtin -fno-tree-loop-distribute-patterns \
	-fno-pic -fno-pie -mcmodel=kernel -mno-red-zone -mgeneral-regs-only \
	-fno-stack-protector -fno-omit-frame-pointer -fno-asynchronous-unwind-tables \
	-fno-strict-aliasing $(KINCLUDE) -MMD -MP
KASFLAGS := $(KINCLUDE) -MMD -MP -D__ASSEMBLY__ -Wa,--noexecstack
KLDFLAGS := -nostdlib -static -no-pie -Wl,-z,max-page-size=0x1000 \
	-Wl,--build-id=none -Wl,--no-warn-rwx-segments -Wl,-T,linker.ld

# ---- test and demo guests (guests/), embedded in the kernel image ----------

GUEST_C_NAMES := $(patsubst guests/%.c,%,$(wildcard guests/*.c))
GUEST_MB1_NAMES := $(patsubst guests/mb1/%.S,mb1_%,$(wildcard guests/mb1/*.S))
GUEST_BZ_NAMES := $(patsubst guests/bz/%.S,bz_%,$(wildcard guests/bz/*.S))
GUEST_NAMES := $(GUEST_C_NAMES) $(patsubst guests/real/%.S,%,$(wildcard guests/real/*.S)) \
	$(GUEST_MB1_NAMES) $(GUEST_BZ_NAMES)
GUEST_LIB := $(wildcard guests/lib/*.c guests/lib/*.S)
GCFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -ffreestanding -fno-pic -fno-pie \
	-mno-red-zone -mgeneral-regs-only -fno-stack-protector -fno-asynchronous-unwind-tables \
	$(KINCLUDE) -Iguests/lib
GUEST_BINS := $(patsubst %,$(BUILD)/guests/%.bin,$(GUEST_NAMES))

$(BUILD)/guests/%.elf: guests/%.c $(GUEST_LIB) guests/guest.ld
	@echo "  GUEST   $@"
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(GCFLAGS) -nostdlib -static -no-pie -Wl,--build-id=none -Wa,--noexecstack \
		-Wl,--no-warn-rwx-segments -Wl,-T,guests/guest.ld -o $@ $< $(GUEST_LIB)

$(BUILD)/guests/%.bin: $(BUILD)/guests/%.elf
	$(Q)$(OBJCOPY) -O binary $< $@

# Real-mode guests: 16-bit code linked at GUEST_REAL_LOAD_GPA (0x8000).
$(BUILD)/guests/%.bin: guests/real/%.S
	@echo "  GUEST16 $@"
	@mkdir -p $(dir $@)
	$(Q)$(CC) -m32 -c -Wa,--noexecstack -o $(BUILD)/guests/$*.o $<
	$(Q)$(LD) -m elf_i386 -Ttext=0x8000 --oformat binary -o $@ $(BUILD)/guests/$*.o

# Multiboot v1 guests (guests/mb1/), in kvm-unit-tests' shape: linked as an
# ELF64 at 4 MiB, embedded as the ELF32 file a multiboot loader reads.
$(BUILD)/guests/mb1_%.bin: guests/mb1/%.S guests/mb1/boot.inc $(wildcard guests/mb1/*.inc) guests/mb1/mb1.ld
	@echo "  GUESTMB $@"
	@mkdir -p $(dir $@)
	$(Q)$(CC) -c -Wa,--noexecstack -o $(BUILD)/guests/mb1_$*.o $<
	$(Q)$(LD) -m elf_x86_64 -nostdlib -z noseparate-code --build-id=none -T guests/mb1/mb1.ld \
		-o $(BUILD)/guests/mb1_$*.elf64 $(BUILD)/guests/mb1_$*.o
	$(Q)$(OBJCOPY) -O elf32-i386 $(BUILD)/guests/mb1_$*.elf64 $@

# bzImage-shaped guests (guests/bz/): setup header and kernel in one flat file.
$(BUILD)/guests/bz_%.bin: guests/bz/%.S
	@echo "  GUESTBZ $@"
	@mkdir -p $(dir $@)
	$(Q)$(CC) -c -Wa,--noexecstack -o $(BUILD)/guests/bz_$*.o $<
	$(Q)$(OBJCOPY) -O binary -j .text $(BUILD)/guests/bz_$*.o $@

# One table entry and one .incbin per guest (see loader/guest_images.c): the
# production image carries the demo's and the console's guests, the test
# image every guest.
PROD_GUEST_NAMES := demo echo
guest_table = { for g in $(1); do \
		printf '\t.section .rodata.guest_blobs, "a"\n\t.balign 16\n%s_start:\n\t.incbin "%s"\n%s_end:\n' \
			"guest_$$g" "$(BUILD)/guests/$$g.bin" "guest_$$g"; \
		printf '\t.section .rodata\n%s_name:\n\t.asciz "%s"\n' "guest_$$g" "$$g"; \
		printf '\t.section .guest_images, "a"\n\t.balign 8\n\t.quad %s_name, %s_start, %s_end\n' \
			"guest_$$g" "guest_$$g" "guest_$$g"; \
	done; } >$(2)

$(BUILD)/guests/images.S: $(patsubst %,$(BUILD)/guests/%.bin,$(PROD_GUEST_NAMES)) Makefile
	@mkdir -p $(dir $@)
	$(Q)$(call guest_table,$(PROD_GUEST_NAMES),$@)

$(BUILD)/guests/images-test.S: $(GUEST_BINS) Makefile
	@mkdir -p $(dir $@)
	$(Q)$(call guest_table,$(GUEST_NAMES),$@)

KERNEL_OBJS += $(BUILD)/guests/images.o
KTEST_OBJS += $(BUILD)/guests/images-test.o
$(BUILD)/guests/%.o: $(BUILD)/guests/%.S
	$(Q)$(CC) $(KASFLAGS) -c -o $@ $<

ELF := $(BUILD)/slotvisor.elf
ISO := $(BUILD)/slotvisor.iso
TEST_ELF := $(BUILD)/slotvisor-test.elf

all: $(ELF) $(ISO) $(TEST_ELF)

# The production image: no test, benchmark or fault-injection code.
$(ELF): $(KERNEL_OBJS) linker.ld
	@echo "  LD      $@"
	$(Q)$(CC) $(KLDFLAGS) -o $@ $(KERNEL_OBJS) -lgcc
	$(Q)$(GRUB_FILE) --is-x86-multiboot2 $@ || { echo "$@: not multiboot2" >&2; rm -f $@; exit 1; }

# The test image: the same sources built with CONFIG_SLOTVISOR_TEST (the MMU's
# and vCPUs' fault-injection switches) and the tests and benchmarks.
$(TEST_ELF): $(KTEST_OBJS) linker.ld
	@echo "  LD      $@"
	$(Q)$(CC) $(KLDFLAGS) -Wl,--wrap=vm_create,--wrap=vm_destroy -o $@ $(KTEST_OBJS) -lgcc
	$(Q)$(GRUB_FILE) --is-x86-multiboot2 $@ || { echo "$@: not multiboot2" >&2; rm -f $@; exit 1; }

KTEST_CFLAGS := -DCONFIG_SLOTVISOR_TEST -Itests/kernel -Iguests/lib

$(BUILD)/ktest/%.c.o: %.c
	@echo "  CC [T]  $<"
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(KCFLAGS) $(KTEST_CFLAGS) -c -o $@ $<

$(BUILD)/ktest/%.S.o: %.S
	@echo "  AS [T]  $<"
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(KASFLAGS) $(KTEST_CFLAGS) -c -o $@ $<

$(BUILD)/kernel/%.c.o: %.c
	@echo "  CC      $<"
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(KCFLAGS) -c -o $@ $<

$(BUILD)/kernel/%.S.o: %.S
	@echo "  AS      $<"
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(KASFLAGS) -c -o $@ $<

$(ISO): $(ELF) scripts/mkiso.sh
	@echo "  ISO     $@"
	$(Q)scripts/mkiso.sh $@ "$(CMDLINE)"

# ---- host unit tests (arch/fake, sanitizers, cmocka) -------------------------

# What has no hardware dependency, built for the host against arch/fake.
FAKE_SRCS := $(addprefix arch/fake/,console.c cpu.c failinject.c hostlib.c invept.c memory.c \
		panic.c vcpu.c)
HOST_SRCS := $(addprefix lib/,printf.c kprintf.c errno.c glob.c cmdline.c parse.c) \
	$(MM_SRCS) $(MEMSLOT_SRCS) $(EPT_SRCS) $(EMULATE_SRCS) $(FAKE_SRCS) boot/multiboot2.c \
	$(addprefix arch/x86/,acpi_tables.c acpi_pm.c acpi_madt.c acpi_spcr.c fbcon.c font.c \
		gprs.c host_ioapic_route.c keymap.c uart_select.c) \
	$(addprefix vmx/,check.c check_controls.c check_host.c check_guest.c \
		check_guest_segs.c cpuid_flags.c vmcs_names.c exit_reason.c mce.c msr_bitmap.c \
		page_walk.c) \
	$(IRQ_SRCS) devices/uart16550.c devices/pit8254.c devices/rtc_cmos.c devices/acpi_build.c devices/acpi_pm.c \
	devices/fw_cfg.c devices/pc_testdev.c devices/virtio_ring.c devices/virtio_mmio.c \
	devices/virtio_chain.c devices/virtio_rng.c devices/virtio_blk.c devices/virtio_mem.c \
	$(addprefix loader/,image.c load_plan.c bzimage.c multiboot1.c) \
	$(addprefix vm/,memory.c hotplug.c virtio.c) \
	$(addprefix console/,monitor.c monitor_devices.c monitor_info.c monitor_stats.c monitor_slot.c \
		console_input.c console_slice.c)
srcs_missing := $(filter-out $(wildcard $(HOST_SRCS)),$(HOST_SRCS))
ifneq ($(srcs_missing),)
$(error the Makefile lists host sources that do not exist: $(srcs_missing))
endif
HOST_OBJS := $(patsubst %,$(BUILD)/host/%.o,$(HOST_SRCS))
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/unit/%,$(UNIT_SRCS))

HCFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -Wno-unused-parameter \
	-fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer -DCONFIG_SLOTVISOR_TEST -Iinclude -Iarch/fake -Itests/unit -MMD -MP
HLDFLAGS := -fsanitize=address,undefined
HLIBS := -lcmocka

$(BUILD)/host/%.c.o: %.c
	@echo "  HOSTCC  $<"
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(HCFLAGS) -c -o $@ $<

$(BUILD)/unit/%: tests/unit/%.c $(HOST_OBJS)
	@echo "  HOSTLD  $@"
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(HCFLAGS) -o $@ $< $(HOST_OBJS) $(HLDFLAGS) $(HLIBS)

# The decoder's oracle test links Capstone (scripts/deps.sh installs libcapstone-dev).
$(BUILD)/unit/test_emulate_oracle: HLIBS += -lcapstone

.SECONDARY: $(HOST_OBJS) $(patsubst %,$(BUILD)/guests/%.elf,$(GUEST_C_NAMES))

unit-build: $(UNIT_BINS)

unit: deps
	$(Q)$(MAKE) --no-print-directory unit-build
	$(Q)tests/run-unit.sh $(UNIT_BINS)

# ---- host fuzzing (libFuzzer, clang, sanitizers; docs/security.md) ------------
#
# Every tests/fuzz/fuzz_NAME.c is a harness (LLVMFuzzerTestOneInput) linked
# against the host sources above, built again with clang, and its seed corpus
# is tests/fuzz/corpus/NAME/ (dictionary: tests/fuzz/NAME.dict if present).
# A harness that needs sources outside HOST_SRCS names them on a line
#   // fuzz-srcs: path/a.c path/b.c
# (any number of such lines).

FUZZCC   ?= clang
FUZZ_TIME ?= 60
FUZZ_SRCS := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_NAMES := $(patsubst tests/fuzz/fuzz_%.c,%,$(FUZZ_SRCS))
FUZZ_BINS := $(patsubst %,$(BUILD)/fuzz/fuzz_%,$(FUZZ_NAMES))
FUZZ_HOST_OBJS := $(patsubst %,$(BUILD)/fuzz/obj/%.o,$(HOST_SRCS))
FCFLAGS := $(filter-out -fsanitize=%,$(HCFLAGS)) -Itests/fuzz \
	-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
FLDFLAGS = -fsanitize=fuzzer,address,undefined $(HOST_ALLOC_WRAP)

fuzz_extra_srcs = $(filter-out $(HOST_SRCS),$(shell sed -n 's|^// fuzz-srcs:||p' tests/fuzz/fuzz_$(1).c))
fuzz_extra_objs = $(patsubst %,$(BUILD)/fuzz/obj/%.o,$(call fuzz_extra_srcs,$(1)))

$(BUILD)/fuzz/obj/%.c.o: %.c
	@echo "  FUZZCC  $<"
	@mkdir -p $(dir $@)
	$(Q)$(FUZZCC) $(FCFLAGS) -c -o $@ $<

define fuzz_rule
$(BUILD)/fuzz/fuzz_$(1): tests/fuzz/fuzz_$(1).c $(FUZZ_HOST_OBJS) $(call fuzz_extra_objs,$(1))
	@echo "  FUZZLD  $$@"
	@mkdir -p $$(dir $$@)
	$$(Q)$$(FUZZCC) $$(FCFLAGS) -o $$@ $$< $(FUZZ_HOST_OBJS) $(call fuzz_extra_objs,$(1)) $$(FLDFLAGS)
endef
$(foreach n,$(FUZZ_NAMES),$(eval $(call fuzz_rule,$(n))))

.SECONDARY: $(FUZZ_HOST_OBJS)

fuzz-build: $(FUZZ_BINS)

# Each harness for FUZZ_TIME seconds; new inputs go to build/fuzz/corpus/NAME/.
# Then the hostile suite's random instruction streams in Bochs for as long
# (tests/fuzz/run-hostile-fuzz.sh, fresh seeds each boot).
fuzz: deps
	$(Q)$(MAKE) --no-print-directory fuzz-build all
	$(Q)FUZZ_TIME=$(FUZZ_TIME) tests/fuzz/run-fuzz.sh long $(FUZZ_BINS); s=$$?; \
		FUZZ_TIME=$(FUZZ_TIME) tests/fuzz/run-hostile-fuzz.sh long || s=1; exit $$s

.PHONY: fuzz fuzz-build

# ---- running and testing ---------------------------------------------------

deps:
	$(Q)scripts/deps.sh

# make run: its own ISO, so build/slotvisor.iso keeps CMDLINE.  Without a
# CMDLINE, and on a terminal, the demo ends in the interactive console
# (docs/monitor.md); with no terminal to type on, it powers off as before.
# make run KERNEL=FILE [INITRD=FILE] [ENVFILE=FILE] [MODULES="FILE..."] [APPEND="..."] [MEM=SIZE] [CPUS=N]
#   [CPUID=FLAGS] [DISK=FILE] [HOTPLUG=SIZE [HOTPLUG_REQUEST=SIZE]]
# boots that guest instead (docs/guests.md); scripts/run.sh exits with the
# guest's status (make reports any non-zero one as its own error 2).
RUN_ISO := $(BUILD)/run.iso
export KERNEL INITRD ENVFILE MODULES APPEND MEM CPUS CPUID DISK HOTPLUG HOTPLUG_REQUEST UEFI

run: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)if [ -n "$(KERNEL)" ]; then exec scripts/run.sh; fi; \
	cmdline="$(CMDLINE)"; \
	if [ -z "$$cmdline" ] && [ -t 0 ]; then cmdline=slotvisor.console=1; fi; \
	scripts/mkiso.sh $(RUN_ISO) "$$cmdline" && exec scripts/run.sh $(RUN_ISO)

test: deps
	$(Q)$(MAKE) --no-print-directory all unit-build fuzz-build
	$(Q)UNIT_BINS="$(UNIT_BINS)" FUZZ_BINS="$(FUZZ_BINS)" tests/run-all.sh

# slotvisor on every Bochs CPU model with VT-x (about an hour; docs/running.md).
test-models: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)scripts/test-models.sh

clean:
	rm -rf $(BUILD)

.PHONY: all deps run test test-models unit unit-build clean
.DELETE_ON_ERROR:

-include $(KERNEL_OBJS:.o=.d) $(KTEST_OBJS:.o=.d) $(HOST_OBJS:.o=.d) $(UNIT_BINS:=.d) \
	$(FUZZ_HOST_OBJS:.o=.d) $(FUZZ_BINS:=.d)

# ---- memslot/ept: hostlib, stress, bench ------------------------------------
#
#   make hostlib   build/host/libslotvisor.a (public header include/slotvisor/host.h),
#                  checked by linking and running a program that uses only that header
#   make stress    the memslot churn test with 10^6 operations per seed
#   make bench     memslot and EPT benchmarks (optimized, no sanitizers); prints figures

# Host programs link with --wrap so that arch/fake/failinject.c can fail any allocation.
HOST_ALLOC_WRAP := -Wl,--wrap=frame_alloc,--wrap=frame_zalloc,--wrap=kmalloc,--wrap=kzalloc,--wrap=kcalloc
HLDFLAGS += $(HOST_ALLOC_WRAP)

HOSTLIB := $(BUILD)/host/libslotvisor.a

$(HOSTLIB): $(HOST_OBJS)
	@echo "  AR      $@"
	$(Q)rm -f $@ && $(AR) rcs $@ $(HOST_OBJS)

$(BUILD)/host/hostlib_check: tests/unit/hostlib_check.c $(HOSTLIB) include/slotvisor/host.h
	@echo "  HOSTLD  $@"
	$(Q)$(HOSTCC) -std=c11 -O1 -g -Wall -Wextra -Werror -fsanitize=address,undefined \
		-Iinclude -o $@ $< -L$(BUILD)/host -lslotvisor -fsanitize=address,undefined

hostlib: $(HOSTLIB) $(BUILD)/host/hostlib_check
	$(Q)$(BUILD)/host/hostlib_check

stress: $(BUILD)/unit/test_memslot_churn
	$(Q)SLOTVISOR_CHURN_OPS=1000000 CMOCKA_MESSAGE_OUTPUT=TAP $<

BENCH_SRCS := lib/printf.c lib/kprintf.c lib/errno.c $(MM_SRCS) $(MEMSLOT_SRCS) $(EPT_SRCS) \
	$(FAKE_SRCS)
BENCH_OBJS := $(patsubst %,$(BUILD)/bench/%.o,$(BENCH_SRCS))
BCFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Wno-unused-parameter \
	-Iinclude -Iarch/fake -Itests/unit -MMD -MP

$(BUILD)/bench/%.c.o: %.c
	@echo "  BENCHCC $<"
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(BCFLAGS) -c -o $@ $<

$(BUILD)/bench/bench_memslot: tests/bench/bench_memslot.c $(BENCH_OBJS)
	@echo "  HOSTLD  $@"
	$(Q)$(HOSTCC) $(BCFLAGS) -o $@ $< $(BENCH_OBJS) $(HOST_ALLOC_WRAP)

# The figures (memslot and EPT on the host; VMX, Linux's boot and
# kvm-unit-tests' vmexit.flat in Bochs) into build/bench/last.txt, then compared with the
# ones kept in docs/performance.md: a figure in Bochs ticks (an instruction
# count) more than 10% above its kept value is printed loudly and make
# bench fails; BENCH_KEEP=1 keeps this run's figures instead
# (scripts/bench-check.py).
bench: deps $(BUILD)/bench/bench_memslot
	$(Q)$(MAKE) --no-print-directory all
	$(Q){ $(BUILD)/bench/bench_memslot && scripts/bench-vmx.sh && \
		{ scripts/bench-linux.sh || [ $$? = 3 ]; } && \
		{ scripts/bench-kut.sh || [ $$? = 3 ]; }; } 2>&1 | tee $(BUILD)/bench/last.txt
	$(Q)scripts/bench-check.py $(BUILD)/bench/last.txt $(if $(filter 1,$(BENCH_KEEP)),--keep)

# The VMX figures, measured in Bochs (scripts/bench-vmx.sh).
bench-vmx: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)scripts/bench-vmx.sh

.PHONY: hostlib stress bench bench-vmx
-include $(BENCH_OBJS:.o=.d)
