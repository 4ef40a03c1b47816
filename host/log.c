/*
 * log.c - see log.h.
 */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

static int fg = 1, lvl = LOG_INFO_L;
static const char *const names[] = { "error", "info", "debug" };

void
log_open(int foreground, int level)
{
	fg = foreground;
	lvl = level;
	if (!fg)
		openlog("nicsecd", LOG_PID, LOG_DAEMON);
}

void
log_level_set(int level)
{
	lvl = level;
}

int
log_level(void)
{
	return lvl;
}

int
log_level_parse(const char *s)
{
	for (int i = 0; i < 3; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

const char *
log_level_name(int level)
{
	return level >= 0 && level < 3 ? names[level] : "?";
}

void
log_at(int level, const char *who, const char *fmt, ...)
{
	char text[2048], stamp[32];
	struct timespec ts;
	struct tm tm;
	va_list ap;

	if (level > lvl)
		return;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (!fg) {
		syslog(level == LOG_ERR_L ? LOG_ERR : level == LOG_INFO_L ?
		    LOG_INFO : LOG_DEBUG, "%s%s%s", who ? who : "",
		    who ? ": " : "", text);
		return;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	strftime(stamp, sizeof(stamp), "%H:%M:%S", &tm);
	fprintf(stderr, "%s.%03ld %-5s %s%s%s\n", stamp, ts.tv_nsec / 1000000,
	    names[level], who ? who : "", who ? ": " : "", text);
	fflush(stderr);
}
