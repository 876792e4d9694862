/*
 * date.c: calendar dates and ISO weeks (lang.c writes them in words).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <glib.h>

#include "rally.h"
#include "extern.h"

/* d as a GDate (valid: date_parse and date_from_time made it). */
static void
S_gdate(const struct date *d, GDate *g)
{
	g_date_clear(g, 1);
	g_date_set_dmy(g, (GDateDay)d->d, (GDateMonth)d->m, (GDateYear)d->y);
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
	return d->y >= 1900 && d->y <= 2200 && g_date_valid_dmy(
	    (GDateDay)d->d, (GDateMonth)d->m, (GDateYear)d->y);
}

/* Parses HH:MM (24-hour) into minutes after midnight, or -1. */
int
date_parse_time(const char *s)
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

/* Adds n days (n >= 0) to *d. */
void
date_add_days(struct date *d, int n)
{
	GDate g;

	S_gdate(d, &g);
	g_date_add_days(&g, (guint)n);
	d->y = g_date_get_year(&g);
	d->m = g_date_get_month(&g);
	d->d = g_date_get_day(&g);
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
	GDate g;

	S_gdate(d, &g);
	return (int)g_date_get_weekday(&g) - 1;
}

/*
 * ISO 8601 week number; *wy gets the week's year: the year of its
 * Thursday (30 December 2019 is in week 1 of 2020).
 */
int
date_isoweek(const struct date *d, int *wy)
{
	GDate g;
	int w;

	S_gdate(d, &g);
	w = (int)g_date_get_iso8601_week_of_year(&g);
	/* The Thursday of the week: Monday + 3. */
	g_date_subtract_days(&g, g_date_get_weekday(&g) - G_DATE_MONDAY);
	g_date_add_days(&g, 3);
	*wy = g_date_get_year(&g);
	return w;
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

/*
 * The Monday of ISO week w of year wy into *d.  Returns 0 when the year
 * has no such week (53 only in long years).
 */
int
date_isoweek_monday(int wy, int w, struct date *d)
{
	struct date jan4 = { wy, 1, 4 }, dec28 = { wy, 12, 28 };
	int y;

	if (wy < 1900 || wy > 2200 || w < 1 || w > date_isoweek(&dec28, &y))
		return 0;
	/* Week 1 holds 4 January. */
	*d = jan4;
	d->d -= date_weekday(&jan4);
	if (d->d < 1) {
		d->y--;
		d->m = 12;
		d->d += 31;
	}
	date_add_days(d, (w - 1) * 7);
	return 1;
}

/*
 * A moment as content writes it: "YYYY-MM-DD", "YYYY-MM-DD HH:MM" or
 * "YYYY-MM-DDTHH:MM" (midnight when no time), local time in tz, into
 * *t.  Returns 0 if it is none of those or no such moment.
 */
int
date_parse_moment(const char *s, struct _GTimeZone *tz, time_t *t)
{
	char day[11];
	struct date d;
	GDateTime *l;
	int m = 0;

	if (strlen(s) < 10)
		return 0;
	memcpy(day, s, 10);
	day[10] = '\0';
	if (!date_parse(day, &d))
		return 0;
	if (s[10] != '\0' && ((s[10] != ' ' && s[10] != 'T') ||
	    (m = date_parse_time(s + 11)) < 0))
		return 0;
	if ((l = g_date_time_new(tz, d.y, d.m, d.d, m / 60, m % 60, 0)) ==
	    NULL)
		return 0;
	*t = (time_t)g_date_time_to_unix(l);
	g_date_time_unref(l);
	return 1;
}
