# slotvisor: a bare-metal VT-x/EPT hypervisor.  GNU make; V=1 shows commands.
#
#   make            build/slotvisor.elf and build/slotvisor.iso
#   make run        install what is missing, boot in Bochs (or QEMU+KVM with VT-x)
#   make test       install what is missing, run every suite; ends "N passed, N failed"
#   make unit       host unit tests only (sanitizers)
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

# ---- the kernel ------------------------------------------------------------

KERNEL_SRCS := $(wildcard boot/*.S boot/*.c arch/x86/*.S arch/x86/*.c \
                 lib/*.c mm/*.c memslot/*.c ept/*.c vmx/*.c vmx/*.S vmm/*.c \
                 tests/kernel/*.c)
KERNEL_OBJS := $(patsubst %,$(BUILD)/kernel/%.o,$(KERNEL_SRCS))

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
	$(Q)objcopy -O binary $< $@

# Real-mode guests: 16-bit code linked at GUEST_REAL_LOAD_GPA (0x8000).
$(BUILD)/guests/%.bin: guests/real/%.S
	@echo "  GUEST16 $@"
	@mkdir -p $(dir $@)
	$(Q)$(CC) -m32 -c -Wa,--noexecstack -o $(BUILD)/guests/$*.o $<
	$(Q)ld -m elf_i386 -Ttext=0x8000 --oformat binary -o $@ $(BUILD)/guests/$*.o

# Multiboot v1 guests (guests/mb1/), in kvm-unit-tests' shape: linked as an
# ELF64 at 4 MiB, embedded as the ELF32 file a multiboot loader reads.
$(BUILD)/guests/mb1_%.bin: guests/mb1/%.S guests/mb1/boot.inc guests/mb1/mb1.ld
	@echo "  GUESTMB $@"
	@mkdir -p $(dir $@)
	$(Q)$(CC) -c -Wa,--noexecstack -o $(BUILD)/guests/mb1_$*.o $<
	$(Q)ld -m elf_x86_64 -nostdlib -z noseparate-code --build-id=none -T guests/mb1/mb1.ld \
		-o $(BUILD)/guests/mb1_$*.elf64 $(BUILD)/guests/mb1_$*.o
	$(Q)objcopy -O elf32-i386 $(BUILD)/guests/mb1_$*.elf64 $@

# bzImage-shaped guests (guests/bz/): setup header and kernel in one flat file.
$(BUILD)/guests/bz_%.bin: guests/bz/%.S
	@echo "  GUESTBZ $@"
	@mkdir -p $(dir $@)
	$(Q)$(CC) -c -Wa,--noexecstack -o $(BUILD)/guests/bz_$*.o $<
	$(Q)objcopy -O binary -j .text $(BUILD)/guests/bz_$*.o $@

# One table entry and one .incbin per guest (see vmm/guest_images.c).
$(BUILD)/guests/images.S: $(GUEST_BINS) Makefile
	@mkdir -p $(dir $@)
	$(Q){ for g in $(GUEST_NAMES); do \
		printf '\t.section .rodata.guest_blobs, "a"\n\t.balign 16\n%s_start:\n\t.incbin "%s"\n%s_end:\n' \
			"guest_$$g" "$(BUILD)/guests/$$g.bin" "guest_$$g"; \
		printf '\t.section .rodata\n%s_name:\n\t.asciz "%s"\n' "guest_$$g" "$$g"; \
		printf '\t.section .guest_images, "a"\n\t.balign 8\n\t.quad %s_name, %s_start, %s_end\n' \
			"guest_$$g" "guest_$$g" "guest_$$g"; \
	done; } >$@

KERNEL_OBJS += $(BUILD)/guests/images.o
$(BUILD)/guests/images.o: $(BUILD)/guests/images.S
	$(Q)$(CC) $(KASFLAGS) -c -o $@ $<

ELF := $(BUILD)/slotvisor.elf
ISO := $(BUILD)/slotvisor.iso

all: $(ELF) $(ISO)

$(ELF): $(KERNEL_OBJS) linker.ld
	@echo "  LD      $@"
	$(Q)$(CC) $(KLDFLAGS) -o $@ $(KERNEL_OBJS) -lgcc
	$(Q)grub-file --is-x86-multiboot2 $@ || { echo "$@: not multiboot2" >&2; rm -f $@; exit 1; }

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

HOST_SRCS := lib/printf.c lib/kprintf.c lib/errno.c lib/glob.c lib/cmdline.c lib/parse.c \
	$(wildcard mm/*.c memslot/*.c ept/*.c arch/fake/*.c) boot/multiboot2.c \
	arch/x86/acpi_tables.c arch/x86/acpi_pm.c arch/x86/acpi_madt.c vmx/check.c vmx/check_controls.c vmx/check_host.c \
	vmx/check_guest.c vmx/check_guest_segs.c vmx/vmcs_names.c arch/x86/insn_decode.c \
	vmm/uart16550.c vmm/pic8259.c vmm/pit8254.c vmm/lapic.c vmm/image.c vmm/load_plan.c vmm/bzimage.c \
	vmm/multiboot1.c vmm/vm_memory.c vmm/monitor.c vmm/monitor_info.c vmm/monitor_stats.c \
	vmm/monitor_slot.c vmm/console_input.c vmx/exit_reason.c
HOST_SRCS := $(filter $(wildcard $(HOST_SRCS)),$(HOST_SRCS))
HOST_OBJS := $(patsubst %,$(BUILD)/host/%.o,$(HOST_SRCS))
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/unit/%,$(UNIT_SRCS))

HCFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -Wno-unused-parameter \
	-fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer -Iinclude -Iarch/fake -Itests/unit -MMD -MP
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

.SECONDARY: $(HOST_OBJS) $(patsubst %,$(BUILD)/guests/%.elf,$(GUEST_C_NAMES))

unit-build: $(UNIT_BINS)

unit: deps
	$(Q)$(MAKE) --no-print-directory unit-build
	$(Q)tests/run-unit.sh $(UNIT_BINS)

# ---- running and testing ---------------------------------------------------

deps:
	$(Q)scripts/deps.sh

# make run: its own ISO, so build/slotvisor.iso keeps CMDLINE.  Without a
# CMDLINE, and on a terminal, the demo ends in the interactive console
# (docs/monitor.md); with no terminal to type on, it powers off as before.
# make run KERNEL=FILE [INITRD=FILE] [ENVFILE=FILE] [MODULES="FILE..."] [APPEND="..."] [MEM=SIZE] [CPUS=N]
# boots that guest instead (docs/guests.md); scripts/run.sh exits with the
# guest's status (make reports any non-zero one as its own error 2).
RUN_ISO := $(BUILD)/run.iso
export KERNEL INITRD ENVFILE MODULES APPEND MEM CPUS

run: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)if [ -n "$(KERNEL)" ]; then exec scripts/run.sh; fi; \
	cmdline="$(CMDLINE)"; \
	if [ -z "$$cmdline" ] && [ -t 0 ]; then cmdline=slotvisor.console=1; fi; \
	scripts/mkiso.sh $(RUN_ISO) "$$cmdline" && exec scripts/run.sh $(RUN_ISO)

test: deps
	$(Q)$(MAKE) --no-print-directory all unit-build
	$(Q)UNIT_BINS="$(UNIT_BINS)" tests/run-all.sh

clean:
	rm -rf $(BUILD)

.PHONY: all deps run test unit unit-build clean
.DELETE_ON_ERROR:

-include $(KERNEL_OBJS:.o=.d) $(HOST_OBJS:.o=.d) $(UNIT_BINS:=.d)

# ---- memslot/ept: hostlib, stress, bench (issue 5) --------------------------
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
	$(Q)rm -f $@ && ar rcs $@ $(HOST_OBJS)

$(BUILD)/host/hostlib_check: tests/unit/hostlib_check.c $(HOSTLIB) include/slotvisor/host.h
	@echo "  HOSTLD  $@"
	$(Q)$(HOSTCC) -std=c11 -O1 -g -Wall -Wextra -Werror -fsanitize=address,undefined \
		-Iinclude -o $@ $< -L$(BUILD)/host -lslotvisor -fsanitize=address,undefined

hostlib: $(HOSTLIB) $(BUILD)/host/hostlib_check
	$(Q)$(BUILD)/host/hostlib_check

stress: $(BUILD)/unit/test_memslot_churn
	$(Q)SLOTVISOR_CHURN_OPS=1000000 CMOCKA_MESSAGE_OUTPUT=TAP $<

BENCH_SRCS := lib/printf.c lib/kprintf.c lib/errno.c \
	$(wildcard mm/*.c memslot/*.c ept/*.c arch/fake/*.c)
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

bench: $(BUILD)/bench/bench_memslot bench-vmx
	$(Q)$(BUILD)/bench/bench_memslot

# The VMX figures, measured in Bochs (scripts/bench-vmx.sh).
bench-vmx: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)scripts/bench-vmx.sh

.PHONY: hostlib stress bench bench-vmx
-include $(BENCH_OBJS:.o=.d)
