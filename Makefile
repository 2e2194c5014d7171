# boxlab - build, grade and test the lab.  `make help` lists the targets.
#
# Three kinds of build share this file:
#   build/solutions/   the reference code (solutions/NN-*/)
#   build/exercises/   the student's code (exercises/NN-*/)
#   build/stub/ID/     the solutions with only exercise ID's stub swapped in,
#                      which `make test` uses to prove every graded test can
#                      fail and is charged to the right exercise.
# In each, bin/ holds the programs linked with that code everywhere, and
# grade/NN-*/ the chapter's test runner and programs linked with chapter NN
# from that code and every earlier chapter from the solutions, so a grade
# never depends on an unfinished earlier chapter.

.DEFAULT_GOAL := all
MAKEFLAGS += --no-builtin-rules
.SUFFIXES:
.DELETE_ON_ERROR:
.SECONDARY:

IMPL ?= exercises
CH ?=
SAN ?=
V ?=

BUILD := $(if $(SAN),build/san,build)
# A chapter counts once it has its test suite (a chapter being written
# may have its headers before).
CHAPTERS := $(patsubst tests/%/suite.c,%,$(sort $(wildcard tests/[0-9][0-9]-*/suite.c)))

ifeq ($(filter $(IMPL),solutions exercises),)
$(error IMPL must be solutions or exercises, not '$(IMPL)')
endif

# CH=1, CH=01 and CH=01-process-tree all pick chapter 01; EXERCISE=1.2,
# without CH, picks exercise 1.2's chapter.
CH := $(or $(CH),$(if $(EXERCISE),$(firstword $(subst ., ,$(EXERCISE)))))
CH_NUMBER := $(if $(filter 1 2 3 4 5 6 7 8 9,$(CH)),0$(CH),$(CH))
SELECTED := $(if $(CH),$(filter $(CH_NUMBER) $(CH_NUMBER)-%,$(CHAPTERS)),$(CHAPTERS))
ifeq ($(SELECTED),)
$(error CH=$(CH): no such chapter (chapters: $(CHAPTERS)))
endif

# --- compiler --------------------------------------------------------------

CC ?= cc
PKG_CONFIG ?= pkg-config
# Libraries the programs link; every chapter adds its own as it arrives.
PROGRAM_PKGS := libcap libarchive libcrypto jansson libmnl libnftables libseccomp libmicrohttpd libcurl
TEST_PKGS := check jansson

# pkg-config runs once, on first use (after `make deps` has run); a
# missing library stops the build with the command that installs it.
pkg_query = $(or $(shell $(PKG_CONFIG) $(2) $(1) 2>/dev/null || echo MISSING),)
pkg_checked = $(if $(filter MISSING,$(1)),$(error missing libraries ($(2)): run sudo make deps),$(1))
pkg_cflags = $(call pkg_checked,$(call pkg_query,$(1),--cflags),$(1))
pkg_libs = $(call pkg_checked,$(call pkg_query,$(1),--libs),$(1))
PROGRAM_LIBS = $(eval PROGRAM_LIBS := $(if $(PROGRAM_PKGS),$(call pkg_libs,$(PROGRAM_PKGS))))$(PROGRAM_LIBS)
TEST_CFLAGS = $(eval TEST_CFLAGS := $(call pkg_cflags,$(TEST_PKGS)))$(TEST_CFLAGS)
TEST_LIBS = $(eval TEST_LIBS := $(call pkg_libs,$(TEST_PKGS)))$(TEST_LIBS)

comma := ,
SANFLAGS := $(if $(SAN),-fsanitize=address$(comma)undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
# WERROR= builds without -Werror: how `make grade` builds a submission,
# so that one unused variable does not cost a student a whole chapter.
WERROR ?= -Werror
CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra $(WERROR) -D_GNU_SOURCE -MMD -MP $(SANFLAGS)
LDFLAGS := $(SANFLAGS)
INCLUDES := -Icommon $(addprefix -Ichapters/,$(CHAPTERS)) -Itests/harness
AR := ar

# Quiet by default ("  CC  common/file.c"); V=1 shows the commands.
ifeq ($(V),)
say = @printf '  %-4s %s\n' $(1) $(2);
endif

# --- helpers ---------------------------------------------------------------

# $(call before,CH): the chapters that come before CH, in order.
before = $(strip $(call before_in,$(1),$(CHAPTERS)))
before_in = $(if $(filter $(1),$(firstword $(2))),,$(firstword $(2)) $(call before_in,$(1),$(wordlist 2,$(words $(2)),$(2))))
reverse = $(if $(1),$(call reverse,$(wordlist 2,$(words $(1)),$(1))) $(firstword $(1)))
# The solution and program sources of a chapter.
solution_sources = $(wildcard solutions/$(1)/*.c)
programs_of = $(patsubst chapters/$(1)/%.c,%,$(wildcard chapters/$(1)/*.c))
# Exercise ids of a chapter, from the markers in its solutions.
exercise_ids = $(shell awk -v mode=list -f common/scripts/exercises.awk $(call solution_sources,$(1)) | cut -f1)

# $(call libs_for,CTX,CH): CH's library from CTX after those of the earlier
# chapters from the solutions, latest first, as a static link needs them.
libs_for = $(BUILD)/$(1)/lib/$(2).a $(foreach c,$(call reverse,$(call before,$(2))),$(BUILD)/solutions/lib/$(c).a)
# $(call all_libs,CTX,CH): CH and every earlier chapter, all from CTX.
all_libs = $(foreach c,$(call reverse,$(call before,$(2)) $(2)),$(BUILD)/$(1)/lib/$(c).a)

COMMON_LIB := $(BUILD)/common/libboxlab.a
COMMON_OBJS := $(patsubst common/%.c,$(BUILD)/common/%.o,$(wildcard common/*.c))
HARNESS_OBJS := $(addprefix $(BUILD)/tests/harness/,runner.o worker.o helpers.o cgsweep.o testroot.o)
GRADE_TOOL := $(BUILD)/tools/grade
COMMON_TESTS := $(BUILD)/tests/common/run-tests

# --- compiling -------------------------------------------------------------

$(BUILD)/common/%.o: common/%.c
	@mkdir -p $(@D)
	$(call say,CC,$<)$(CC) $(CFLAGS) $(INCLUDES) -c -o $@ $<

$(BUILD)/prog/%.o: chapters/%.c
	@mkdir -p $(@D)
	$(call say,CC,$<)$(CC) $(CFLAGS) $(INCLUDES) -c -o $@ $<

$(BUILD)/tests/%.o: tests/%.c
	@mkdir -p $(@D)
	$(call say,CC,$<)$(CC) $(CFLAGS) $(INCLUDES) $(TEST_CFLAGS) -DBOXLAB_TOP='"$(CURDIR)"' -c -o $@ $<

$(BUILD)/meta/%.o: $(BUILD)/meta/%.c
	$(call say,CC,$<)$(CC) $(CFLAGS) $(INCLUDES) $(TEST_CFLAGS) -c -o $@ $<

# .SECONDEXPANSION lets the prerequisites name the chapter's sources ($$*).
.SECONDEXPANSION:
$(BUILD)/meta/%.c: common/scripts/meta.sh common/scripts/exercises.awk $$(call solution_sources,$$*)
	@mkdir -p $(@D)
	$(call say,GEN,$@)common/scripts/meta.sh $* $(call solution_sources,$*) > $@

$(BUILD)/solutions/obj/%.o: solutions/%.c
	@mkdir -p $(@D)
	$(call say,CC,$<)$(CC) $(CFLAGS) $(INCLUDES) -c -o $@ $<

$(BUILD)/exercises/obj/%.o: exercises/%.c
	@mkdir -p $(@D)
	$(call say,CC,$<)$(CC) $(CFLAGS) $(INCLUDES) -c -o $@ $<

$(BUILD)/stub/%.o: $(BUILD)/stub/%.c
	$(call say,CC,$<)$(CC) $(CFLAGS) $(INCLUDES) -c -o $@ $<


$(COMMON_LIB): $(COMMON_OBJS)
	$(call say,AR,$@)$(AR) rcs $@ $^

$(GRADE_TOOL): $(BUILD)/tests/harness/grade.o $(COMMON_LIB)
	@mkdir -p $(@D)
	$(call say,LD,$@)$(CC) $(LDFLAGS) -o $@ $^ $(TEST_LIBS)

$(COMMON_TESTS): $(patsubst tests/%.c,$(BUILD)/tests/%.o,$(wildcard tests/common/*.c)) $(COMMON_LIB)
	$(call say,LD,$@)$(CC) $(LDFLAGS) -o $@ $^ $(TEST_LIBS)

# --- per chapter: libraries, programs, test runners ------------------------
# Each template is expanded with $(call) and read with $(eval), once per
# chapter, program or exercise.

# $(call library_rules,CTX,CH,SOURCE_DIR): CTX/lib/CH.a from CTX/obj/CH/.
define library_rules
$(BUILD)/$(1)/lib/$(2).a: $(patsubst solutions/$(2)/%.c,$(BUILD)/$(1)/obj/$(2)/%.o,$(call solution_sources,$(2)))
	@mkdir -p $$(@D)
	$$(call say,AR,$$@)$(AR) rcs $$@ $$^
endef

# Programs that run inside a container's root file system, which need not
# have the host's C library (a busybox rootfs has none): linked statically,
# as Docker's docker-init is. Not under the sanitizers, whose runtime is a
# shared library; the tests give such a build's rootfs the host's libraries.
# They use none of the libraries of PROGRAM_PKGS, and link none of them.
STATIC_PROGRAMS := miniinit escape secprobe
static_flag = $(if $(SAN),,$(if $(filter $(1),$(STATIC_PROGRAMS)),-static))
program_libs = $(if $(filter $(1),$(STATIC_PROGRAMS)),,$$(PROGRAM_LIBS))

# $(call program_rules,CTX,CH,PROG): CTX/bin/PROG, everything from CTX,
# and CTX/grade/CH/PROG, with the earlier chapters from the solutions.
define program_rules
$(BUILD)/$(1)/bin/$(3): $(BUILD)/prog/$(2)/$(3).o $(call all_libs,$(1),$(2)) $(COMMON_LIB)
	@mkdir -p $$(@D)
	$$(call say,LD,$$@)$(CC) $(LDFLAGS) $(call static_flag,$(3)) -o $$@ $$^ $(call program_libs,$(3))

$(BUILD)/$(1)/grade/$(2)/$(3): $(BUILD)/prog/$(2)/$(3).o $(call libs_for,$(1),$(2)) $(COMMON_LIB)
	@mkdir -p $$(@D)
	$$(call say,LD,$$@)$(CC) $(LDFLAGS) $(call static_flag,$(3)) -o $$@ $$^ $(call program_libs,$(3))
endef

# The programs of the chapters before CH: a chapter's programs may run
# them (isolate --init runs miniinit), so its grade/ directory has links
# to the solutions' builds of them.
earlier_programs = $(foreach c,$(call before,$(1)),$(call programs_of,$(c)))

# $(call earlier_link,CTX,CH,PROG)
define earlier_link
$(BUILD)/$(1)/grade/$(2)/$(3): $(BUILD)/solutions/bin/$(3)
	@mkdir -p $$(@D)
	ln -sf $(CURDIR)/$$< $$@
endef

# $(call runner_rules,CTX,CH): CTX/grade/CH/run-tests, next to the programs.
define runner_rules
$(BUILD)/$(1)/grade/$(2)/run-tests: $(patsubst tests/%.c,$(BUILD)/tests/%.o,$(wildcard tests/$(2)/*.c)) $(BUILD)/meta/$(2).o $(HARNESS_OBJS) $(call libs_for,$(1),$(2)) $(COMMON_LIB) | $(addprefix $(BUILD)/$(1)/grade/$(2)/,$(call programs_of,$(2)) $(call earlier_programs,$(2)))
	@mkdir -p $$(@D)
	$$(call say,LD,$$@)$(CC) $(LDFLAGS) -o $$@ $$(filter %.o %.a,$$^) $$(PROGRAM_LIBS) $$(TEST_LIBS)
endef

# $(call files_with,ID,CH): the solution files of CH that hold exercise ID
# (its own region or its helpers).
files_with = $(shell grep -l 'BEGIN EXERCISE $(subst .,\.,$(1))[: ]' $(call solution_sources,$(2)))

# $(call stub_library_rules,ID,CH): build/stub/ID/lib/CH.a, the stubbed
# build of the files that hold ID and the solutions' objects of the
# others, which the stub leaves as they are.
define stub_library_rules
$(BUILD)/stub/$(1)/lib/$(2).a: $(foreach f,$(call solution_sources,$(2)),$(if $(filter $(f),$(call files_with,$(1),$(2))),$(patsubst solutions/$(2)/%.c,$(BUILD)/stub/$(1)/obj/$(2)/%.o,$(f)),$(patsubst solutions/$(2)/%.c,$(BUILD)/solutions/obj/$(2)/%.o,$(f))))
	@mkdir -p $$(@D)
	$$(call say,AR,$$@)$(AR) rcs $$@ $$^
endef

# $(call stub_sources,ID,CH): the solutions of CH with only ID stubbed,
# as build/stub/ID/obj/CH/*.c, compiled by the pattern rule above.
define stub_sources
$(BUILD)/stub/$(1)/obj/$(2)/%.c: solutions/$(2)/%.c common/scripts/exercises.awk
	@mkdir -p $$(@D)
	$$(call say,STUB,$$@)awk -v only=$(1) -f common/scripts/exercises.awk $$< > $$@
endef

# $(call cheat_rules,ID,CH): build/cheat/ID/grade/CH/, exercise ID's stub
# build linked again with tests/harness/cheat.o in place of the honest
# stub's exercise.o: reaching the stub then cheats (BOXLAB_CHEAT says how),
# and `make test` proves the grade comes out the same.
CHEAT_OBJ := $(BUILD)/tests/harness/cheat.o

define cheat_program
$(BUILD)/cheat/$(1)/grade/$(2)/$(3): $(BUILD)/prog/$(2)/$(3).o $(call libs_for,stub/$(1),$(2)) $(CHEAT_OBJ) $(COMMON_LIB)
	@mkdir -p $$(@D)
	$$(call say,LD,$$@)$(CC) $(LDFLAGS) $(call static_flag,$(3)) -o $$@ $$^ $(call program_libs,$(3))
endef

define cheat_runner
$(BUILD)/cheat/$(1)/grade/$(2)/run-tests: $(patsubst tests/%.c,$(BUILD)/tests/%.o,$(wildcard tests/$(2)/*.c)) $(BUILD)/meta/$(2).o $(HARNESS_OBJS) $(call libs_for,stub/$(1),$(2)) $(CHEAT_OBJ) $(COMMON_LIB) | $(addprefix $(BUILD)/cheat/$(1)/grade/$(2)/,$(call programs_of,$(2)) $(call earlier_programs,$(2)))
	@mkdir -p $$(@D)
	$$(call say,LD,$$@)$(CC) $(LDFLAGS) -o $$@ $$(filter %.o %.a,$$^) $$(PROGRAM_LIBS) $$(TEST_LIBS)
endef

$(foreach ch,$(CHAPTERS),\
  $(foreach ctx,solutions exercises,\
    $(eval $(call library_rules,$(ctx),$(ch)))\
    $(eval $(call runner_rules,$(ctx),$(ch)))\
    $(foreach p,$(call earlier_programs,$(ch)),$(eval $(call earlier_link,$(ctx),$(ch),$(p))))\
    $(foreach p,$(call programs_of,$(ch)),$(eval $(call program_rules,$(ctx),$(ch),$(p)))))\
  $(foreach id,$(call exercise_ids,$(ch)),\
    $(eval $(call stub_sources,$(id),$(ch)))\
    $(eval $(call stub_library_rules,$(id),$(ch)))\
    $(eval $(call runner_rules,stub/$(id),$(ch)))\
    $(foreach p,$(call earlier_programs,$(ch)),$(eval $(call earlier_link,stub/$(id),$(ch),$(p))))\
    $(foreach p,$(call programs_of,$(ch)),$(eval $(call program_rules,stub/$(id),$(ch),$(p))))\
    $(eval STUB_RUNNERS += $(BUILD)/stub/$(id)/grade/$(ch)/run-tests)\
    $(eval $(call cheat_runner,$(id),$(ch)))\
    $(foreach p,$(call earlier_programs,$(ch)),$(eval $(call earlier_link,cheat/$(id),$(ch),$(p))))\
    $(foreach p,$(call programs_of,$(ch)),$(eval $(call cheat_program,$(id),$(ch),$(p))))\
    $(eval CHEAT_RUNNERS += $(BUILD)/cheat/$(id)/grade/$(ch)/run-tests)))

ALL_PROGRAMS := $(foreach ctx,solutions exercises,$(foreach ch,$(CHAPTERS),$(addprefix $(BUILD)/$(ctx)/bin/,$(call programs_of,$(ch)))))
ALL_RUNNERS := $(foreach ctx,solutions exercises,$(foreach ch,$(CHAPTERS),$(BUILD)/$(ctx)/grade/$(ch)/run-tests))

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

# --- targets ---------------------------------------------------------------

.PHONY: all programs help check grade grade-all autograder classroom test stubcheck exercises exercises-check format-check \
	demo bench deps doctor rootfs slides leftovers format clean test-vm vm \
	cheatcheck conformance runners

## all: build both implementations, their test runners and the tools (-Werror)
all: $(ALL_PROGRAMS) $(ALL_RUNNERS) $(GRADE_TOOL) $(COMMON_TESTS)

## programs: build the lab's programs (the solutions'), which the guests and the demo run
programs: $(filter $(BUILD)/solutions/%,$(ALL_PROGRAMS))

## runners [IMPL=exercises|solutions] [CH=NN]: build what make check runs, without running it
runners: $(foreach ch,$(SELECTED),$(BUILD)/$(IMPL)/grade/$(ch)/run-tests) $(GRADE_TOOL)

## help: list the targets
help:
	@sed -n 's/^## //p' Makefile

## check [CH=NN] [IMPL=exercises|solutions] [V=1] [GRADED=1] [EXERCISE=ID]: grade the chapters, write build/IMPL/grade.json (GRADED=1: only the tests that carry points; EXERCISE=1.2: only that exercise's tests, exit 0 if they all pass)
check: $(foreach ch,$(SELECTED),$(BUILD)/$(IMPL)/grade/$(ch)/run-tests) $(GRADE_TOOL)
	@mkdir -p $(BUILD)/$(IMPL)/results
	@rc=0; for ch in $(SELECTED); do \
		$(BUILD)/$(IMPL)/grade/$$ch/run-tests $(if $(V),--verbose) $(if $(GRADED),--graded) \
			$(if $(EXERCISE),--exercise $(EXERCISE)) \
			--json $(BUILD)/$(IMPL)/results/$$ch.json \
			--log $(BUILD)/$(IMPL)/results/$$ch.log || rc=1; \
	done; \
	$(GRADE_TOOL) --out $(BUILD)/$(IMPL)/grade.json \
		$(foreach ch,$(SELECTED),$(BUILD)/$(IMPL)/results/$(ch).json) || rc=1; \
	exit $$rc

# The chapters whose suites touch the kernel, which make test-vm runs in
# a throwaway guest of each cgroup layout; each counts once it exists.
VM_CHAPTERS := $(filter 01-process-tree 02-init 03-namespaces 04-user-namespaces 05-cgroups 06-rootfs 07-overlay 08-images 09-network 10-security 11-runtime 12-engine,$(CHAPTERS))
# Of those, the chapters whose code touches cgroups, the only ones a
# layout changes: with VM_CGROUP_ONLY=1 a guest runs just these (make
# test's v1 guest; its v2 guest runs them all, on the guest's older kernel).
VM_CGROUP_CHAPTERS := $(filter 05-cgroups 11-runtime 12-engine,$(CHAPTERS))
VM_SELECTED := $(if $(CH),$(SELECTED),$(if $(VM_CGROUP_ONLY),$(VM_CGROUP_CHAPTERS),$(VM_CHAPTERS)))
LAYOUT ?= v2

## test-vm LAYOUT=v2|v1 [CH=NN] [VM_CGROUP_ONLY=1] [IMPL=...]: the kernel-facing suites in a qemu guest, pure cgroup v2 or v1
test-vm: $(foreach ch,$(VM_SELECTED),$(BUILD)/$(IMPL)/grade/$(ch)/run-tests) $(GRADE_TOOL) \
		$(filter $(BUILD)/solutions/%,$(ALL_PROGRAMS))
	@BUILD=$(BUILD) common/scripts/vm.sh test $(LAYOUT) $(IMPL) $(VM_SELECTED)

## vm [LAYOUT=v2|v1]: a shell in that guest, the lab's programs on PATH (exit powers it off)
vm: $(filter $(BUILD)/solutions/%,$(ALL_PROGRAMS))
	@BUILD=$(BUILD) common/scripts/vm.sh shell $(LAYOUT)

## grade SUBMISSION=DIR [OUT=DIR] [CH=NN] [GRADED=1] [VM=1 [LAYOUT=v2|v1]]: grade a student's exercises/ folder with the lab's own tests, each chapter on its own (GRADED=1: only the tests that carry points; VM=1: run the student's code in a throwaway qemu guest, not as root on this machine)
grade:
	@test -n "$(SUBMISSION)" || { echo "usage: make grade SUBMISSION=path/to/exercises [OUT=dir] [VM=1]" >&2; exit 2; }
	@OUT=$(OUT) GRADED=$(GRADED) VM=$(VM) LAYOUT=$(LAYOUT) common/scripts/grade-submission.sh "$(SUBMISSION)" $(if $(CH),CH=$(CH))

## grade-all SUBMISSIONS=DIR [OUT=DIR] [JOBS=N] [VM=1 [LAYOUT=v2|v1]] [GRADED=0] [CH=NN]: grade a class, a folder per student, each in a scratch copy of its own (and a guest of its own with VM=1), JOBS at once; one CSV of points per exercise (build/grade-all/grades.csv)
grade-all:
	@test -n "$(SUBMISSIONS)" || { echo "usage: make grade-all SUBMISSIONS=dir-of-student-folders [JOBS=n] [VM=1]" >&2; exit 2; }
	@OUT=$(OUT) JOBS=$(JOBS) $(if $(filter command line environment,$(origin GRADED)),GRADED=$(GRADED)) VM=$(VM) LAYOUT=$(LAYOUT) CH=$(CH) \
		common/scripts/grade-all.sh "$(SUBMISSIONS)"

## autograder: build/autograder.zip, the Gradescope autograder (setup.sh, run_autograder, the lab, the guest's kernel); README's "Instructors" says how to use it
autograder:
	@common/scripts/autograder.sh

## test: the lab's own test (deps, build, full marks, stubs, no leftovers)
test:
	@$(MAKE) --no-print-directory deps
	@common/scripts/selftest.sh

## stubcheck: each exercise's stub, alone in the solutions, loses exactly its points; so does a stub that exits 0 at once
# Both runs use one build, build/cheat/ID/: exercise ID's stub linked
# with tests/harness/cheat.o, whose stub returns -ENOSYS as common/
# exercise.c's does unless BOXLAB_CHEAT names a trick (exit0 here). One
# target per run, so that with -j the next stub builds while this one's
# tests run (runs take turns: the runner's lock); the verdicts are
# printed at the end in the runners' order.
STUB_VERDICTS := $(foreach r,$(CHEAT_RUNNERS),$(patsubst %/run-tests,%/verdict,$(r)) $(patsubst %/run-tests,%/verdict-exit0,$(r)))
stubcheck: $(STUB_VERDICTS)
	@rc=0; for v in $^; do sed 1d $$v; [ "$$(head -1 $$v)" = 0 ] || rc=1; done; exit $$rc

# A verdict's first line is grade's status, the rest what it printed.
$(filter %/verdict,$(STUB_VERDICTS)): %/verdict: %/run-tests $(GRADE_TOOL) FORCE
	@$(call stub_verdict,,$(@D),$@)
$(filter %/verdict-exit0,$(STUB_VERDICTS)): %/verdict-exit0: %/run-tests $(GRADE_TOOL) FORCE
	@$(call stub_verdict,exit0,$(@D),$@)
FORCE:

# $(call stub_verdict,TRICK,DIR,OUT): DIR's runner with BOXLAB_CHEAT=TRICK,
# graded with grade --expect-stub ID into OUT.
stub_verdict = id=$(2); id=$${id\#$(BUILD)/cheat/}; id=$${id%%/*}; \
	BOXLAB_CHEAT=$(1) $(2)/run-tests --graded --json $(2)/results-$(or $(1),honest).json \
		--log $(2)/tests-$(or $(1),honest).log > $(2)/output-$(or $(1),honest).txt 2>&1; \
	out=$$($(GRADE_TOOL) --expect-stub $$id $(2)/results-$(or $(1),honest).json 2>&1); status=$$?; \
	{ echo $$status; printf '%s%s\n' "$(if $(1),(early exit) )" "$$out"; } > $(3)

## cheatcheck: stubs that cheat (exit early, fork, kill or stop the runner, ...) earn nothing
cheatcheck: $(BUILD)/cheat/1.2/grade/01-process-tree/run-tests $(GRADE_TOOL)
	@common/scripts/cheatcheck.sh $(BUILD)

## exercises [FORCE=1]: regenerate exercises/ from the markers in solutions/ (never over a student's work unless FORCE=1)
exercises:
	@FORCE=$(FORCE) common/scripts/exercises.sh generate

## exercises-check: fail if exercises/ (or the Classroom workflow) differs from what `make exercises` (`make classroom`) makes
exercises-check:
	@common/scripts/exercises.sh check
	@common/scripts/classroom.sh --check

## classroom: write .github/workflows/classroom.yml, GitHub Classroom's autograding (a test per exercise, worth its points)
classroom:
	@common/scripts/classroom.sh

## demo: build the solutions and run each chapter's programs, narrated
demo:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) -s --no-print-directory $(filter $(BUILD)/solutions/%,$(ALL_PROGRAMS)) rootfs
	@common/scripts/demo.sh $(BUILD)/solutions/bin build/rootfs/busybox

## bench: the lab's programs measured side by side with their peers
bench:
	@$(MAKE) -s --no-print-directory deps
	@$(MAKE) -s --no-print-directory $(filter $(BUILD)/solutions/%,$(ALL_PROGRAMS)) rootfs
	@common/scripts/bench.sh $(BUILD)/solutions/bin

## conformance: the OCI runtime-tools validation suite against boxrun, crun and runc (RUNTIME_TOOLS_SRC=dir or .tar.gz)
conformance:
	@$(MAKE) -s --no-print-directory deps
	@$(MAKE) -s --no-print-directory $(BUILD)/solutions/bin/boxrun
	@common/scripts/conformance.sh $(CURDIR)/$(BUILD)/solutions/bin/boxrun crun runc

## deps: install the Debian packages the lab needs (as root)
deps:
	@common/scripts/deps.sh

## doctor: what this machine offers the lab, chapter by chapter
doctor:
	@common/scripts/doctor.sh

## rootfs: a busybox root filesystem in build/rootfs/busybox
rootfs:
	@common/scripts/rootfs.sh build/rootfs/busybox

## slides: render slides/*.md to build/slides/*.html (Marp; npm on first use)
slides:
	@common/scripts/slides.sh build/slides

## leftovers: fail if anything with the lab's prefix is left on this host
leftovers:
	@common/scripts/leftovers.sh

FORMATTED = $(filter-out exercises/%,$(wildcard common/*.[ch] chapters/*/*.[ch] solutions/*/*.[ch] tests/*/*.[ch]))

## format: apply .clang-format to the C sources (and regenerate exercises/, never over a student's work)
format:
	clang-format -i $(FORMATTED)
	@$(MAKE) --no-print-directory exercises

## format-check: fail if a C source differs from what clang-format makes
format-check:
	@command -v clang-format >/dev/null || { echo "format-check: no clang-format here, skipped"; exit 0; }; \
	bad=$$(clang-format --dry-run --Werror $(FORMATTED) 2>&1 | \
		sed -n 's/^\([^:]*\):[0-9]*:[0-9]*: error: .*/\1/p' | sort -u); \
	for f in $$bad; do echo "$$f: not formatted (make format)"; done; \
	[ -z "$$bad" ]

## clean: remove build/
clean:
	rm -rf build
