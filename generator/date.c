/*
 * date.c: calendar dates and ISO weeks (lang.c writes them in words).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <glib.h>

#include "rally.h"
#include "extern.h"

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

/* The date of t in time zone tz (a GTimeZone). */
void
date_from_time(time_t t, struct _GTimeZone *tz, struct date *d)
{
	GDateTime *u = g_date_time_new_from_unix_utc((gint64)t), *l;

	if (u == NULL) {	/* beyond year 9999: keep a valid date */
		d->y = 9999;
		d->m = 12;
		d->d = 31;
		return;
	}
	l = g_date_time_to_timezone(u, tz);
	d->y = g_date_time_get_year(l);
	d->m = g_date_time_get_month(l);
	d->d = g_date_time_get_day_of_month(l);
	g_date_time_unref(l);
	g_date_time_unref(u);
}
