# hearth: one plain GNU Makefile. Libraries come through pkg-config.
#   make            build build/hearth and build/hearthd
#   make check      install missing Debian packages, build, run unit and
#                   integration tests
#   make check-matrix  make check again in Debian trixie (Nix 2.26) and
#                   sid (Nix 2.34) chroots (tests/matrix/run.sh)
#   DEVELOPER=1     makes every warning an error (CI builds this way)
#   make check-asan the same under AddressSanitizer and UBSan
#   make check-valgrind  the integration tests with hearthd under valgrind
#   make demo       run hearth's main job on contrib/example
#   make deps       install (as root) or name the missing Debian packages
#   make bench      benchmarks (see bench/)
#   make man        the man pages, from docs/*.scd (scdoc)
#   make completions  contrib/completions/*, from the command table
#   make install    install into $(DESTDIR)$(PREFIX) (default /usr/local);
#                   make uninstall removes exactly what it installed
#   make fuzz       each libFuzzer harness (tests/fuzz) for FUZZ_SECONDS (60)
#   make fuzz-short the same for 10 s each, as CI runs it

CC	?= cc
PKG_CONFIG ?= pkg-config
SANITIZE ?=
BUILD	?= build

ifneq ($(SANITIZE),)
BUILD	:= build-san
SANFLAGS := -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
endif

# Warnings are on in every build but fatal only with DEVELOPER=1 (Git's
# convention): a compiler newer than ours may warn about new things, and
# that must not stop a user's build. CI builds with DEVELOPER=1.
DEVELOPER ?=
WARNFLAGS := -Wall -Wextra -Wvla -Wmissing-prototypes -Wstrict-prototypes
ifneq ($(DEVELOPER),)
WARNFLAGS += -Werror
endif

CFLAGS	?= -O2 -g
CFLAGS	+= -std=c11 -D_GNU_SOURCE $(WARNFLAGS) -Iinclude -I$(BUILD)/gen \
	   $(SANFLAGS)
LDFLAGS	+= $(SANFLAGS)

# The client runs at every prompt: it links libsodium (base64), inih (the
# workspace's .hearth.ini, read the daemon's way for hearth fallback) and
# libc only. Both go in statically: a shared library to load costs every
# run of the client time (inih 0.15 ms; libsodium 0.06 ms: `hearth
# --version` 0.633 against 0.571 ms, hyperfine -N, 1000 runs, where
# /bin/true takes 0.528).
CLIENT_PKGS := libsodium inih
CLIENT_STATIC := libsodium inih
DAEMON_PKGS := libuv sqlite3 libsodium inih
TEST_PKGS   := cmocka libuv sqlite3 libsodium inih

pkg_cflags = $(shell $(PKG_CONFIG) --cflags $(1) 2>/dev/null)
pkg_libs   = $(shell $(PKG_CONFIG) --libs $(1) 2>/dev/null)

COMMON_SRCS := $(wildcard common/*.c)
CLIENT_SRCS := $(wildcard client/*.c)
DAEMON_SRCS := $(wildcard daemon/*.c)
UNIT_SRCS   := $(wildcard tests/unit/test_*.c)
HOOKS	    := $(wildcard shell-hooks/hearth.*)

# The shell table (client/shell.c, a shell-<name>.c a shell, their hooks):
# the client's, but hearthd links it too, for the names each shell
# reserves (include/hearth/shellname.h).
SHELL_SRCS  := client/shell.c $(wildcard client/shell-*.c)
SHELL_OBJS  := $(SHELL_SRCS:%.c=$(BUILD)/%.o) $(BUILD)/gen/hooks.o

COMMON_OBJS := $(COMMON_SRCS:%.c=$(BUILD)/%.o)
CLIENT_OBJS := $(filter-out $(SHELL_OBJS),$(CLIENT_SRCS:%.c=$(BUILD)/%.o))
DAEMON_OBJS := $(DAEMON_SRCS:%.c=$(BUILD)/%.o)
# Unit tests link every module except the two mains.
CLIENT_LIB_OBJS := $(filter-out $(BUILD)/client/hearth.o,$(CLIENT_OBJS))
DAEMON_LIB_OBJS := $(filter-out $(BUILD)/daemon/hearthd.o,$(DAEMON_OBJS))
UNIT_BINS   := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)

all: $(BUILD)/hearth $(BUILD)/hearthd $(BUILD)/hearth-nixtrace.so \
    $(BUILD)/ptyrun $(BUILD)/envcmp $(BUILD)/sockpush

$(BUILD)/common/%.o: common/%.c $(wildcard include/hearth/*.h)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(call pkg_cflags,$(CLIENT_PKGS)) -c -o $@ $<

$(BUILD)/client/%.o: client/%.c $(wildcard include/hearth/*.h client/*.h)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(call pkg_cflags,$(CLIENT_PKGS)) -Iclient -c -o $@ $<

$(BUILD)/daemon/%.o: daemon/%.c $(wildcard include/hearth/*.h daemon/*.h)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(call pkg_cflags,$(DAEMON_PKGS)) -Idaemon -c -o $@ $<

# The shell hooks are compiled into the client as C strings.
$(BUILD)/gen/hooks.c: $(HOOKS) tests/tools/embed.sh
	@mkdir -p $(@D)
	sh tests/tools/embed.sh $(HOOKS) > $@.tmp && mv $@.tmp $@

$(BUILD)/gen/hooks.o: $(BUILD)/gen/hooks.c
	$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/libhearth.a: $(COMMON_OBJS)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/libshells.a: $(SHELL_OBJS)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/hearth: $(CLIENT_OBJS) $(BUILD)/libshells.a $(BUILD)/libhearth.a
	$(CC) $(LDFLAGS) -o $@ $^ \
	    $(call pkg_libs,$(filter-out $(CLIENT_STATIC),$(CLIENT_PKGS))) \
	    -Wl,-Bstatic $(call pkg_libs,$(CLIENT_STATIC)) -Wl,-Bdynamic

$(BUILD)/hearthd: $(DAEMON_OBJS) $(BUILD)/libshells.a $(BUILD)/libhearth.a
	$(CC) $(LDFLAGS) -o $@ $^ $(call pkg_libs,$(DAEMON_PKGS))

# The tracer hearthd preloads into Nix (nixtrace/nixtrace.c). Never built
# with the sanitizers: their runtime cannot be preloaded into a program
# that was not built with them.
$(BUILD)/hearth-nixtrace.so: nixtrace/nixtrace.c
	@mkdir -p $(@D)
	$(CC) $(filter-out $(SANFLAGS),$(CFLAGS)) -fPIC -shared -o $@ $< -ldl

$(BUILD)/sockpush: tests/tools/sockpush.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $< $(LDFLAGS)

$(BUILD)/envcmp: tests/tools/envcmp.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $< $(LDFLAGS)

$(BUILD)/ptyrun: tests/tools/ptyrun.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $< $(LDFLAGS) -lutil

# Archives, so that a unit test pulls in only the modules it uses.
$(BUILD)/libclient.a: $(CLIENT_LIB_OBJS)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/libdaemon.a: $(DAEMON_LIB_OBJS)
	rm -f $@ && ar rcs $@ $^

TEST_LIBS := $(BUILD)/libclient.a $(BUILD)/libdaemon.a $(BUILD)/libshells.a \
    $(BUILD)/libhearth.a

# A test's other sources are its extra .c prerequisites; recorded test
# data is found by absolute path, wherever the test runs.
$(BUILD)/tests/test_%: tests/unit/test_%.c tests/unit/harness.h $(TEST_LIBS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(call pkg_cflags,$(TEST_PKGS)) -Iclient -Idaemon \
	    -DHEARTH_TEST_DATA='"$(CURDIR)/tests/unit/data"' \
	    -o $@ $(filter %.c,$^) $(TEST_LIBS) $(LDFLAGS) \
	    $(call pkg_libs,$(TEST_PKGS))

# The watcher's test injects a queue overflow into its read(2).
$(BUILD)/tests/test_watcher: LDFLAGS += -Wl,--wrap=read
# The trust test counts the files hashed (unchanged files are not).
$(BUILD)/tests/test_trust: LDFLAGS += -Wl,--wrap=hash_update_file

# The shells' tests share one driver of their scenarios.
$(filter $(BUILD)/tests/test_shell_%,$(UNIT_BINS)): tests/unit/shelltest.c \
    tests/unit/shelltest.h

deps:
	@sh tests/tools/deps.sh

# T=NAME runs one test file: make unit T=store runs test_store,
# make integration T=trust runs every t-*trust*.sh.
T ?=
UNIT_RUN := $(if $(T),$(BUILD)/tests/test_$(T),$(UNIT_BINS))

unit: $(UNIT_RUN) $(BUILD)/ptyrun
	@BUILD=$(abspath $(BUILD)) sh tests/tools/run-unit.sh $(UNIT_RUN)

integration: all
	@BUILD=$(abspath $(BUILD)) bash tests/integration/run.sh $(T)

check: deps
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory unit
	@$(MAKE) --no-print-directory integration

# make check again in trixie (Nix 2.26) and sid (Nix 2.34) chroots.
check-matrix:
	@sh tests/matrix/run.sh

check-asan: deps
	@$(MAKE) --no-print-directory SANITIZE=address,undefined check

# 50 interactive shells against one daemon for 30 s (tests/load/run.sh).
check-load: deps all
	@BUILD=$(abspath $(BUILD)) bash tests/load/run.sh

# The integration tests with every hearthd under valgrind memcheck.
check-valgrind: deps all
	@sh tests/tools/deps.sh valgrind
	@HEARTH_VALGRIND=1 BUILD=$(abspath $(BUILD)) bash tests/integration/run.sh

demo: deps
	@$(MAKE) --no-print-directory all
	@BUILD=$(abspath $(BUILD)) bash contrib/demo.sh

bench: deps
	@sh tests/tools/deps.sh hyperfine direnv
	@$(MAKE) --no-print-directory all
	@BUILD=$(abspath $(BUILD)) bash bench/run.sh

# Socket activation in the tests: a listening socket passed as fd 3.
all: $(BUILD)/listenfd

$(BUILD)/listenfd: tests/tools/listenfd.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $< $(LDFLAGS)

# A hearthd of another version, for doctor's version checks (t-doctor).
all: $(BUILD)/fakedaemon

$(BUILD)/fakedaemon: tests/tools/fakedaemon.c $(BUILD)/libhearth.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $< $(BUILD)/libhearth.a $(LDFLAGS)

# Installing: the programs, the hook templates, man pages, completions for
# bash, zsh and fish, the systemd user units and the launchd agent. The
# units name the installed hearthd, so they are generated with BINDIR.
PREFIX	?= /usr/local
DESTDIR	?=
BINDIR	?= $(PREFIX)/bin
DATADIR	?= $(PREFIX)/share
HEARTHLIBDIR ?= $(PREFIX)/lib/hearth
MANDIR	?= $(DATADIR)/man
SYSTEMDUSERDIR ?= $(PREFIX)/lib/systemd/user
BASHCOMPDIR ?= $(DATADIR)/bash-completion/completions
ZSHCOMPDIR ?= $(DATADIR)/zsh/site-functions
FISHCOMPDIR ?= $(DATADIR)/fish/vendor_completions.d
INSTALL	?= install
SCDOC	?= scdoc

MAN1	:= hearth.1 hearthd.1
MAN5	:= hearth.ini.5
MANS	:= $(addprefix $(BUILD)/man/,$(MAN1) $(MAN5))
UNITS	:= $(BUILD)/contrib/hearthd.service
PLIST	:= $(BUILD)/contrib/org.hearth.hearthd.plist

man: $(MANS)

$(BUILD)/man/%: docs/%.scd
	@mkdir -p $(@D)
	@command -v $(SCDOC) >/dev/null || { echo "make: the man pages need" \
	    "scdoc (Debian: apt-get install scdoc)" >&2; exit 1; }
	$(SCDOC) < $< > $@.tmp && mv $@.tmp $@

$(BUILD)/contrib/hearthd.service: contrib/systemd/hearthd.service
	@mkdir -p $(@D)
	sed 's|@BINDIR@|$(BINDIR)|g' $< > $@.tmp && mv $@.tmp $@

$(BUILD)/contrib/org.hearth.hearthd.plist: contrib/launchd/org.hearth.hearthd.plist
	@mkdir -p $(@D)
	sed 's|@BINDIR@|$(BINDIR)|g' $< > $@.tmp && mv $@.tmp $@

# BINDIR is baked into the units: regenerate them whenever install runs.
install: $(BUILD)/hearth $(BUILD)/hearthd $(BUILD)/hearth-nixtrace.so man
	@rm -f $(UNITS) $(PLIST)
	@$(MAKE) --no-print-directory $(UNITS) $(PLIST)
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/hearth \
	    $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
	    $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR) \
	    $(DESTDIR)$(FISHCOMPDIR) $(DESTDIR)$(SYSTEMDUSERDIR)
	$(INSTALL) -m 755 $(BUILD)/hearth $(BUILD)/hearthd $(DESTDIR)$(BINDIR)/
	$(INSTALL) -d $(DESTDIR)$(HEARTHLIBDIR)
	$(INSTALL) -m 644 $(BUILD)/hearth-nixtrace.so $(DESTDIR)$(HEARTHLIBDIR)/
	$(INSTALL) -m 644 $(HOOKS) $(PLIST) $(DESTDIR)$(DATADIR)/hearth/
	$(INSTALL) -m 644 $(addprefix $(BUILD)/man/,$(MAN1)) \
	    $(DESTDIR)$(MANDIR)/man1/
	$(INSTALL) -m 644 $(addprefix $(BUILD)/man/,$(MAN5)) \
	    $(DESTDIR)$(MANDIR)/man5/
	$(INSTALL) -m 644 contrib/completions/hearth.bash \
	    $(DESTDIR)$(BASHCOMPDIR)/hearth
	$(INSTALL) -m 644 contrib/completions/_hearth $(DESTDIR)$(ZSHCOMPDIR)/
	$(INSTALL) -m 644 contrib/completions/hearth.fish \
	    $(DESTDIR)$(FISHCOMPDIR)/
	$(INSTALL) -m 644 contrib/systemd/hearthd.socket $(UNITS) \
	    $(DESTDIR)$(SYSTEMDUSERDIR)/

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/hearth $(DESTDIR)$(BINDIR)/hearthd
	rm -f $(DESTDIR)$(HEARTHLIBDIR)/hearth-nixtrace.so
	-rmdir $(DESTDIR)$(HEARTHLIBDIR) 2>/dev/null
	rm -f $(addprefix $(DESTDIR)$(DATADIR)/hearth/,$(notdir $(HOOKS)) \
	    org.hearth.hearthd.plist)
	-rmdir $(DESTDIR)$(DATADIR)/hearth 2>/dev/null
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man1/,$(MAN1)) \
	    $(addprefix $(DESTDIR)$(MANDIR)/man5/,$(MAN5))
	rm -f $(DESTDIR)$(BASHCOMPDIR)/hearth $(DESTDIR)$(ZSHCOMPDIR)/_hearth \
	    $(DESTDIR)$(FISHCOMPDIR)/hearth.fish
	rm -f $(DESTDIR)$(SYSTEMDUSERDIR)/hearthd.socket \
	    $(DESTDIR)$(SYSTEMDUSERDIR)/hearthd.service

# The completions are made from the command table (hearth __complete) and
# committed, so that installing runs nothing it built; t-cli fails when
# they differ from what the table makes.
completions: $(BUILD)/hearth
	$(BUILD)/hearth __complete bash > contrib/completions/hearth.bash
	$(BUILD)/hearth __complete zsh > contrib/completions/_hearth
	$(BUILD)/hearth __complete fish > contrib/completions/hearth.fish

.PHONY: man install uninstall completions

clean:
	rm -rf build build-san

.PHONY: all deps unit integration check check-matrix check-asan check-valgrind check-load \
	demo bench clean

# Fuzzing: a libFuzzer harness per parser, tests/fuzz/fuzz_NAME.c, built
# by clang under ASan and UBSan with the sources it parses compiled in.
#   make fuzz        run each harness for FUZZ_SECONDS (60); fail on a crash
#   make fuzz-short  the same for 10 s each, as CI does
# Warnings are shown but not fatal here: the cc build is the strict one.
FUZZ_CC              ?= clang
FUZZ_SECONDS         ?= 60
FUZZ_BUILD           := build-fuzz
FUZZ_NAMES           := $(patsubst tests/fuzz/fuzz_%.c,%, \
		$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BINS            := $(FUZZ_NAMES:%=$(FUZZ_BUILD)/fuzz_%)
FUZZ_CFLAGS          := -std=c11 -D_GNU_SOURCE -g -O1 -fno-omit-frame-pointer \
		-Wall -Wextra -Wvla -Wmissing-prototypes -Wstrict-prototypes \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		-Iinclude -Iclient -Idaemon -Itests/fuzz
# What every harness needs, then each one's parser; the pkg-config names
# each needs for its headers (daemon sources include all of hearthd's) and
# for linking.
FUZZ_BASE            := common/buf.c common/log.c common/xmalloc.c
FUZZ_SRCS_protocol   := common/protocol.c
FUZZ_SRCS_reply      := common/protocol.c common/envdiff.c client/reply.c
FUZZ_SRCS_envdiff    := common/envdiff.c
FUZZ_SRCS_envstate   := common/envdiff.c client/envstate.c client/envset.c \
		$(SHELL_SRCS) $(FUZZ_BUILD)/gen/hooks.c client/envspill.c \
		common/hash.c common/path.c common/safefile.c common/savefile.c
FUZZ_SRCS_gitindex   := daemon/gitindex.c common/hash.c common/safefile.c
FUZZ_SRCS_nixlog     := common/nixlog.c
FUZZ_SRCS_hookreads  := daemon/hookreads.c daemon/inputs.c \
		daemon/gitindex.c common/hash.c common/safefile.c
FUZZ_SRCS_wsconfig   := common/wsconfig.c common/safefile.c
FUZZ_SRCS_tools      := common/path.c client/toolslist.c client/junit.c \
		common/safefile.c
FUZZ_SRCS_nix        := common/nix.c common/nixerror.c common/hash.c \
		common/safefile.c
FUZZ_SRCS_attrs      := daemon/attrs.c common/envdiff.c common/path.c \
		common/savefile.c common/safefile.c
FUZZ_CPKGS_attrs     := $(DAEMON_PKGS)
FUZZ_CPKGS_envstate  := libsodium
FUZZ_CPKGS_gitindex  := $(DAEMON_PKGS)
FUZZ_LPKGS_envstate  := libsodium
FUZZ_LPKGS_gitindex  := libsodium
FUZZ_CPKGS_hookreads := $(DAEMON_PKGS)
FUZZ_LPKGS_hookreads := libsodium
FUZZ_CPKGS_wsconfig  := $(DAEMON_PKGS)
FUZZ_LPKGS_wsconfig  := inih
FUZZ_CPKGS_nix       := libsodium
FUZZ_LPKGS_nix       := libsodium

$(FUZZ_BUILD)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(COMMON_SRCS) \
    $(CLIENT_SRCS) $(DAEMON_SRCS) $(wildcard include/hearth/*.h client/*.h \
    daemon/*.h)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(call pkg_cflags,$(FUZZ_CPKGS_$*)) -o $@ \
	    $< $(FUZZ_BASE) $(FUZZ_SRCS_$*) $(call pkg_libs,$(FUZZ_LPKGS_$*))

$(FUZZ_BUILD)/gen/hooks.c: $(HOOKS) tests/tools/embed.sh
	@mkdir -p $(@D)
	sh tests/tools/embed.sh $(HOOKS) > $@.tmp && mv $@.tmp $@

$(FUZZ_BUILD)/fuzz_envstate: $(FUZZ_BUILD)/gen/hooks.c

fuzz-build: deps
	@sh tests/tools/deps.sh clang libclang-rt-dev
	@$(MAKE) --no-print-directory $(FUZZ_BINS)

fuzz: fuzz-build
	@FUZZ_BUILD=$(FUZZ_BUILD) FUZZ_SECONDS=$(FUZZ_SECONDS) \
	    sh tests/fuzz/run.sh $(FUZZ_NAMES)

fuzz-short:
	@$(MAKE) --no-print-directory FUZZ_SECONDS=10 fuzz

clean-fuzz:
	rm -rf $(FUZZ_BUILD)

clean: clean-fuzz

.PHONY: fuzz fuzz-build fuzz-short clean-fuzz
