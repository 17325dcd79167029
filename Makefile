# hilo: one Makefile, no recursion.  `make help` lists the targets.
#
# Output goes to $(BUILD) (default build/).  V=1 shows full commands.

BUILD    ?= build
CROSS    ?= i686-linux-gnu-
CC       := $(CROSS)gcc
LD       := $(CROSS)ld
NM       := $(CROSS)nm
OBJCOPY  := $(CROSS)objcopy
OBJDUMP  := $(CROSS)objdump
NASM     := nasm
PYTHON   ?= python3

# Run-time knobs, passed through to tools/run (see README).
MEM      ?= 1G
SMP      ?= 1
CPU      ?= max
ACCEL    ?= tcg
BOOT     ?= kernel
CMDLINE  ?=
export MEM SMP CPU ACCEL BOOT CMDLINE BUILD
# tests/host/runner.py reads the kernel's symbol table with the same nm.
export CROSS NM

ifeq ($(V),1)
Q :=
else
Q := @
MAKEFLAGS += --no-print-directory
endif
quiet = $(if $(Q),@printf '  %-7s %s\n' '$(1)' '$(2)';)

WARNINGS := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
            -Wmissing-prototypes -Wmissing-declarations -Wpointer-arith \
            -Wundef -Wvla -Wwrite-strings -Wcast-align -Wformat=2 \
            -Wnull-dereference -Wimplicit-fallthrough -Wno-unused-parameter

# -fno-toplevel-reorder: GCC emits a file's top-level variables in the order
# they are defined.  KTEST() and BENCH() register their descriptors in the
# linker sections .ktests and .benches (include/hilo/ktest.h, bench.h), and
# the runners walk those sections from __start_* to __stop_*: the order of
# a suite's cases, of the KTAP they print and of the benchmarks is the
# order of definition in the source only with this flag (at -O2 GCC would
# otherwise emit them in an order of its own, e.g. reversed).
CFLAGS := -std=gnu11 -m32 -march=i686 -O2 -g \
          -ffreestanding -nostdlib -fno-builtin -fno-pic -fno-pie \
          -fno-stack-protector -fno-omit-frame-pointer -mno-omit-leaf-frame-pointer \
          -fno-asynchronous-unwind-tables -fno-strict-aliasing -fno-toplevel-reorder \
          -mgeneral-regs-only -mno-sse -mno-mmx \
          $(WARNINGS) -Iinclude -MMD -MP
ASFLAGS := -f elf32 -g -F dwarf -Iinclude/
LDFLAGS := -m elf_i386 -nostdlib -z noexecstack --no-warn-rwx-segments

C_SRCS   := $(sort $(wildcard arch/x86/*.c kernel/*.c mm/*.c tests/kernel/*.c))
ASM_SRCS := $(sort $(wildcard boot/*.asm arch/x86/*.asm))

# Two kernels from the same sources: $(BUILD)/kernel.elf, what `make run`
# boots, and $(BUILD)/debug/kernel.elf, the test build, with the kmap
# debug options (guard slots between local maps, real local mappings for
# lowmem pages; the SMP debug words `noshootdown` and `phantom_apic=`, see
# arch/x86/tlb.c and arch/x86/smpboot.c).
# tests/matrix says which configuration boots which.
DEBUG_CFLAGS := -DCONFIG_DEBUG_KMAP_LOCAL -DCONFIG_DEBUG_KMAP_LOCAL_FORCE_MAP \
                -DCONFIG_DEBUG_SMP

KERNEL   := $(BUILD)/kernel.elf
KERNEL_DEBUG := $(BUILD)/debug/kernel.elf
ISO      := $(BUILD)/hilo.iso

.PHONY: all iso run test debug bench stress check clean help deps host-test fuzz FORCE
.DEFAULT_GOAL := all

all: $(KERNEL) $(BUILD)/kernel.sym $(BUILD)/kernel.asm \
     $(KERNEL_DEBUG) $(BUILD)/debug/kernel.sym $(BUILD)/debug/kernel.asm

# Install any missing Debian package before the first compile.  The stamp
# records that the check passed for this build directory (and is redone
# when the list of packages changes).
$(BUILD)/.deps: tools/install-deps
	$(Q)tools/install-deps
	$(Q)mkdir -p $(@D) && touch $@

deps:
	$(Q)tools/install-deps

# The user programs: every user/NAME.c is one, linked with the runtime in
# user/lib/ (start.asm's _start, the system call wrappers, printf and
# CHECK; see user/lib/ulib.h) by user/user.ld into $(BUILD)/user/NAME.elf:
# a static ELF at 0x08048000 with three PT_LOADs (text R+X, rodata R,
# data and bss R+W), each starting on a page of its own.  They are built
# for the user ABI alone: -Iinclude/uapi (<hilo/unistd.h>, <hilo/errno.h>,
# <hilo/abi.h>), never the kernel's headers.  $(BUILD)/user/NAME.full is
# the link with its symbols and DWARF, for nm, objdump and addr2line on a
# user address; NAME.elf is it stripped, the image the kernel carries.
#
# tools/user-programs writes $(BUILD)/user/programs.asm: the table
# user_programs[] (include/hilo/user_programs.h) with every ELF incbin'd.
# Its object is linked into both kernels (it is in each variant's OBJS
# below, so it feeds the build id and a changed program relinks them),
# where execve finds a program by name (kernel/user_programs.c).
# programs.list holds the programs' names and is rewritten only when they
# change, so that removing a program rebuilds the table too.
USER_CFLAGS := -std=gnu11 -m32 -march=i686 -O2 -g \
               -ffreestanding -nostdlib -fno-builtin -fno-pic -fno-pie -static \
               -fno-stack-protector -fno-omit-frame-pointer -mno-omit-leaf-frame-pointer \
               -fno-asynchronous-unwind-tables -fno-strict-aliasing -mgeneral-regs-only \
               $(WARNINGS) -Iinclude/uapi -Iuser/lib -MMD -MP
USER_LDFLAGS := -m elf_i386 -nostdlib -static -z noexecstack --orphan-handling=error

USER_NAMES    := $(sort $(basename $(notdir $(wildcard user/*.c))))
USER_C_OBJS   := $(patsubst %.c,$(BUILD)/%.o,$(sort $(wildcard user/*.c user/lib/*.c)))
USER_ASM_OBJS := $(patsubst %.asm,$(BUILD)/%.o,$(sort $(wildcard user/lib/*.asm)))
USER_LIB_OBJS := $(filter $(BUILD)/user/lib/%,$(USER_C_OBJS)) $(USER_ASM_OBJS)
USER_ELFS     := $(patsubst %,$(BUILD)/user/%.elf,$(USER_NAMES))
USER_PROGRAMS := $(BUILD)/user/programs.o

$(USER_C_OBJS): $(BUILD)/%.o: %.c | $(BUILD)/.deps
	$(call quiet,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(USER_CFLAGS) -c $< -o $@

$(USER_ASM_OBJS): $(BUILD)/%.o: %.asm | $(BUILD)/.deps
	$(call quiet,AS,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(NASM) -f elf32 -g -F dwarf -MD $(@:.o=.d) -MP $< -o $@

$(USER_ELFS): $(BUILD)/user/%.elf: $(BUILD)/user/%.o $(USER_LIB_OBJS) user/user.ld
	$(call quiet,LD,$@)
	$(Q)$(LD) $(USER_LDFLAGS) -T user/user.ld -o $(@:.elf=.full) $< $(USER_LIB_OBJS)
	$(Q)$(OBJCOPY) --strip-all $(@:.elf=.full) $@

$(BUILD)/user/programs.list: FORCE
	$(Q)mkdir -p $(@D)
	$(Q)echo '$(USER_NAMES)' | cmp -s - $@ || echo '$(USER_NAMES)' > $@

$(BUILD)/user/programs.asm: $(USER_ELFS) $(BUILD)/user/programs.list tools/user-programs
	$(call quiet,GEN,$@)
	$(Q)tools/user-programs $@ $(USER_ELFS)

$(USER_PROGRAMS): $(BUILD)/user/programs.asm
	$(call quiet,AS,$@)
	$(Q)$(NASM) -f elf32 $< -o $@

-include $(USER_C_OBJS:.o=.d) $(USER_ASM_OBJS:.o=.d)

# kernel_variant DIR EXTRA_CFLAGS: the rules that build DIR/kernel.elf.
# Its objects are DIR's, and the user programs' table, the same for both.
#
# asm-offsets: constants for NASM and GDB, generated from the C headers
# (tools/asm-offsets.c), per variant since the debug options change some.
#
# The kernel carries its own build id (tools/build-id: the link's date and
# time and a hash of its objects; include/hilo/build_id.h), generated once
# per link before the passes below, and its own symbol table (for
# backtraces).  Linking it
# changes the addresses that follow it, so link three times: with an empty
# table, with a table of the right size, and with the final table; then
# check that the last table describes the final image exactly.
define kernel_variant
$(1)_OBJS := $$(patsubst %.c,$(1)/%.o,$$(C_SRCS)) $$(patsubst %.asm,$(1)/%.o,$$(ASM_SRCS)) \
             $$(USER_PROGRAMS)
$(1)_CFLAGS := $$(CFLAGS) $(2)
$(1)_OFFSETS := $(1)/include/asm-offsets.inc $(1)/include/asm-offsets.py

$(1)/%.o: %.c | $$(BUILD)/.deps
	$$(call quiet,CC,$$@)
	$$(Q)mkdir -p $$(@D)
	$$(Q)$$(CC) $$($(1)_CFLAGS) -c $$< -o $$@

# NASM's dependency list leaves out the generated asm-offsets.inc it
# includes, so every assembly file depends on it explicitly.
$(1)/%.o: %.asm $(1)/include/asm-offsets.inc | $$(BUILD)/.deps
	$$(call quiet,AS,$$@)
	$$(Q)mkdir -p $$(@D)
	$$(Q)$$(NASM) $$(ASFLAGS) -I$(1)/include/ -MD $$(@:.o=.d) -MP $$< -o $$@

# NASM's DWARF describes one code section per file, and head.asm has two
# (.boot.text, .text): gdb then warns "pc ... in address map, but not in
# symtab" on every stop whose backtrace crosses it (start_kernel's).
# Assemble it without debug information.
$(1)/boot/head.o: ASFLAGS := $$(filter-out -g -F dwarf,$$(ASFLAGS))

$(1)/include/asm-offsets.s: tools/asm-offsets.c | $$(BUILD)/.deps
	$$(call quiet,GEN,$$@)
	$$(Q)mkdir -p $$(@D)
	$$(Q)$$(CC) $$($(1)_CFLAGS) -S $$< -o $$@

$(1)/include/asm-offsets.inc: $(1)/include/asm-offsets.s
	$$(Q)sed -n 's/.*->\([A-Za-z0-9_]*\) \(-\{0,1\}[0-9]*\).*/%define \1 (\2)/p' $$< > $$@

$(1)/include/asm-offsets.py: $(1)/include/asm-offsets.s
	$$(Q){ echo '# Generated from tools/asm-offsets.c: do not edit.'; \
	  sed -n 's/.*->\([A-Za-z0-9_]*\) \(-\{0,1\}[0-9]*\).*/\1 = (\2) \& 0xffffffff/p' $$<; } > $$@

$(1)/kernel.elf: $$($(1)_OBJS) $$($(1)_OFFSETS) linker.ld tools/ksyms tools/build-id
	$$(call quiet,LD,$$@)
	$$(Q)tools/build-id $$($(1)_OBJS) linker.ld > $(1)/build_id.c
	$$(Q)$$(CC) $$($(1)_CFLAGS) -c $(1)/build_id.c -o $(1)/build_id.o
	$$(Q)tools/ksyms /dev/null > $(1)/ksyms0.c
	$$(Q)$$(CC) $$($(1)_CFLAGS) -c $(1)/ksyms0.c -o $(1)/ksyms0.o
	$$(Q)$$(LD) $$(LDFLAGS) -T linker.ld -o $(1)/kernel.0.elf $$($(1)_OBJS) $(1)/build_id.o $(1)/ksyms0.o
	$$(Q)$$(NM) -n $(1)/kernel.0.elf | tools/ksyms - > $(1)/ksyms1.c
	$$(Q)$$(CC) $$($(1)_CFLAGS) -c $(1)/ksyms1.c -o $(1)/ksyms1.o
	$$(Q)$$(LD) $$(LDFLAGS) -T linker.ld -o $(1)/kernel.1.elf $$($(1)_OBJS) $(1)/build_id.o $(1)/ksyms1.o
	$$(Q)$$(NM) -n $(1)/kernel.1.elf | tools/ksyms - > $(1)/ksyms2.c
	$$(Q)$$(CC) $$($(1)_CFLAGS) -c $(1)/ksyms2.c -o $(1)/ksyms2.o
	$$(Q)$$(LD) $$(LDFLAGS) -T linker.ld -o $$@ $$($(1)_OBJS) $(1)/build_id.o $(1)/ksyms2.o
	$$(Q)$$(NM) -n $$@ | tools/ksyms - | cmp -s - $(1)/ksyms2.c || \
		{ echo "ksyms: symbol table did not converge" >&2; rm -f $$@; exit 1; }

$(1)/kernel.sym: $(1)/kernel.elf
	$$(Q)$$(NM) -n $$< > $$@

$(1)/kernel.asm: $(1)/kernel.elf
	$$(Q)$$(OBJDUMP) -d -S -M intel $$< > $$@

-include $$($(1)_OBJS:.o=.d) $(1)/include/asm-offsets.d
endef

$(eval $(call kernel_variant,$(BUILD),))
$(eval $(call kernel_variant,$(BUILD)/debug,$(DEBUG_CFLAGS)))

iso: $(ISO)
$(ISO): $(KERNEL) tools/grub.cfg
	$(call quiet,ISO,$@)
	$(Q)rm -rf $(BUILD)/isodir && mkdir -p $(BUILD)/isodir/boot/grub
	$(Q)cp $(KERNEL) $(BUILD)/isodir/boot/kernel.elf
	$(Q)cp tools/grub.cfg $(BUILD)/isodir/boot/grub/grub.cfg
	$(Q)grub-mkrescue -o $@ $(BUILD)/isodir > $(BUILD)/grub-mkrescue.log 2>&1 || \
		{ cat $(BUILD)/grub-mkrescue.log >&2; exit 1; }

# Boot once in QEMU with the serial console on this terminal; the exit
# status is the self-tests' verdict (0: all passed).
run: all $(if $(filter iso,$(BOOT)),iso)
	$(Q)tools/run

# The whole test matrix (see tests/matrix), after the host unit tests.
test: all iso host-test
	$(Q)$(PYTHON) tests/host/runner.py

# Host tests of the pure kernel code, built with clang, ASan and UBSan:
# the firmware-table parsers (arch/x86/acpi.c, mptable.c, smp_parse.c)
# against a fake physical memory (tests/host/smp_*.c); the memory-map
# sanitizer, the command line parser, vsnprintf, the buddy allocator and
# execve's ELF parser (mm/memmap.c, kernel/cmdline.c, kernel/vsprintf.c,
# mm/page_alloc.c, kernel/elf.c) against tests/host/hilo_host.c, with the
# shim headers of tests/host/include/ in front of include/.  host-test
# runs every program and ends with the total "N passed, N failed".
# `make fuzz` runs each libFuzzer target for FUZZ_S seconds; the corpora
# grow under $(BUILD)/host/corpus/, seeded from tests/host/corpus/.
HOST_CC     ?= clang
FUZZ_S      ?= 30
HOST_CFLAGS := -std=c11 -g -O1 -fno-omit-frame-pointer \
               -fsanitize=address,undefined -fno-sanitize-recover=all \
               -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
               -Wmissing-prototypes -Wvla -Wcast-align -Iinclude -Itests/host
HOST_PARSERS := arch/x86/acpi.c arch/x86/mptable.c arch/x86/smp_parse.c
HOST_DEPS    := $(HOST_PARSERS) tests/host/smp_fakemem.c tests/host/smp_fakemem.h \
                include/asm/smp_config.h include/hilo/types.h
# The kernel's own code on the host: gnu11 (statement expressions), the
# shims first.  vsprintf.c is built as hilo_vsnprintf (tests/host/hilo_vsprintf.c)
# so that the C library's vsnprintf stays the C library's.
KHOST_CFLAGS := $(filter-out -std=c11 -Iinclude -Itests/host,$(HOST_CFLAGS)) \
                -std=gnu11 -Wno-macro-redefined -Wno-unused-parameter -Wno-cast-align -Itests/host/include -Iinclude -Itests/host
KHOST_COMMON := tests/host/hilo_host.c tests/host/hilo_host.h tests/host/host_test.h \
                $(wildcard tests/host/include/*/*.h) $(wildcard include/hilo/*.h include/asm/*.h)
KHOST_memmap     := mm/memmap.c tests/host/memmap_check.h
KHOST_cmdline    := kernel/cmdline.c tests/host/cmdline_check.h
KHOST_vsprintf   := tests/host/hilo_vsprintf.c kernel/vsprintf.c
KHOST_page_alloc := mm/page_alloc.c tests/host/page_alloc_host.c tests/host/page_alloc_host.h
KHOST_elf        := kernel/elf.c tests/host/elf_check.h $(wildcard include/uapi/hilo/*.h)
# KHOST_NAME_test: what only the unit test is built from.
KHOST_elf_test   := tests/host/elf_image.c tests/host/elf_image.h \
                    tests/host/elf_harness.c tests/host/elf_harness.h \
                    tests/host/elf_mutate.c tests/host/elf_mutate.h \
                    tests/host/elf32_compare.c tests/host/elf32_compare.h
KHOST_UNITS  := memmap cmdline vsprintf page_alloc elf
HOST_TESTS   := $(BUILD)/host/smp_config_test $(patsubst %,$(BUILD)/host/%_test,$(KHOST_UNITS))
FUZZERS      := madt mptable memmap cmdline vsprintf page_alloc elf

$(BUILD)/host/smp_config_test: tests/host/smp_config_test.c $(HOST_DEPS) | $(BUILD)/.deps
	$(call quiet,HOSTCC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(HOST_CC) $(HOST_CFLAGS) $(filter %.c,$^) -o $@

$(BUILD)/host/fuzz_madt $(BUILD)/host/fuzz_mptable: $(BUILD)/host/fuzz_%: tests/host/fuzz_%.c tests/host/fuzz_smp.h $(HOST_DEPS) | $(BUILD)/.deps
	$(call quiet,HOSTCC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(HOST_CC) $(HOST_CFLAGS) -fsanitize=fuzzer $(filter %.c,$^) -o $@

# khost_unit NAME: the unit test program and the fuzzer of one kernel file.
define khost_unit
$(BUILD)/host/$(1)_test: tests/host/$(1)_test.c $$(KHOST_$(1)) $$(KHOST_$(1)_test) $$(KHOST_COMMON) | $$(BUILD)/.deps
	$$(call quiet,HOSTCC,$$@)
	$$(Q)mkdir -p $$(@D)
	$$(Q)$$(HOST_CC) $$(KHOST_CFLAGS) $$(filter-out kernel/vsprintf.c,$$(filter %.c,$$^)) -o $$@

$(BUILD)/host/fuzz_$(1): tests/host/fuzz_$(1).c $$(KHOST_$(1)) $$(KHOST_COMMON) | $$(BUILD)/.deps
	$$(call quiet,HOSTCC,$$@)
	$$(Q)mkdir -p $$(@D)
	$$(Q)$$(HOST_CC) $$(KHOST_CFLAGS) -fsanitize=fuzzer $$(filter-out kernel/vsprintf.c,$$(filter %.c,$$^)) -o $$@
endef
$(foreach u,$(KHOST_UNITS),$(eval $(call khost_unit,$(u))))

# elf_test also runs kernel/elf.c as the kernel's compiler builds it, with
# the kernel's CFLAGS (i686: a 32-bit unsigned long), in a static program
# without a C library (tests/host/elf32_run.c), and checks that both
# builds give the same result for every image it parses (elf32_compare.c).
$(BUILD)/host/elf32_run: tests/host/elf32_run.c kernel/elf.c include/hilo/elf.h \
                         include/hilo/types.h $(wildcard include/uapi/hilo/*.h) | $(BUILD)/.deps
	$(call quiet,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(filter-out -MMD -MP,$(CFLAGS)) -static -no-pie $(filter %.c,$^) -o $@
$(BUILD)/host/elf_test: | $(BUILD)/host/elf32_run

host-test: $(HOST_TESTS)
	$(Q)passed=0; failed=0; \
	for t in $(HOST_TESTS); do \
		$$t > $$t.log 2>&1; status=$$?; \
		summary=$$(tail -n 1 $$t.log); \
		if echo "$$summary" | grep -qE '^[0-9]+ passed, [0-9]+ failed$$'; then \
			sed '$$d' $$t.log; \
			set -- $$summary; passed=$$((passed + $$1)); failed=$$((failed + $$3)); \
			[ $$status -eq 0 ] || [ $$3 -ne 0 ] || failed=$$((failed + 1)); \
		else \
			cat $$t.log; echo "host-test: $$t stopped (status $$status)"; \
			failed=$$((failed + 1)); \
		fi; \
	done; \
	echo "$$passed passed, $$failed failed"; \
	[ $$failed -eq 0 ]

fuzz: $(patsubst %,$(BUILD)/host/fuzz_%,$(FUZZERS))
	$(Q)for f in $(FUZZERS); do \
		mkdir -p $(BUILD)/host/corpus/$$f $(BUILD)/host/artifacts && \
		echo "  FUZZ    $$f ($(FUZZ_S) s)" && \
		$(BUILD)/host/fuzz_$$f -max_total_time=$(FUZZ_S) -print_final_stats=1 \
			-artifact_prefix=$(BUILD)/host/artifacts/$$f- \
			$(BUILD)/host/corpus/$$f $$(ls -d tests/host/corpus/$$f 2>/dev/null) \
			> $(BUILD)/host/fuzz_$$f.log 2>&1 || \
			{ tail -n 40 $(BUILD)/host/fuzz_$$f.log; exit 1; }; \
		grep -E '^stat::number_of_executed_units|^Done' $(BUILD)/host/fuzz_$$f.log | \
			sed 's/^/          /'; \
	done

# The benchmarks (tools/bench, docs/bench.md): boot the plain kernel with
# bench=* in both direct-map modes (2 MiB, 4 KiB), ROUNDS=3 times each,
# and the user page fault and fork+exit cases again with `nohighpte`;
# print the tables, write $(BUILD)/bench/results.{csv,json,md} and bench.png.
# BENCH=GLOB[,GLOB] selects cases.
bench: $(KERNEL)
	$(Q)tools/bench

# The stress run (tools/stress, README "Stress"): boot the test build with
# stress=DURATION[,seed=SEED]; write $(BUILD)/stress/report.txt,
# samples.csv and stress.png.  Exit status as tools/run's.
DURATION ?= 60
SEED     ?=
stress: $(KERNEL_DEBUG)
	$(Q)DURATION=$(DURATION) SEED=$(SEED) tools/stress

# Reject new uses of the deprecated kmap()/kmap_atomic() outside mm/, tests/.
check:
	$(Q)tools/check-deprecated --self-test >/dev/null
	$(Q)tools/check-deprecated

debug: all
	$(Q)tools/debug

clean:
	$(call quiet,CLEAN,$(BUILD))
	$(Q)rm -rf $(BUILD)

help:
	@echo 'hilo targets:'
	@echo '  all      build $(BUILD)/kernel.elf and the test build $(BUILD)/debug/kernel.elf (each + .sym, .asm),'
	@echo '           with the user programs $(BUILD)/user/*.elf linked in'
	@echo '  iso      build $(BUILD)/hilo.iso (GRUB rescue image)'
	@echo '  run      boot in QEMU, run the self-tests, exit with their status'
	@echo '  test     run host-test, then the whole test matrix (tests/matrix)'
	@echo '  host-test host unit tests (clang, ASan, UBSan): firmware tables, memmap, cmdline, vsprintf, buddy allocator, ELF parser'
	@echo '  fuzz     run each libFuzzer target ($(FUZZERS)) for FUZZ_S seconds (default 30)'
	@echo '  debug    boot paused under QEMU gdbstub and attach gdb'
	@echo '  bench    benchmark every mapping path (2M vs 4K direct map) and user page faults and fork+exit (highpte vs nohighpte): table, $(BUILD)/bench/ (BENCH=glob)'
	@echo '  stress   DURATION s of every mapping path on every CPU at once, checked: $(BUILD)/stress/'
	@echo '  check    reject deprecated kmap()/kmap_atomic() uses outside mm/ and tests/'
	@echo '  deps     install the Debian packages hilo needs (make does it when one is missing)'
	@echo '  clean    remove $(BUILD)'
	@echo 'variables: MEM=$(MEM) SMP=$(SMP) CPU=$(CPU) ACCEL=tcg|kvm|auto'
	@echo '           BOOT=kernel|iso CMDLINE="..." KERNEL=path TIMEOUT=s BUILD=$(BUILD) V=1'
	@echo '           DEBUG_KERNEL=plain|debug (make debug: which kernel build)'
	@echo '           BENCH=glob ROUNDS=n SMP=n SCALING=1 (make bench; see docs/bench.md)'
	@echo '           DURATION=s SEED=n (make stress; with MEM, SMP, CPU)'
	@echo '           HOST_CC=$(HOST_CC) FUZZ_S=$(FUZZ_S) (make host-test, make fuzz)'

