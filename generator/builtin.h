/* The default layouts and stylesheet compiled into rally (builtin.c). */
#ifndef BUILTIN_H
#define BUILTIN_H

struct builtin {
	const char		*name;	/* "layouts/web/base.html" */
	const unsigned char	*data;	/* NUL-terminated */
	size_t			 len;
};

extern const struct builtin builtins[];
extern const char builtins_digest[];	/* FNV-1a of names and bytes */

#endif
