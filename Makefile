# rally: make builds the tool and the sample campaign; make test tests.
.POSIX:

PREFIX    = /usr/local
MANPREFIX = $(PREFIX)/share/man
CC        = cc
CXX       = c++
# What every command links; print's libraries are the print module's
# (rally-print.so, loaded when a build first needs print: print_plug.c);
# libmicrohttpd is opened by rally serve (serve.c), its headers used here.
CORE_PKGS = libcmark libxml-2.0 yaml-0.1 glib-2.0 nettle zlib
SERVE_PKGS = libmicrohttpd
PRINT_PKGS = cairo pangocairo pangoft2 fontconfig librsvg-2.0 gdk-pixbuf-2.0 \
            libqrencode libqpdf libpng libdeflate lcms2 zlib glib-2.0
PKGS      = $(CORE_PKGS) $(SERVE_PKGS) $(PRINT_PKGS)
CFLAGS    = -O2 -g -std=c11 -D_GNU_SOURCE -Wall -Wextra -Wpedantic \
            -Wstrict-prototypes -Wno-unused-parameter
# pdftok.cc, the one C++ file: qpdf's tokenizer has no C API.
CXXFLAGS  = -O2 -g -std=c++17 -Wall -Wextra -Wpedantic
PKGCFLAGS = `pkg-config --cflags $(PKGS)`
PKGLIBS   = `pkg-config --libs $(PKGS)` -lhyphen -lstdc++ -lpthread -lm
# Objects are position-independent: the print ones make a module.
PICFLAGS  = -fPIC -fno-semantic-interposition

CORE_SRCS = generator/util.c generator/files.c generator/site.c \
       generator/val.c generator/fm.c \
       generator/date.c generator/md.c generator/load.c generator/model.c \
       generator/tmpl.c generator/tmplc.c generator/web.c generator/plan.c generator/run.c \
       generator/build.c generator/new.c generator/serve.c \
       generator/keys.c \
       generator/manifest.c generator/stamp.c generator/builtin.c \
       generator/lang.c generator/cache.c generator/deflate.c
PRINT_SRCS = generator/image.c \
       generator/print_lay.c generator/print_words.c \
       generator/print_text.c generator/print_fit.c generator/print_memo.c generator/print_draw.c \
       generator/print_sheet.c generator/print_plan.c \
       generator/print_kit.c generator/print_impose.c generator/print_press.c \
       generator/print_timeline.c \
       generator/pdf.c generator/pdfx.c
# The tests' builds link all of it in one program, without the module.
SRCS = $(CORE_SRCS) $(PRINT_SRCS)
CXXSRCS = generator/pdftok.cc
CORE_OBJS = $(CORE_SRCS:.c=.o)
PRINT_OBJS = $(PRINT_SRCS:.c=.o) generator/pdftok.o
OBJS = $(CORE_OBJS) $(PRINT_OBJS)
HDRS = generator/rally.h generator/extern.h generator/builtin.h generator/print.h \
       generator/pdftok.h generator/tmpl.h

# rally's own layouts, words, stylesheet and fonts, compiled in, so that
# a campaign that brings only content/ builds web and print alike.
BUILTIN = layouts/web/base.html layouts/web/home.html layouts/web/page.html \
       layouts/web/area.html layouts/web/areas.html layouts/web/event.html \
       layouts/web/events.html layouts/web/press.html \
       layouts/web/press-list.html layouts/web/org.html layouts/web/orgs.html \
       layouts/web/tag.html layouts/web/tags.html layouts/web/404.html \
       layouts/web/area-card.html layouts/web/event-item.html \
       layouts/web/press-item.html layouts/web/org-card.html \
       layouts/web/downloads.html layouts/web/timeline.html \
       layouts/web/district.html \
       layouts/print/poster.xml layouts/print/flyer.xml \
       layouts/print/placard.xml layouts/print/banner.xml \
       layouts/print/org-flyer.xml layouts/print/org-poster.xml \
       layouts/print/og.xml layouts/print/social-link.xml \
       layouts/print/social-square.xml layouts/print/social-story.xml \
       layouts/labels/da.yml layouts/labels/nb.yml layouts/labels/nn.yml \
       layouts/labels/sv.yml layouts/labels/de.yml layouts/labels/en.yml \
       assets/css/site.css \
       assets/fonts/BebasNeue-Bold.otf assets/fonts/Inter-Regular.otf \
       assets/fonts/Inter-Bold.otf assets/fonts/Inter-Italic.otf \
       assets/fonts/LICENSE-BebasNeue.txt assets/fonts/LICENSE-Inter.txt \
       generator/fonts/NotoSansArabic-Regular.ttf \
       generator/fonts/NotoSansArabic-Bold.ttf \
       generator/fonts/NotoSansEthiopic-Regular.ttf \
       generator/fonts/NotoSansEthiopic-Bold.ttf \
       generator/fonts/NotoKufiArabic-Bold.ttf \
       generator/fonts/NotoSansDisplay-ExtraCondensedBold.ttf \
       generator/fonts/NotoNastaliqUrdu-Regular.ttf \
       generator/fonts/NotoNastaliqUrdu-Bold.ttf \
       generator/fonts/NotoSansHebrew-Regular.ttf \
       generator/fonts/NotoSansHebrew-Bold.ttf \
       generator/fonts/LICENSE-Noto.txt \
       generator/icc/FOGRA39L-coated.icc \
       generator/scaffold/site.yml generator/scaffold/index.md \
       generator/scaffold/about.md generator/scaffold/area.md \
       generator/scaffold/event.md generator/scaffold/press.md \
       generator/scaffold/org.md generator/scaffold/logo.svg \
       generator/scaffold/org-logo.svg generator/scaffold/gitignore \
       generator/scaffold/words/da.yml generator/scaffold/words/nb.yml \
       generator/scaffold/words/nn.yml generator/scaffold/words/sv.yml \
       generator/scaffold/words/de.yml generator/scaffold/words/en.yml

all: deps generator/rally site

deps:
	@sh generator/install-deps.sh

# The executable exports its functions (-rdynamic) for the module's
# calls; the module's own calls stay in it (-Bsymbolic-functions).  It
# carries the module (print_so.c), so it is still the whole of rally.
generator/rally: $(CORE_OBJS) generator/print_plug.o generator/print_so.o \
    generator/main.o
	$(CC) $(CFLAGS) $(LDFLAGS) -rdynamic -o $@ $(CORE_OBJS) \
	    generator/print_plug.o generator/print_so.o generator/main.o \
	    `pkg-config --libs $(CORE_PKGS)` -lhyphen -lpthread -lm

generator/rally-print.so: $(PRINT_OBJS)
	$(CC) $(CFLAGS) $(LDFLAGS) -shared -Wl,-Bsymbolic-functions -o $@ \
	    $(PRINT_OBJS) `pkg-config --libs $(PRINT_PKGS)` -lhyphen \
	    -lstdc++ -lpthread -lm

generator/print_so.c: generator/embed generator/rally-print.so
	./generator/embed -s print_module $@ generator/rally-print.so

generator/embed: generator/embed.c
	$(CC) $(CFLAGS) -o $@ generator/embed.c

generator/builtin.c: generator/embed $(BUILTIN)
	./generator/embed $@ $(BUILTIN)

.SUFFIXES: .cc
.c.o:
	$(CC) $(CFLAGS) $(PICFLAGS) $(PKGCFLAGS) -c $< -o $@
.cc.o:
	$(CXX) $(CXXFLAGS) $(PICFLAGS) `pkg-config --cflags libqpdf` -c $< -o $@

$(OBJS) generator/main.o generator/print_plug.o generator/print_so.o: $(HDRS)

site: generator/rally
	./generator/rally build --root . --out out

tests/unit: tests/unit.c $(OBJS) $(HDRS)
	$(CC) $(CFLAGS) $(PKGCFLAGS) -Igenerator -o $@ tests/unit.c $(OBJS) $(PKGLIBS)

# The fuzz targets (tests/fuzz/) replayed on their corpora without
# libFuzzer, by the test suite: one driver, one binary per target.
FUZZ_TARGETS = fm md tmpl layout build cache
REPLAYS = tests/work/replay-fm tests/work/replay-md tests/work/replay-tmpl \
          tests/work/replay-layout tests/work/replay-build \
          tests/work/replay-cache
$(REPLAYS): $(OBJS) $(HDRS) tests/fuzz/main.c tests/fuzz/fuzz.c \
            tests/fuzz/fuzz.h tests/fuzz/fm.c tests/fuzz/md.c \
            tests/fuzz/tmpl.c tests/fuzz/layout.c tests/fuzz/build.c \
            tests/fuzz/cache.c
	mkdir -p tests/work
	$(CC) $(CFLAGS) $(PKGCFLAGS) -Igenerator -o $@ tests/fuzz/main.c \
	    tests/fuzz/fuzz.c tests/fuzz/$$(echo $@ | sed 's,.*replay-,,').c \
	    $(OBJS) $(PKGLIBS)

test: generator/rally tests/unit $(REPLAYS)
	@sh tests/run.sh

# libFuzzer, built with clang: each target for FUZZ_SECONDS.
FUZZ_SECONDS = 60
fuzz: generator/builtin.c generator/lang.c
	FUZZ_SECONDS=$(FUZZ_SECONDS) PKGS="$(PKGS)" SRCS="$(SRCS)" \
	    CXXSRCS="$(CXXSRCS)" \
	    sh tests/fuzz/run.sh $(FUZZ_TARGETS)

goldens: generator/rally
	@sh tests/golden.sh regen
	SOURCE_DATE_EPOCH=1489104000 ./generator/rally build -q --root . \
	    --out tests/work/sample
	@sh tests/print_golden.sh regen tests/work/sample

# The whole suite again on an ASan+UBSan build, and under valgrind.
SANFLAGS = -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
           -fno-sanitize-recover=all
check-sanitize: generator/rally generator/builtin.c generator/lang.c
	mkdir -p tests/work/asan
	# A file per core at once (CI's time).
	printf '%s\n' $(SRCS) tests/fuzz/fuzz.c | xargs -P `nproc` -I{} \
	    sh -c '$(CC) $(CFLAGS) $(SANFLAGS) $(PKGCFLAGS) -Igenerator \
	        -c {} -o tests/work/asan/`basename {} .c`.o'
	$(CXX) $(CXXFLAGS) $(SANFLAGS) -fno-sanitize=vptr `pkg-config --cflags libqpdf` -c \
	    generator/pdftok.cc -o tests/work/asan/pdftok.o
	A=`for f in $(SRCS); do echo tests/work/asan/$$(basename $$f .c).o; done; \
	    echo tests/work/asan/pdftok.o`; \
	$(CC) $(CFLAGS) $(SANFLAGS) $(PKGCFLAGS) -o tests/work/rally-asan \
	    generator/main.c $$A $(PKGLIBS) && \
	$(CC) $(CFLAGS) $(SANFLAGS) $(PKGCFLAGS) -Igenerator \
	    -o tests/work/unit-asan tests/unit.c $$A $(PKGLIBS) && \
	for t in $(FUZZ_TARGETS); do \
	    $(CC) $(CFLAGS) $(SANFLAGS) $(PKGCFLAGS) -Igenerator \
	        -o tests/work/replay-asan-$$t tests/fuzz/main.c \
	        tests/work/asan/fuzz.o tests/fuzz/$$t.c $$A $(PKGLIBS) || exit 1; \
	done
	# A 16 MB quarantine, not 256: freed memory stays poisoned for the
	# next 16 MB of frees, and a print build touches a fifth fewer new
	# pages (the fixture's full build 2.9 to 2.3 s).
	ASAN_OPTIONS=quarantine_size_mb=16 \
	LSAN_OPTIONS=suppressions=$$PWD/tests/lsan.supp \
	RALLY=tests/work/rally-asan RALLY_REF=./generator/rally \
	    UNIT=tests/work/unit-asan \
	    REPLAY=tests/work/replay-asan-%s TEST_JOBS=$${TEST_JOBS:-2} sh tests/run.sh

# Its reports go to a file per process, so that rally's stderr (which
# the tests read) stays rally's: valgrind 3.19 warns on every openat2.
# Errors still fail the test (exit 99); the reports are shown at the end.
VALGRIND = valgrind -q --error-exitcode=99 --leak-check=full \
           --errors-for-leak-kinds=definite,indirect \
           --show-leak-kinds=definite,indirect \
           --log-file=$$PWD/tests/work/valgrind/%p.log
check-valgrind: generator/rally tests/unit $(REPLAYS)
	rm -rf tests/work/valgrind
	mkdir -p tests/work/valgrind
	for t in rally:generator/rally unit:tests/unit \
	    replay-fm:tests/work/replay-fm replay-md:tests/work/replay-md \
	    replay-tmpl:tests/work/replay-tmpl \
	    replay-layout:tests/work/replay-layout \
	    replay-build:tests/work/replay-build \
	    replay-cache:tests/work/replay-cache; do \
	    printf '#!/bin/sh\nexec %s --suppressions=%s "%s" "$$@"\n' \
	        "$(VALGRIND)" "$$PWD/tests/valgrind.supp" "$$PWD/$${t#*:}" \
	        > tests/work/$${t%%:*}-vg; \
	    chmod +x tests/work/$${t%%:*}-vg; \
	done
	# Two parts at once: valgrind runs a process on one core.
	RALLY=tests/work/rally-vg RALLY_REF=./generator/rally \
	    UNIT=tests/work/unit-vg REPLAY=tests/work/replay-%s-vg LIGHT=1 \
	    TEST_JOBS=$${TEST_JOBS:-2} sh tests/run.sh; \
	    rc=$$?; grep -l '^==' tests/work/valgrind/*.log 2>/dev/null | \
	    xargs -r cat | head -200; exit $$rc

bench: generator/rally
	@sh tests/bench/bench.sh

install: generator/rally
	mkdir -p $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(MANPREFIX)/man1
	cp -f generator/rally $(DESTDIR)$(PREFIX)/bin/rally
	chmod 755 $(DESTDIR)$(PREFIX)/bin/rally
	cp -f generator/rally.1 $(DESTDIR)$(MANPREFIX)/man1/rally.1
	chmod 644 $(DESTDIR)$(MANPREFIX)/man1/rally.1

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/rally $(DESTDIR)$(MANPREFIX)/man1/rally.1

clean:
	rm -rf generator/rally generator/rally-print.so generator/print_so.c generator/embed generator/builtin.c generator/*.o tests/unit tests/work out

.PHONY: all deps site test goldens bench fuzz check-sanitize check-valgrind install \
        uninstall clean
