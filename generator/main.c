/*
 * main.c: the command line.  Parses options and dispatches; only this
 * file decides the exit status.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libxml/parser.h>

#include "rally.h"
#include "extern.h"

static const char S_usage[] =
"usage: rally build [--root DIR] [--out DIR] [-j N] [--only web|print]\n"
"                   [--marks] [--drafts] [--quiet]\n"
"       rally flyer --area SLUG (--org SLUG | --name NAME) [--event SLUG]\n"
"                   [--message N] [--size A5] [--logo FILE] [--contact TEXT]\n"
"                   [--url URL] [--date YYYY-MM-DD] [--time HH:MM]\n"
"                   [--place TEXT] -o FILE.pdf\n"
"       rally --help | --version\n";

static const char S_help[] =
"rally builds a campaign's website and print material from content/,\n"
"layouts/ and assets/.\n"
"\n"
"commands:\n"
"  build        build the site and the print material\n"
"  flyer        one co-branded flyer, without building the site\n"
"\n"
"options:\n"
"  --root DIR   directory holding content/, layouts/, assets/ (default .)\n"
"  --out DIR    output directory (default ROOT/out)\n"
"  -j N         render with N threads (default: number of cores)\n"
"  --only KIND  build only the web site or only the print material\n"
"  --marks      crop marks on every print sheet\n"
"  --drafts     include pages marked draft: true\n"
"  -q, --quiet  print errors only\n"
"  -h, --help   this help\n"
"  -V, --version\n"
"\n"
"Exit status: 0 success, 1 content error, 2 usage error.\n"
"Errors are printed as path:line:col: error: message.\n"
"SOURCE_DATE_EPOCH sets the build date, for reproducible output.\n";

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
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "only", required_argument, NULL, 'O' },
		{ "marks", no_argument, NULL, 'm' },
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
	while ((c = getopt_long(argc, argv, "j:qv", lo, NULL)) != -1) {
		switch (c) {
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
	rc = build(&o);
	free(outbuf);
	return rc;
}

int
main(int argc, char *argv[])
{
	int rc;

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
	xmlInitParser();
	if (strcmp(argv[1], "build") == 0)
		rc = S_build(argc - 1, argv + 1);
	else if (strcmp(argv[1], "flyer") == 0)
		rc = flyer(argc - 1, argv + 1);
	else {
		fprintf(stderr, "rally: unknown command '%s'\n", argv[1]);
		rc = S_usage_err(NULL);
	}
	xmlCleanupParser();
	return rc;
}
