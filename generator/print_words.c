/*
 * print_words.c: what a line of print must not split, and where it may:
 * addresses, times and dates kept whole, libhyphen's points, a long
 * word's last-resort breaks, capitals, hashtags.
 */

#include <stdlib.h>
#include <string.h>

#include <cairo.h>
#include <hyphen.h>
#include <pango/pangocairo.h>

#include "rally.h"
#include "extern.h"
#include "builtin.h"
#include "print.h"

/*
 * How street names end, in the languages rally has words for (a regular
 * expression's alternatives, matched without regard to case): what
 * words_units keeps with a house number, and words_named keeps from
 * hyphenation.  Not "-ring" or "alle" (Danish: "Besparing 2026",
 * "alle 98 kommuner").
 */
#define STREETS	"gade|gaden|vej|vejen|stræde|strædet|plads|pladsen|torv|" \
	"torvet|allé|boulevard|gata|gatan|" \
	"gate|gaten|vägen|väg|torget|torg|gränd|veien|vegen|vei|veg|plass|" \
	"straße|strasse|str\\.|weg|gasse|platz|allee|street|road|avenue|" \
	"lane|square"

/*
 * Compiles pattern into *slot once per process, from any thread: a
 * constant, not state.
 */
static GRegex *
S_regex(GRegex **slot, const char *pattern, GRegexCompileFlags flags)
{
	GRegex *re;

	if (g_once_init_enter(slot)) {
		if ((re = g_regex_new(pattern, flags, 0, NULL)) == NULL)
			abort();	/* a bad pattern: a bug, not input */
		g_once_init_leave(slot, re);
	}
	return *slot;
}

/*
 * Is the word w (n bytes) an e-mail or web address?  Also one written
 * without its scheme, as print shows them: "example.dk/areas/aeldre".
 */
static int
S_is_addr(const char *w, size_t n)
{
	/* Compiled once per process: a pattern, not state. */
	static GRegex *host;
	char *s, *p, *q;
	int is;

	if (memchr(w, '@', n) != NULL || g_strstr_len(w, (gssize)n,
	    "://") != NULL || (n > 4 && strncmp(w, "www.", 4) == 0))
		return 1;
	if (memchr(w, '.', n) == NULL)
		return 0;
	S_regex(&host, "^[a-z0-9-]+(\\.[a-z0-9-]+)*\\.[a-z]{2,}(/\\S*)?"
	    "[.,;:!?)]*$", G_REGEX_CASELESS);
	/* Without the joiners and break points S_addr may have put in. */
	s = g_strndup(w, n);
	for (p = q = s; *p != '\0'; )
		if (strncmp(p, WJ, 3) == 0 || strncmp(p, ZWSP, 3) == 0)
			p += 3;
		else
			*q++ = *p++;
	*q = '\0';
	is = g_regex_match(host, s, 0, NULL);
	g_free(s);
	return is;
}

/*
 * An address breaks only after '/', '.' or '@' (not after its scheme's
 * "//"), and never at its own hyphens: pango would break after those
 * and a reader could not tell the hyphen was part of it.  Without
 * breaks, not even there: a word joiner where the break would be.
 */
static void
S_addr(GString *out, const char *w, size_t n, int breaks)
{
	const char *scheme = g_strstr_len(w, (gssize)n, "://");
	size_t i;

	for (i = 0; i < n; i++) {
		g_string_append_c(out, w[i]);
		if (w[i] == '-' || (scheme != NULL && w + i == scheme + 2))
			g_string_append(out, WJ);
		else if ((w[i] == '/' || w[i] == '.' || w[i] == '@') &&
		    i + 1 < n && (scheme == NULL || w + i > scheme + 2))
			g_string_append(out, breaks ? ZWSP : WJ);
	}
}

/*
 * Keeps units whole: a time range ("19:00–21:30"), a range of days or
 * weeks ("10.–11. marts", "Uge 18–23"), a number and what it counts
 * ("kl. 19.00", "2200 København", "3 mia. kr."), a street and its
 * number ("Kanalgatan 43"), a phone number's groups ("+45 70 30 00 00"),
 * and addresses (S_addr: whole, or with breaks after their / . @
 * where addr_breaks is set, for text that does not fit otherwise).
 * Returns a new string (g_free).
 */
#define UNIT_DASH	4	/* the spaced dash's pattern, below */

char *
words_units(const char *text, int addr_breaks)
{
	/* Compiled once per process: patterns, not state. */
	static GRegex *re[NUNIT];
	static const char *const pat[NUNIT] = {
		/* a time range: the dash joins */
		"(\\d{1,2}[:.]\\d{2})\\s*([–—-])\\s*(?=\\d{1,2}[:.]\\d{2})",
		/* "kl. 19", "at 19": a short word before a time */
		"\\b(\\w{1,3}\\.?) (?=\\d{1,2}[:.]\\d{2})",
		/* a number and what it counts, a postcode and its town,
		   a phone number's groups */
		"(?<=\\d) (?=\\p{L}|\\d|%|€|\\$)",
		/* "+45 70": a country code and the number */
		"(?<=\\+\\d{2}) ",
		/* "omsorg – ikke": a spaced dash ends its line, never
		   begins one */
		" (?=[–—](\\s|$))",
		/* a range of days or weeks: "10.–11.", "18–23" */
		"(?<=\\d\\.|\\d)([–—])(?=\\d)",
		/* a day and its month: "10. marts" */
		"(?<=\\d\\.) (?=\\p{Ll})",
		/* a week and its number: "Uge 18", "Vecka 9", "KW 10" */
		"\\b(\\p{Lu}\\p{L}{1,4}) (?=\\d{1,2}\\b)",
		/* a street and its number: "Kanalgatan 43", "Nørregade
		   12B", "KARL JOHANS GATE 22", "Hauptstr. 5" (not a
		   time) */
		"(?i)\\b(\\p{L}*(?:" STREETS ")) (?=\\d{1,4}\\p{L}?\\b(?![:.]\\d))",
		/* a number, then the street: "1 High Street", "10
		   Downing Street" (the number and the name are joined
		   above) */
		"\\b(\\d{1,4}\\p{L}?[ \\x{A0}]\\p{Lu}\\p{L}*) (?=(?i:Street|Road|"
		"Avenue|Lane|Square|Place|Way|Drive|Close|Row|Terrace)\\b)",
		/* a word and the short number that ends its name:
		   "avdeling 1", "Ortsgruppe 12", "Klasse 3b" (not a
		   time or a decimal) */
		"(?<=\\p{L}) (?=\\d{1,3}\\p{L}?(?!\\d)(?![:.,]\\d))",
		/* a street named in two words, its number after:
		   "Kongens gate 2", "Karl Johans gate 22" (the last
		   two joined) */
		"(?i)\\b(\\p{L}+) (?=(?:gate|gata|vei|veg|vej|gade|allé|plass|"
		"torg|gränd)[\\x{A0} ]\\d)",
	};
	static const char *const rep[NUNIT] = { "\\1" WJ "\\2" WJ,
	    "\\1" NBSP, NBSP, NBSP, NBSP, WJ "\\1" WJ, NBSP,
	    "\\1" NBSP, "\\1" NBSP, "\\1" NBSP, NBSP, "\\1" NBSP };
	GString *out = g_string_new(NULL);
	const char *p = text, *w;
	char *t, *u;
	int i, digit, dash;

	for (i = 0; i < NUNIT; i++)
		/* No G_REGEX_OPTIMIZE: PCRE's JIT code is opaque to
		   valgrind, and the texts are short. */
		S_regex(&re[i], pat[i], 0);
	/* Addresses first, word by word. */
	while (*p != '\0') {
		if (g_ascii_isspace(*p)) {
			g_string_append_c(out, *p++);
			continue;
		}
		for (w = p; *p != '\0' && !g_ascii_isspace(*p); p++)
			continue;
		if (S_is_addr(w, (size_t)(p - w)))
			S_addr(out, w, (size_t)(p - w), addr_breaks);
		else
			g_string_append_len(out, w, p - w);
	}
	t = g_string_free(out, FALSE);
	/* Every pattern but the spaced dash's needs a digit (\d: any
	   script's), and that one a dash: most headlines have neither. */
	for (p = t, digit = dash = 0; *p != '\0'; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);

		digit |= g_unichar_isdigit(c);
		dash |= c == 0x2013 || c == 0x2014;
	}
	for (i = 0; i < NUNIT; i++) {
		if (re[i] == NULL || (!digit && (i != UNIT_DASH || !dash)))
			continue;
		u = g_regex_replace(re[i], t, -1, 0, rep[i], 0, NULL);
		if (u != NULL) {
			g_free(t);
			t = u;
		}
	}
	return t;
}

/* Hyphenation: U+00AD at libhyphen's points; the author's win. */

static int
S_letter(gunichar c)
{
	return g_unichar_isalpha(c);
}

/* Does the word from w to e (its letters, and a dot) name a street? */
static int
S_street(const char *w, const char *e)
{
	/* Compiled once per process: a pattern, not state. */
	static GRegex *re;
	GString *plain = g_string_new(NULL);
	const char *p;
	int is;

	S_regex(&re, "(?i)(?:" STREETS ")$", 0);
	for (p = w; p < e; p = g_utf8_next_char(p))	/* soft hyphens out */
		if (g_utf8_get_char(p) != 0xAD)
			g_string_append_unichar(plain, g_utf8_get_char(p));
	is = g_regex_match(re, plain->str, 0, NULL);
	g_string_free(plain, TRUE);
	return is;
}

/*
 * Is the word around at (a place in text) part of an address that
 * words_units joined: a street before its number ("Kanalgatan 43") or
 * a town after its postcode ("2200 København")?  A reader looks for
 * it whole: the fitter would rather not hyphenate it.  (A capitalised
 * noun before a number, "Haushaltskonsolidierung 2026", is no street.)
 */
int
words_named(const char *text, const char *at)
{
	const char *w = at, *e = at, *q;

	while (w > text) {
		q = g_utf8_prev_char(w);
		if (!S_letter(g_utf8_get_char(q)) &&
		    g_utf8_get_char(q) != 0xAD)
			break;
		w = q;
	}
	while (*e != '\0' && (S_letter(g_utf8_get_char(e)) ||
	    g_utf8_get_char(e) == 0xAD))
		e = g_utf8_next_char(e);
	if (w == e)
		return 0;
	if (*e == '.')		/* "Hauptstr." */
		e++;
	if (strncmp(e, NBSP, 2) == 0 && g_ascii_isdigit(e[2]))
		return S_street(w, e);
	return g_unichar_isupper(g_utf8_get_char(w)) && w - text >= 3 &&
	    strncmp(w - 2, NBSP, 2) == 0 && g_ascii_isdigit(w[-3]);
}

/*
 * Returns text in language lang (NULL: the site's) with soft hyphens
 * inserted in words of eight letters or more (owned, g_free), by that
 * language's dictionary; unchanged when there is none.  A word that
 * already has one is left alone.
 */
char *
words_hyphenate(const struct print_set *ps, const char *lang,
    const char *text, int names)
{
	HyphenDict *dict = ps->hyph;
	size_t i;
	GString *out;
	const char *p = text, *w, *e;
	char *word;
	long nchars;

	for (i = 0; lang != NULL && i < ps->nhyphs; i++)
		if (strcmp(ps->hyphs[i].lang, lang) == 0)
			dict = ps->hyphs[i].dict;
	if (dict == NULL)
		return g_strdup(text);
	out = g_string_new(NULL);
	while (*p != '\0') {
		/* An address or a hashtag is never hyphenated. */
		if ((p == text || g_ascii_isspace(p[-1])) &&
		    (*p == '#' || S_is_addr(p, strcspn(p, " \t\n")))) {
			e = p + strcspn(p, " \t\n");
			g_string_append_len(out, p, e - p);
			p = e;
			continue;
		}
		if (!S_letter(g_utf8_get_char(p))) {
			e = g_utf8_next_char(p);
			g_string_append_len(out, p, e - p);
			p = e;
			continue;
		}
		for (w = p; *p != '\0' && (S_letter(g_utf8_get_char(p)) ||
		    g_utf8_get_char(p) == 0xAD); p = g_utf8_next_char(p))
			continue;
		word = g_strndup(w, (gsize)(p - w));
		nchars = g_utf8_strlen(word, -1);
		if (nchars < 8 || strstr(word, "\xC2\xAD") != NULL ||
		    (!names && words_named(text, w))) {
			g_string_append(out, word);
			g_free(word);
			continue;
		}
		lang_hyphenate_word(dict, word, strlen(word), out);
		g_free(word);
	}
	return g_string_free(out, FALSE);
}

/*
 * A word of ten letters or more may break anywhere (three letters at
 * least each side): with a soft hyphen, or, in an address, with a
 * zero-width space, where a hyphen would read as part of it.
 */
char *
words_break_any(const char *text)
{
	GString *out = g_string_new(NULL);
	const char *p = text, *w, *q;
	long n, k;
	int addr;

	while (*p != '\0') {
		if (g_unichar_isspace(g_utf8_get_char(p))) {
			q = g_utf8_next_char(p);
			g_string_append_len(out, p, q - p);
			p = q;
			continue;
		}
		for (w = p; *p != '\0' && !g_unichar_isspace(
		    g_utf8_get_char(p)); p = g_utf8_next_char(p))
			continue;
		addr = S_is_addr(w, (size_t)(p - w));
		n = g_utf8_strlen(w, p - w);
		for (q = w, k = 0; q < p; k++) {
			const char *nx = g_utf8_next_char(q);

			g_string_append_len(out, q, nx - q);
			if (n >= 10 && k >= 2 && k < n - 3 &&
			    (addr || (g_unichar_isalpha(g_utf8_get_char(q)) &&
			    g_unichar_isalpha(g_utf8_get_char(nx)))))
				g_string_append(out, addr ? "\xE2\x80\x8B" :
				    "\xC2\xAD");
			q = nx;
		}
	}
	return g_string_free(out, FALSE);
}

/* Is u of the Latin, Greek or Cyrillic script (rally's own faces')? */
int
words_alphabet(gunichar u)
{
	GUnicodeScript sc = g_unichar_get_script(u);

	return sc == G_UNICODE_SCRIPT_LATIN || sc == G_UNICODE_SCRIPT_GREEK ||
	    sc == G_UNICODE_SCRIPT_CYRILLIC;
}

/*
 * In the languages whose typesetters keep a one-letter word with the
 * word after it (Ukrainian "в", Polish "w", Czech "v": never at a
 * line's end), the space after it becomes a no-break space.  Other
 * languages' text is returned as it is.  g_free.
 */
char *
words_single(const char *lang, const char *text)
{
	static const char *const keep[] = { "uk", "ru", "be", "bg", "pl",
	    "cs", "sk", "sl", "hr", "sr", "bs", "mk", NULL };
	GString *out;
	const char *p, *prev = NULL, *next;
	size_t i;

	for (i = 0; keep[i] != NULL; i++)
		if (lang_is(lang, keep[i], strlen(keep[i])))
			break;
	if (keep[i] == NULL)
		return g_strdup(text);
	out = g_string_new(NULL);
	for (p = text; *p != '\0'; prev = p, p = next) {
		next = g_utf8_next_char(p);
		/* a letter alone: a space or the start before, a space after */
		if (g_unichar_isalpha(g_utf8_get_char(p)) && *next == ' ' &&
		    (prev == NULL || g_unichar_isspace(g_utf8_get_char(prev)))) {
			g_string_append_len(out, p, next - p);
			g_string_append(out, NBSP);
			next++;
			p = next - 1;	/* prev: the space, now joined */
			continue;
		}
		g_string_append_len(out, p, next - p);
	}
	return g_string_free(out, FALSE);
}

/*
 * Appends capitals u to out; Greek in capitals goes without its accents
 * (ΦΡΟΝΤΙΔΑ ΓΙΑ ΟΛΟΥΣ, not ΦΡΟΝΤΊΔΑ ΓΙΑ ΌΛΟΥΣ), as Greek typesetters
 * set it; the diaeresis stays, it changes how the word is read.
 */
static void
S_greek_caps(GString *out, const char *u)
{
	char *d, *c;
	const char *p;
	gunichar ch, base = 0;
	GString *t;

	for (p = u; *p != '\0'; p = g_utf8_next_char(p))
		if (g_unichar_get_script(g_utf8_get_char(p)) ==
		    G_UNICODE_SCRIPT_GREEK)
			break;
	if (*p == '\0') {
		g_string_append(out, u);
		return;
	}
	d = g_utf8_normalize(u, -1, G_NORMALIZE_NFD);
	t = g_string_new(NULL);
	for (p = d; p != NULL && *p != '\0'; p = g_utf8_next_char(p)) {
		ch = g_utf8_get_char(p);
		/* tonos/oxia, varia, perispomeni, breathings, ypogegrammeni
		   on a Greek letter */
		if ((ch == 0x301 || ch == 0x300 || ch == 0x342 ||
		    ch == 0x313 || ch == 0x314 || ch == 0x345) &&
		    g_unichar_get_script(base) == G_UNICODE_SCRIPT_GREEK)
			continue;
		if (g_unichar_combining_class(ch) == 0)
			base = ch;
		g_string_append_unichar(t, ch);
	}
	c = g_utf8_normalize(t->str, -1, G_NORMALIZE_NFC);
	g_string_append(out, c != NULL ? c : u);
	g_free(c);
	g_free(d);
	g_string_free(t, TRUE);
}

/*
 * transform="upper", but a hashtag stays as the campaign writes it
 * (#JaTilTryghed): its capitals are how it is read.  g_free.
 */
char *
words_upper(const char *text)
{
	GString *out = g_string_new(NULL);
	const char *p = text, *w;
	char *u;

	while (*p != '\0') {
		for (w = p; *p != '\0' && *p != '#'; p++)
			continue;
		u = g_utf8_strup(w, p - w);
		S_greek_caps(out, u);
		g_free(u);
		for (w = p; *p != '\0' && !g_unichar_isspace(
		    g_utf8_get_char(p)); p = g_utf8_next_char(p))
			continue;
		g_string_append_len(out, w, p - w);
	}
	return g_string_free(out, FALSE);
}

/*
 * Marks each hashtag (#JaTilTryghed) with TAG_ON and TAG_OFF, for
 * S_markup to set in the frame's hashtag-font: a display face with
 * capitals only would print it #JATILTRYGHED.  Any U+E000/U+E001 of
 * the content itself is dropped.  g_free.
 */
char *
words_tags(const char *text)
{
	GString *out = g_string_new(NULL);
	const char *p = text, *nx;
	int in = 0;

	for (; *p != '\0'; p = nx) {
		gunichar ch = g_utf8_get_char(p);

		nx = g_utf8_next_char(p);
		if (ch == 0xE000 || ch == 0xE001)
			continue;
		if (in && g_unichar_isspace(ch)) {
			g_string_append(out, TAG_OFF);
			in = 0;
		} else if (!in && ch == '#' && (p == text ||
		    g_unichar_isspace(g_utf8_get_char(g_utf8_prev_char(p))))) {
			g_string_append(out, TAG_ON);
			in = 1;
		}
		g_string_append_len(out, p, nx - p);
	}
	if (in)
		g_string_append(out, TAG_OFF);
	return g_string_free(out, FALSE);
}
