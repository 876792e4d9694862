/*
 * main.c: the command line.  Parses options and dispatches; only this
 * file decides the exit status.
 */
#include <sys/auxv.h>
#include <sys/prctl.h>

#include <getopt.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libxml/parser.h>

#include "rally.h"
#include "extern.h"

static const char S_usage[] =
"usage: rally build [--root DIR] [--out DIR] [-j N] [--only web|print]\n"
"                   [--marks] [--pdfx] [--drafts] [--quiet | --verbose]\n"
"       rally flyer --area SLUG (--org SLUG | --name NAME) [options]\n"
"                   -o FILE.pdf\n"
"       rally serve [--root DIR] [--out DIR] [--port N] [--bind ADDR]\n"
"                   [--only web] [-j N] [--marks] [--pdfx] [--drafts]\n"
"       rally new DIR [--lang da|nb|nn|sv|de|en]\n"
"       rally --help | --version\n";

static const char S_help[] =
"rally builds a campaign's website and print material from content/,\n"
"layouts/ and assets/.\n"
"\n"
"commands:\n"
"  build        build the site and the print material\n"
"  flyer        one co-branded flyer, without building the site\n"
"  serve        build, serve at http://127.0.0.1:8080/, rebuild and\n"
"               reload the open pages on every change\n"
"  new          a new campaign to start from, in DIR\n"
"(rally COMMAND --help: each command's options)\n"
"\n"
"options of build:\n"
"  --root DIR   directory holding content/, layouts/, assets/ (default .)\n"
"  --out DIR    output directory (default ROOT/out)\n"
"  -j N         render with N threads (default: number of cores)\n"
"  --only KIND  build only the web site or only the print material\n"
"  --marks      crop marks on every print sheet\n"
"  --pdfx       every print sheet as CMYK PDF/X-4, for a print shop\n"
"  --drafts     include drafts and pages whose publish: time is to come\n"
"  --internal   include items marked internal: true (not for the public)\n"
"  -q, --quiet  print errors only\n"
"  -h, --help   this help\n"
"  -V, --version\n"
"\n"
"Exit status: 0 success, 1 content error, 2 usage error.\n"
"Errors are printed as path:line:col: error: message.\n"
"SOURCE_DATE_EPOCH sets the build date, for reproducible output.\n";

/* rally build --help, rally flyer --help: the command's own page. */
static const char S_build_help[] =
"usage: rally build [--root DIR] [--out DIR] [-j N] [--only web|print]\n"
"                   [--marks] [--pdfx] [--drafts] [--quiet | --verbose]\n"
"\n"
"Builds the website and the print material of the campaign in DIR.\n"
"\n"
"  --root DIR   directory holding content/, layouts/, assets/ (default .)\n"
"  --out DIR    output directory (default ROOT/out)\n"
"  -j N         render with N threads and workers (default: cores)\n"
"  --only KIND  build only the web site (web) or the print material\n"
"  --marks      crop marks on every print sheet\n"
"  --pdfx       every print sheet as CMYK PDF/X-4, for a print shop\n"
"  --drafts     include drafts and pages whose publish: time is to come\n"
"  --internal   include items marked internal: true (not for the public)\n"
"  -q, --quiet  print errors only\n"
"  -v, --verbose  also the five slowest files, the time per PDF and each\n"
"               stage's time\n";

static const char S_flyer_help[] =
"usage: rally flyer --area SLUG (--org SLUG | --name NAME) [--event SLUG]\n"
"                   [--message N] [--size SIZE] [--layout NAME] [--root DIR]\n"
"                   [--logo FILE] [--contact TEXT] [--url URL] [--title TEXT]\n"
"                   [--date YYYY-MM-DD] [--time HH:MM] [--place TEXT]\n"
"                   [--marks] [--pdfx] -o FILE.pdf\n"
"\n"
"One co-branded flyer, without building the site.\n"
"\n"
"  --area SLUG     the welfare area (content/areas/SLUG.md)\n"
"  --org SLUG      an organisation in content/orgs/, or\n"
"  --name NAME     one that is not, with --logo, --contact and --url\n"
"  --event SLUG    the meeting it announces (default: the organisation's\n"
"                  next), or one given with --date, --time, --place, --title\n"
"  --message N     the area's message to use (default 1)\n"
"  --size SIZE     one of the layout's sizes (default: its first, A5)\n"
"  --layout NAME   a print layout of one organisation (default org-flyer)\n"
"  --marks         crop marks\n"
"  --pdfx          CMYK PDF/X-4, for a print shop\n"
"  -o FILE.pdf     where to write it\n";

static const char S_serve_help[] =
"usage: rally serve [--root DIR] [--out DIR] [--port N] [--bind ADDR]\n"
"                   [--only web] [-j N] [--marks] [--pdfx] [--drafts]\n"
"\n"
"Builds the campaign, serves the output over HTTP and watches content/,\n"
"layouts/ and assets/: each change rebuilds the website, reloads the\n"
"open pages, then rebuilds the print material.  A build error shows in\n"
"the terminal and over the page; the last good site stays served.\n"
"\n"
"  --root DIR   directory holding content/, layouts/, assets/ (default .)\n"
"  --out DIR    output directory (default ROOT/out)\n"
"  --port N     the port (default 8080)\n"
"  --bind ADDR  the address to listen on (default 127.0.0.1: this\n"
"               machine only)\n"
"  --only web   the website only, no print material\n"
"  -j N         render with N threads and workers (default: cores)\n"
"  --marks      crop marks on every print sheet\n"
"  --pdfx       every print sheet as CMYK PDF/X-4, for a print shop\n"
"  --drafts     include drafts and pages whose publish: time is to come\n"
"  --internal   include items marked internal: true (not for the public)\n";

static const char S_new_help[] =
"usage: rally new DIR [--lang da|nb|nn|sv|de|en]\n"
"\n"
"A new campaign in DIR (which must be new or empty) that builds the\n"
"site and the whole print set at once: a commented content/site.yml,\n"
"a home and an about page, an area with two messages, an event, a\n"
"press release and an organisation with a logo, in the language given\n"
"(default: the one of $LANG, else English).\n";

static int
S_serve_usage(const char *msg)
{
	if (msg != NULL)
		fprintf(stderr, "rally serve: %s\n", msg);
	fprintf(stderr, "%.*s", (int)(strstr(S_serve_help, "\n\n") -
	    S_serve_help + 1), S_serve_help);
	return 2;
}

static int
S_usage_err(const char *msg)
{
	if (msg != NULL)
		fprintf(stderr, "rally: %s\n", msg);
	fputs(S_usage, stderr);
	return 2;
}

static int
S_build(int argc, char *argv[])
{
	static const struct option lo[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "out", required_argument, NULL, 'o' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "drafts", no_argument, NULL, 'd' },
		{ "internal", no_argument, NULL, 'I' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "only", required_argument, NULL, 'O' },
		{ "marks", no_argument, NULL, 'm' },
		{ "pdfx", no_argument, NULL, 'X' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct opts o;
	char *end, *outbuf = NULL;
	long n;
	int c, rc;

	memset(&o, 0, sizeof(o));
	o.start = run_clock();
	o.root = ".";
	optind = 1;
	while ((c = getopt_long(argc, argv, "j:qvh", lo, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(S_build_help, stdout);
			return 0;
		case 'r':
			o.root = optarg;
			break;
		case 'o':
			o.out = optarg;
			break;
		case 'j':
			n = strtol(optarg, &end, 10);
			if (*end != '\0' || n < 1 || n > 256)
				return S_usage_err("-j takes a number "
				    "from 1 to 256");
			o.jobs = (int)n;
			break;
		case 'd':
			o.drafts = 1;
			break;
		case 'I':
			o.internal = 1;
			break;
		case 'q':
			o.quiet = 1;
			break;
		case 'v':
			o.verbose = 1;
			break;
		case 'O':
			if (strcmp(optarg, "web") != 0 &&
			    strcmp(optarg, "print") != 0)
				return S_usage_err("--only takes web or "
				    "print");
			o.only = optarg;
			break;
		case 'm':
			o.marks = 1;
			break;
		case 'X':
			o.pdfx = 1;
			break;
		default:
			return S_usage_err(NULL);
		}
	}
	if (optind != argc)
		return S_usage_err("unexpected argument");
	if (*o.root == '\0' || (o.out != NULL && *o.out == '\0'))
		return S_usage_err("empty directory name");
	if (o.out == NULL)
		o.out = outbuf = xasprintf("%s/out", o.root);
	o.exiting = 1;
	rc = build(&o);
	free(outbuf);
	return rc;
}

static int
S_flyer_usage(const char *msg)
{
	if (msg != NULL)
		fprintf(stderr, "rally flyer: %s\n", msg);
	/* The usage lines of the help, up to its blank line. */
	fprintf(stderr, "%.*s", (int)(strstr(S_flyer_help, "\n\n") -
	    S_flyer_help + 1), S_flyer_help);
	return 2;
}

static int
S_flyer(int argc, char *argv[])
{
	static const struct option lo[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "org", required_argument, NULL, 'g' },
		{ "area", required_argument, NULL, 'a' },
		{ "event", required_argument, NULL, 'e' },
		{ "message", required_argument, NULL, 'n' },
		{ "size", required_argument, NULL, 's' },
		{ "layout", required_argument, NULL, 'l' },
		{ "name", required_argument, NULL, 'N' },
		{ "logo", required_argument, NULL, 'L' },
		{ "contact", required_argument, NULL, 'C' },
		{ "url", required_argument, NULL, 'U' },
		{ "title", required_argument, NULL, 'T' },
		{ "date", required_argument, NULL, 'D' },
		{ "time", required_argument, NULL, 't' },
		{ "place", required_argument, NULL, 'P' },
		{ "marks", no_argument, NULL, 'm' },
		{ "pdfx", no_argument, NULL, 'X' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct flyer_opts o;
	struct date d;
	char *end;
	int c;

	memset(&o, 0, sizeof(o));
	o.root = ".";
	o.layout = "org-flyer";
	o.message = 1;
	optind = 1;
	while ((c = getopt_long(argc, argv, "o:h", lo, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(S_flyer_help, stdout);
			return 0;
		case 'r': o.root = optarg; break;
		case 'g': o.org = optarg; break;
		case 'a': o.area = optarg; break;
		case 'e': o.event = optarg; break;
		case 's': o.size = optarg; break;
		case 'l': o.layout = optarg; break;
		case 'N': o.name = optarg; break;
		case 'L': o.logo = optarg; break;
		case 'C': o.contact = optarg; break;
		case 'U': o.url = optarg; break;
		case 'T': o.title = optarg; break;
		case 'D': o.date = optarg; break;
		case 't': o.time = optarg; break;
		case 'P': o.place = optarg; break;
		case 'm': o.marks = 1; break;
		case 'X': o.pdfx = 1; break;
		case 'o': o.out = optarg; break;
		case 'n':
			o.message = strtol(optarg, &end, 10);
			if (*end != '\0' || o.message < 1 || o.message > 1000)
				return S_flyer_usage("--message takes a "
				    "number from 1");
			break;
		default:
			return S_flyer_usage(NULL);
		}
	}
	if (optind != argc)
		return S_flyer_usage("unexpected argument");
	if (o.out == NULL)
		return S_flyer_usage("-o FILE.pdf is required");
	if (o.area == NULL)
		return S_flyer_usage("--area is required");
	if (o.org == NULL && o.name == NULL)
		return S_flyer_usage("--org SLUG, or --name for an "
		    "organisation not in content/orgs/");
	if (o.org != NULL && o.name != NULL)
		return S_flyer_usage("--org or --name, not both: --name is "
		    "for an organisation not in content/orgs/");
	if (o.event != NULL && o.date != NULL)
		return S_flyer_usage("--event or --date, not both");
	if ((o.time != NULL || o.place != NULL) && o.date == NULL)
		return S_flyer_usage("--time and --place need --date");
	if (o.date != NULL && !date_parse(o.date, &d))
		return S_flyer_usage("bad --date: write YYYY-MM-DD, a day "
		    "that exists");
	if (o.time != NULL && date_parse_time(o.time) < 0)
		return S_flyer_usage("bad --time: write HH:MM, 24-hour");
	if (o.url != NULL && strncmp(o.url, "https://", 8) != 0 &&
	    strncmp(o.url, "http://", 7) != 0)
		return S_flyer_usage("--url must start with https:// or "
		    "http://");
	return build_flyer(&o);
}

static int
S_serve(int argc, char *argv[])
{
	static const struct option lo[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "out", required_argument, NULL, 'o' },
		{ "port", required_argument, NULL, 'p' },
		{ "bind", required_argument, NULL, 'b' },
		{ "only", required_argument, NULL, 'O' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "drafts", no_argument, NULL, 'd' },
		{ "internal", no_argument, NULL, 'I' },
		{ "marks", no_argument, NULL, 'm' },
		{ "pdfx", no_argument, NULL, 'X' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct serve_opts so;
	char *end, *outbuf = NULL;
	long n;
	int c, rc;

	memset(&so, 0, sizeof(so));
	so.build.root = ".";
	so.bind = "127.0.0.1";
	so.port = 8080;
	optind = 1;
	while ((c = getopt_long(argc, argv, "j:h", lo, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(S_serve_help, stdout);
			return 0;
		case 'r': so.build.root = optarg; break;
		case 'o': so.build.out = optarg; break;
		case 'b': so.bind = optarg; break;
		case 'd': so.build.drafts = 1; break;
		case 'I': so.build.internal = 1; break;
		case 'm': so.build.marks = 1; break;
		case 'X': so.build.pdfx = 1; break;
		case 'p':
			n = strtol(optarg, &end, 10);
			if (*end != '\0' || n < 1 || n > 65535)
				return S_serve_usage("--port takes a number "
				    "from 1 to 65535");
			so.port = (int)n;
			break;
		case 'j':
			n = strtol(optarg, &end, 10);
			if (*end != '\0' || n < 1 || n > 256)
				return S_serve_usage("-j takes a number from "
				    "1 to 256");
			so.build.jobs = (int)n;
			break;
		case 'O':
			if (strcmp(optarg, "web") != 0)
				return S_serve_usage("--only takes web");
			so.web_only = 1;
			break;
		default:
			return S_serve_usage(NULL);
		}
	}
	if (optind != argc)
		return S_serve_usage("unexpected argument");
	if (*so.build.root == '\0' || (so.build.out != NULL &&
	    *so.build.out == '\0'))
		return S_serve_usage("empty directory name");
	if (so.build.out == NULL)
		so.build.out = outbuf = xasprintf("%s/out", so.build.root);
	rc = serve(&so);
	free(outbuf);
	return rc;
}

/* The language of $LANG ("nb_NO.UTF-8"), if rally has a scaffold in it. */
static const char *
S_env_lang(void)
{
	static const char *const langs[] = { "da", "nb", "nn", "sv", "de",
	    "en" };
	const char *l = getenv("LANG");
	size_t i;

	if (l != NULL && strncmp(l, "no", 2) == 0 && (l[2] == '_' ||
	    l[2] == '\0'))
		return "nb";
	for (i = 0; l != NULL && i < sizeof(langs) / sizeof(langs[0]); i++)
		if (strncmp(l, langs[i], 2) == 0 && (l[2] == '_' ||
		    l[2] == '.' || l[2] == '\0'))
			return langs[i];
	return "en";
}

static int
S_new(int argc, char *argv[])
{
	static const struct option lo[] = {
		{ "lang", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *lang = NULL;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(S_new_help, stdout);
			return 0;
		case 'l':
			lang = optarg;
			break;
		default:
			fputs(S_new_help, stderr);
			return 2;
		}
	}
	if (optind != argc - 1 || *argv[optind] == '\0') {
		fprintf(stderr, "rally new: %s\n", optind == argc ?
		    "which directory?" : "one directory");
		fputs(S_new_help, stderr);
		return 2;
	}
	return new_campaign(argv[optind], lang != NULL ? lang :
	    S_env_lang());
}

/*
 * Transparent huge pages for malloc's heap.  On a virtual machine a
 * page fault is dear: a fifth to a third of a 10k-page build was the
 * kernel handing out 4 KB pages one fault at a time.  glibc backs its
 * heap with 2 MB pages when asked (glibc.malloc.hugetlb=1, since 2.35),
 * but reads the request only from GLIBC_TUNABLES as the process
 * starts: so build and serve set it and start themselves again (one
 * exec, a few ms; the one-page rebuild of a 10k site went to 0.66 of
 * its time, a cold one to 0.89, peak memory within a MB).  Not
 * rally flyer: one small sheet gained less than the exec cost.
 * Not when the kernel gives huge pages to everyone or to no one
 * (THP "always" or "never"), not when the user set any tunable, and
 * not under valgrind, whose exec would leave the new process
 * unwatched.  RALLY_HUGEPAGES=0 turns it off.
 */
static void
S_hugepages(char *argv[])
{
	char mode[128];
	const char *e;
	FILE *f;
	size_t n;

	/*
	 * Not when the dynamic loader was started as the program (ld.so
	 * rally build ...: /proc/self/exe is the loader, and no
	 * interpreter was loaded), nor for a setuid or file-capability
	 * rally (glibc empties the tunables there; one that removed them
	 * would have it exec forever).
	 */
	if (getauxval(AT_BASE) == 0 || getauxval(AT_SECURE) != 0)
		return;
	if (getenv("GLIBC_TUNABLES") != NULL)
		return;
	if ((e = getenv("RALLY_HUGEPAGES")) != NULL && strcmp(e, "0") == 0)
		return;
	if ((e = getenv("LD_PRELOAD")) != NULL && strstr(e, "vgpreload"))
		return;
	f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "re");
	if (f == NULL)
		return;
	n = fread(mode, 1, sizeof(mode) - 1, f);
	fclose(f);
	mode[n] = '\0';
	if (strstr(mode, "[madvise]") == NULL)
		return;
	if (setenv("GLIBC_TUNABLES", "glibc.malloc.hugetlb=1", 1) != 0)
		return;
	execv("/proc/self/exe", argv);
	unsetenv("GLIBC_TUNABLES");	/* no exec: go on as we are */
}

/*
 * Each malloc arena grows by 32 MB more than it is asked for (128 KB
 * by default).  A worker thread's arena grew a few pages at a time
 * (500 mprotect calls in a cold build of 10k pages), and memory handed
 * out at the edge of a growing region gets 4 KB pages, one fault
 * each, not huge ones: 7 500 page faults in that build, 600 with the
 * pad, at about 14 us each on this project's virtual machine.  Pages
 * are still only taken when touched; what it costs is the unused part
 * of an arena's last huge page (2 MB at most an arena: peak 60.1
 * against 59.4 MiB in that build, median of 9).  Set with mallopt, it
 * also keeps malloc's threshold for mmap at 128 KB, as any mallopt
 * of these does; 32 MB was the fastest of 0 to 64.
 */
static void
S_top_pad(void)
{
	mallopt(M_TOP_PAD, 32 << 20);
}

/*
 * The kernel names a process after the path it was started by:
 * "exe", after S_hugepages.  Named after argv[0] again, as ps,
 * pkill rally and core files know it.
 */
static void
S_name(const char *argv0)
{
	char name[17] = "";
	const char *base = strrchr(argv0, '/');

	if (prctl(PR_GET_NAME, name) != 0 || strcmp(name, "exe") != 0)
		return;
	snprintf(name, sizeof(name), "%s", base != NULL ? base + 1 : argv0);
	prctl(PR_SET_NAME, name);
}

int
main(int argc, char *argv[])
{
	int rc;

	S_name(argv[0]);
	if (argc < 2)
		return S_usage_err(NULL);
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		fputs(S_usage, stdout);
		fputs("\n", stdout);
		fputs(S_help, stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		puts("rally " RALLY_VERSION);
		return 0;
	}
	if (strcmp(argv[1], "build") == 0 || strcmp(argv[1], "serve") == 0) {
		S_hugepages(argv);
		S_top_pad();
	}
	xmlInitParser();
	if (strcmp(argv[1], "build") == 0)
		rc = S_build(argc - 1, argv + 1);
	else if (strcmp(argv[1], "flyer") == 0)
		rc = S_flyer(argc - 1, argv + 1);
	else if (strcmp(argv[1], "new") == 0)
		rc = S_new(argc - 1, argv + 1);
	else if (strcmp(argv[1], "serve") == 0)
		rc = S_serve(argc - 1, argv + 1);
	else {
		fprintf(stderr, "rally: unknown command '%s'\n", argv[1]);
		rc = S_usage_err(NULL);
	}
	xmlCleanupParser();
	return rc;
}
