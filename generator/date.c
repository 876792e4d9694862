/*
 * date.c: calendar dates, ISO weeks and dates written in the site's
 * language ("10. marts 2017").
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "rally.h"
#include "extern.h"

static const char *const S_months_da[12] = {
	"januar", "februar", "marts", "april", "maj", "juni", "juli",
	"august", "september", "oktober", "november", "december"
};
static const char *const S_months_nb[12] = {
	"januar", "februar", "mars", "april", "mai", "juni", "juli",
	"august", "september", "oktober", "november", "desember"
};
static const char *const S_months_en[12] = {
	"January", "February", "March", "April", "May", "June", "July",
	"August", "September", "October", "November", "December"
};
static const char *const S_days_da[7] = {
	"mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag"
};
static const char *const S_days_en[7] = {
	"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
	"Sunday"
};

static int
S_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int
date_days_in_month(int y, int m)
{
	static const int dm[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30,
	    31, 30, 31 };

	return m == 2 && S_leap(y) ? 29 : dm[m - 1];
}

/* Parses exactly YYYY-MM-DD into *d.  Returns 1 if it is a real date. */
int
date_parse(const char *s, struct date *d)
{
	int i;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	for (i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return 0;
	d->y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
	    (s[3] - '0');
	d->m = (s[5] - '0') * 10 + (s[6] - '0');
	d->d = (s[8] - '0') * 10 + (s[9] - '0');
	if (d->y < 1900 || d->y > 2200 || d->m < 1 || d->m > 12 ||
	    d->d < 1 || d->d > date_days_in_month(d->y, d->m))
		return 0;
	return 1;
}

/* Parses HH:MM (24-hour) into minutes after midnight, or -1. */
int
time_parse(const char *s)
{
	int h, m;

	if (strlen(s) != 5 || s[2] != ':' || s[0] < '0' || s[0] > '9' ||
	    s[1] < '0' || s[1] > '9' || s[3] < '0' || s[3] > '9' ||
	    s[4] < '0' || s[4] > '9')
		return -1;
	h = (s[0] - '0') * 10 + (s[1] - '0');
	m = (s[3] - '0') * 10 + (s[4] - '0');
	if (h > 23 || m > 59)
		return -1;
	return h * 60 + m;
}

/* Days since 1970-01-01 (Howard Hinnant's algorithm). */
long
date_days(const struct date *d)
{
	int y = d->m <= 2 ? d->y - 1 : d->y;
	long era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153u * (unsigned)(d->m + (d->m > 2 ? -3 : 9)) + 2) /
	    5 + (unsigned)d->d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + (long)doe - 719468;
}

int
date_cmp(const struct date *a, const struct date *b)
{
	if (a->y != b->y)
		return a->y < b->y ? -1 : 1;
	if (a->m != b->m)
		return a->m < b->m ? -1 : 1;
	if (a->d != b->d)
		return a->d < b->d ? -1 : 1;
	return 0;
}

/* 0 = Monday ... 6 = Sunday. */
int
date_weekday(const struct date *d)
{
	long n = date_days(d);

	return (int)(((n % 7) + 7 + 3) % 7);	/* 1970-01-01: Thursday */
}

/* ISO 8601 week number; *wy gets the week's year. */
int
date_isoweek(const struct date *d, int *wy)
{
	struct date jan4;
	long day = date_days(d), start;
	int y = d->y;

	for (int k = 0; k < 2; k++) {
		jan4.y = y + 1;
		jan4.m = 1;
		jan4.d = 4;
		start = date_days(&jan4) - date_weekday(&jan4);
		if (day >= start) {
			*wy = y + 1;
			return (int)((day - start) / 7) + 1;
		}
		jan4.y = y;
		start = date_days(&jan4) - date_weekday(&jan4);
		if (day >= start) {
			*wy = y;
			return (int)((day - start) / 7) + 1;
		}
		y--;
	}
	*wy = y;
	return 1;
}

static int
S_is(const char *lang, const char *a)
{
	return strncmp(lang, a, 2) == 0;
}

/* "10. marts 2017", "10. mars 2017", "10 March 2017". */
void
date_long(const struct date *d, const char *lang, struct buf *b)
{
	if (S_is(lang, "da"))
		buf_printf(b, "%d. %s %d", d->d, S_months_da[d->m - 1], d->y);
	else if (S_is(lang, "nb") || S_is(lang, "nn") || S_is(lang, "no"))
		buf_printf(b, "%d. %s %d", d->d, S_months_nb[d->m - 1], d->y);
	else
		buf_printf(b, "%d %s %d", d->d, S_months_en[d->m - 1], d->y);
}

/* Short month name for calendar badges: "mar". */
void
date_month_short(const struct date *d, const char *lang, struct buf *b)
{
	const char *m;

	if (S_is(lang, "da"))
		m = S_months_da[d->m - 1];
	else if (S_is(lang, "nb") || S_is(lang, "nn") || S_is(lang, "no"))
		m = S_months_nb[d->m - 1];
	else
		m = S_months_en[d->m - 1];
	buf_put(b, m, 3);
}

void
date_weekday_name(const struct date *d, const char *lang, struct buf *b)
{
	int w = date_weekday(d);

	if (S_is(lang, "da") || S_is(lang, "nb") || S_is(lang, "nn") ||
	    S_is(lang, "no"))
		buf_puts(b, S_days_da[w]);
	else
		buf_puts(b, S_days_en[w]);
}

/* The date of t in the local time zone (Europe/Copenhagen, see main). */
void
date_from_time(time_t t, struct date *d)
{
	struct tm tm;

	localtime_r(&t, &tm);
	d->y = tm.tm_year + 1900;
	d->m = tm.tm_mon + 1;
	d->d = tm.tm_mday;
}
