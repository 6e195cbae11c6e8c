/* The statutory holidays of a year (全国年节及纪念日放假办法, as amended in 2024), computed from the lunar calendar (ICU) and the 清明 solar term (astronomy); pure. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include <unicode/ucal.h>

#include "deadline.h"

#define STATUTORY_PI 3.14159265358979323846
#define STATUTORY_RAD (STATUTORY_PI / 180.0)
#define STATUTORY_J2000 2451545.0	/* Julian day of 2000-01-01 12:00 TT */
#define STATUTORY_UNIX_JD 2440587.5	/* Julian day of 1970-01-01 00:00 UT */
#define STATUTORY_CHINESE_EPOCH 2637	/* ICU: extended Chinese year - Gregorian */

/*
 * Returns the sun's apparent ecliptic longitude in degrees [0, 360) at
 * Julian ephemeris day jde (J. Meeus, Astronomical Algorithms, 2nd ed.,
 * ch. 25, the low-accuracy method: within 0.01 degree, about 15 minutes of
 * the sun's motion).
 */
static double
statutory_sun_longitude(double jde)
{
	double t = (jde - STATUTORY_J2000) / 36525.0;
	double l0 = 280.46646 + 36000.76983 * t + 0.0003032 * t * t;
	double m = (357.52911 + 35999.05029 * t - 0.0001537 * t * t) *
	    STATUTORY_RAD;
	double c = (1.914602 - 0.004817 * t - 0.000014 * t * t) * sin(m) +
	    (0.019993 - 0.000101 * t) * sin(2 * m) + 0.000289 * sin(3 * m);
	double omega = (125.04 - 1934.136 * t) * STATUTORY_RAD;
	double lambda = l0 + c - 0.00569 - 0.00478 * sin(omega);

	lambda = fmod(lambda, 360.0);
	return lambda < 0 ? lambda + 360.0 : lambda;
}

/*
 * Returns ΔT = TT - UT in seconds for year (F. Espenak and J. Meeus's
 * polynomials for 2005-2050 and 2050-2150; beyond, the latter's parabola).
 */
static double
statutory_delta_t(int year)
{
	double y = year + 0.5, u;

	if (year < 2050)
		return 62.92 + 0.32217 * (y - 2000) + 0.005589 * (y - 2000) *
		    (y - 2000);
	u = (y - 1820) / 100;
	return -20 + 32 * u * u - 0.5628 * (2150 - y);
}

/*
 * Returns the instant (ms since the epoch, UT) at which the sun reaches
 * 15 degrees of longitude in year: the 清明 solar term. Bisection over
 * March 25 to April 15, where the longitude rises from about 4 to 25.
 */
int64_t
statutory_qingming_ms(int year)
{
	double lo = (double)deadline_midnight(deadline_date_day(year, 3, 25)) /
	    DEADLINE_DAY_MS + STATUTORY_UNIX_JD;
	double hi = lo + 21, mid, dt = statutory_delta_t(year) / 86400.0;
	int i;

	for (i = 0; i < 60; i++) {
		mid = (lo + hi) / 2;
		if (statutory_sun_longitude(mid + dt) < 15.0)
			lo = mid;
		else
			hi = mid;
	}
	return (int64_t)llround((lo - STATUTORY_UNIX_JD) * DEADLINE_DAY_MS);
}

/* Periodic terms of the new moon (Meeus table 49.A): coefficient, multiples of M', M, F, Omega, power of E. */
static const struct {
	double coef;
	signed char mp, m, f, om, e;
} statutory_newmoon_terms[] = {
	{ -0.40720, 1, 0, 0, 0, 0 }, { 0.17241, 0, 1, 0, 0, 1 },
	{ 0.01608, 2, 0, 0, 0, 0 }, { 0.01039, 0, 0, 2, 0, 0 },
	{ 0.00739, 1, -1, 0, 0, 1 }, { -0.00514, 1, 1, 0, 0, 1 },
	{ 0.00208, 0, 2, 0, 0, 2 }, { -0.00111, 1, 0, -2, 0, 0 },
	{ -0.00057, 1, 0, 2, 0, 0 }, { 0.00056, 2, 1, 0, 0, 1 },
	{ -0.00042, 3, 0, 0, 0, 0 }, { 0.00042, 0, 1, 2, 0, 1 },
	{ 0.00038, 0, 1, -2, 0, 1 }, { -0.00024, 2, -1, 0, 0, 1 },
	{ -0.00017, 0, 0, 0, 1, 0 }, { -0.00007, 1, 2, 0, 0, 0 },
	{ 0.00004, 2, 0, -2, 0, 0 }, { 0.00004, 0, 3, 0, 0, 0 },
	{ 0.00003, 1, 1, -2, 0, 0 }, { 0.00003, 2, 0, 2, 0, 0 },
	{ -0.00003, 1, 1, 2, 0, 0 }, { 0.00003, 1, -1, 2, 0, 0 },
	{ -0.00002, 1, -1, -2, 0, 0 }, { -0.00002, 3, 1, 0, 0, 0 },
	{ 0.00002, 4, 0, 0, 0, 0 },
};

/* Planetary arguments of the new moon (Meeus 49): A = a + b k, and its coefficient. */
static const struct {
	double a, b, coef;
} statutory_newmoon_planets[] = {
	{ 299.77, 0.107408, 0.000325 }, { 251.88, 0.016321, 0.000165 },
	{ 251.83, 26.651886, 0.000164 }, { 349.42, 36.412478, 0.000126 },
	{ 84.66, 18.206239, 0.000110 }, { 141.74, 53.303771, 0.000062 },
	{ 207.14, 2.453732, 0.000060 }, { 154.84, 7.306860, 0.000056 },
	{ 34.52, 27.261239, 0.000047 }, { 207.19, 0.121824, 0.000042 },
	{ 291.34, 1.844379, 0.000040 }, { 161.72, 24.198154, 0.000037 },
	{ 239.56, 25.513099, 0.000035 }, { 331.55, 3.592518, 0.000023 },
};

/*
 * Returns the Julian ephemeris day of new moon number k (0: 2000-01-06),
 * by J. Meeus, Astronomical Algorithms, ch. 49: within a minute or so,
 * where ICU's own astronomy is off by several (it put 初一 of 2027 on
 * 7 February: that new moon is 23:56 Beijing time on the 6th).
 */
double
statutory_new_moon(int k)
{
	double t = k / 1236.85, t2 = t * t, t3 = t2 * t, t4 = t3 * t;
	double jde = 2451550.09766 + 29.530588861 * k + 0.00015437 * t2 -
	    0.000000150 * t3 + 0.00000000073 * t4;
	double e = 1 - 0.002516 * t - 0.0000074 * t2;
	double m = (2.5534 + 29.10535670 * k - 0.0000014 * t2 -
	    0.00000011 * t3) * STATUTORY_RAD;
	double mp = (201.5643 + 385.81693528 * k + 0.0107582 * t2 +
	    0.00001238 * t3 - 0.000000058 * t4) * STATUTORY_RAD;
	double f = (160.7108 + 390.67050284 * k - 0.0016118 * t2 -
	    0.00000227 * t3 + 0.000000011 * t4) * STATUTORY_RAD;
	double om = (124.7746 - 1.56375588 * k + 0.0020672 * t2 +
	    0.00000215 * t3) * STATUTORY_RAD;
	size_t i;

	for (i = 0; i < sizeof statutory_newmoon_terms /
	    sizeof statutory_newmoon_terms[0]; i++)
		jde += statutory_newmoon_terms[i].coef *
		    pow(e, statutory_newmoon_terms[i].e) *
		    sin(statutory_newmoon_terms[i].mp * mp +
		    statutory_newmoon_terms[i].m * m +
		    statutory_newmoon_terms[i].f * f +
		    statutory_newmoon_terms[i].om * om);
	for (i = 0; i < sizeof statutory_newmoon_planets /
	    sizeof statutory_newmoon_planets[0]; i++)
		jde += statutory_newmoon_planets[i].coef *
		    sin((statutory_newmoon_planets[i].a +
		    statutory_newmoon_planets[i].b * k -
		    (i == 0 ? 0.009173 * t2 : 0)) * STATUTORY_RAD);
	return jde;
}

/* Returns the day number (Beijing date) of the new moon nearest day day. */
static int32_t
statutory_new_moon_day(int32_t day, int year)
{
	double jd = (double)deadline_midnight(day) / DEADLINE_DAY_MS +
	    STATUTORY_UNIX_JD;
	int k = (int)lround((jd - 2451550.09766) / 29.530588861);
	double ut = statutory_new_moon(k) - statutory_delta_t(year) / 86400.0;

	return deadline_day((int64_t)llround((ut - STATUTORY_UNIX_JD) *
	    DEADLINE_DAY_MS));
}

/*
 * Returns the day number of lunar month month (not a leap month), day mday,
 * of the Chinese year beginning in Gregorian year year, in Asia/Shanghai;
 * or -1 if ICU cannot say. ICU names the months (which is the first, which
 * is leap); the month's first day is the Beijing date of its new moon by
 * statutory_new_moon, as the Purple Mountain Observatory reckons it.
 */
static int32_t
statutory_lunar(UCalendar *c, int year, int month, int mday)
{
	UErrorCode st = U_ZERO_ERROR;
	UDate ms;

	ucal_clear(c);
	ucal_set(c, UCAL_EXTENDED_YEAR, year + STATUTORY_CHINESE_EPOCH);
	ucal_set(c, UCAL_MONTH, month - 1);
	ucal_set(c, UCAL_IS_LEAP_MONTH, 0);
	ucal_set(c, UCAL_DATE, 1);
	ms = ucal_getMillis(c, &st);
	if (U_FAILURE(st))
		return -1;
	return statutory_new_moon_day(deadline_day((int64_t)ms), year) +
	    mday - 1;
}

/* Returns the day number ICU alone gives lunar month/mday (for the tests' second opinion), or -1. */
int32_t
statutory_icu_lunar(int year, int month, int mday)
{
	static const UChar zone[] = { 'A', 's', 'i', 'a', '/', 'S', 'h', 'a',
	    'n', 'g', 'h', 'a', 'i', 0 };
	UErrorCode st = U_ZERO_ERROR;
	UCalendar *c;
	UDate ms;

	c = ucal_open(zone, -1, "zh_CN@calendar=chinese", UCAL_DEFAULT, &st);
	if (U_FAILURE(st))
		return -1;
	ucal_clear(c);
	ucal_set(c, UCAL_EXTENDED_YEAR, year + STATUTORY_CHINESE_EPOCH);
	ucal_set(c, UCAL_MONTH, month - 1);
	ucal_set(c, UCAL_IS_LEAP_MONTH, 0);
	ucal_set(c, UCAL_DATE, mday);
	ms = ucal_getMillis(c, &st);
	ucal_close(c);
	return U_FAILURE(st) ? -1 : deadline_day((int64_t)ms);
}

/* Adds day (name) to out unless a day already there is the same date. */
static void
statutory_add(struct statutory_day *out, int *n, int32_t day,
    const char *name)
{
	int i;

	for (i = 0; i < *n; i++)
		if (out[i].day == day)
			return;	/* 中秋 on 国庆: one day off, not two */
	out[*n].day = day;
	out[*n].name = name;
	(*n)++;
}

/* Sorts the n days of out by date (insertion: n <= 13). */
static void
statutory_sort(struct statutory_day *out, int n)
{
	struct statutory_day v;
	int i, j;

	for (i = 1; i < n; i++) {
		v = out[i];
		for (j = i; j > 0 && out[j - 1].day > v.day; j--)
			out[j] = out[j - 1];
		out[j] = v;
	}
}

/* Fills out with the statutory days of year; see deadline.h. */
int
statutory_days(int year, struct statutory_day out[STATUTORY_MAX_DAYS])
{
	static const UChar zone[] = { 'A', 's', 'i', 'a', '/', 'S', 'h', 'a',
	    'n', 'g', 'h', 'a', 'i', 0 };
	UErrorCode st = U_ZERO_ERROR;
	int32_t spring, dragon, moon;
	UCalendar *c;
	int n = 0, i;

	if (year < STATUTORY_FIRST_YEAR || year > STATUTORY_LAST_YEAR)
		return 0;
	c = ucal_open(zone, -1, "zh_CN@calendar=chinese", UCAL_DEFAULT, &st);
	if (U_FAILURE(st))
		return -1;
	spring = statutory_lunar(c, year, 1, 1);
	dragon = statutory_lunar(c, year, 5, 5);
	moon = statutory_lunar(c, year, 8, 15);
	ucal_close(c);
	if (spring == -1 || dragon == -1 || moon == -1)
		return -1;
	statutory_add(out, &n, deadline_date_day(year, 1, 1), "元旦");
	for (i = -1; i <= 2; i++)	/* 除夕 (the day before 初一) to 初三 */
		statutory_add(out, &n, spring + i, "春节");
	statutory_add(out, &n, deadline_day(statutory_qingming_ms(year)),
	    "清明");
	statutory_add(out, &n, deadline_date_day(year, 5, 1), "劳动节");
	statutory_add(out, &n, deadline_date_day(year, 5, 2), "劳动节");
	statutory_add(out, &n, dragon, "端午");
	for (i = 1; i <= 3; i++)
		statutory_add(out, &n, deadline_date_day(year, 10, i),
		    "国庆节");
	statutory_add(out, &n, moon, "中秋");
	statutory_sort(out, n);
	return n;
}
