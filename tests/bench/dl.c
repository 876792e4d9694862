/*
 * dl.c: a process that loads shared libraries and does nothing else:
 * for make bench, the floor of a command that needs them (rally's own,
 * libxml2, glib, cmark ...; and its print module's, cairo, pango,
 * librsvg, qpdf ...).
 *
 * usage: dl LIBRARY ...
 */
#include <dlfcn.h>
#include <stdio.h>

int
main(int argc, char *argv[])
{
	int i;

	for (i = 1; i < argc; i++)
		if (dlopen(argv[i], RTLD_NOW | RTLD_LOCAL) == NULL) {
			fprintf(stderr, "dl: %s\n", dlerror());
			return 1;
		}
	return 0;
}
