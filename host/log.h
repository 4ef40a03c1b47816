/*
 * log.h - nicsecd's log: one line per event, "TIME LEVEL who: text", where
 * who names the tunnel ("gw[3]" is connection gw's IKE SA number 3, and
 * "gw[3] net{5}" one of its CHILD SAs), so that an operator can grep one
 * tunnel's story out of a busy log.  To stderr when in the foreground,
 * else to syslog.
 */
#ifndef NICSEC_LOG_H
#define NICSEC_LOG_H

#define LOG_ERR_L	0	/* something failed */
#define LOG_INFO_L	1	/* an exchange, a state change (default) */
#define LOG_DEBUG_L	2	/* every packet dropped, timers */

void log_open(int foreground, int level);
void log_level_set(int level);
int log_level(void);
/* Level names as `nicsecctl log-level` takes them; -1 if unknown. */
int log_level_parse(const char *s);
const char *log_level_name(int level);

void log_at(int level, const char *who, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define log_err(who, ...)	log_at(LOG_ERR_L, who, __VA_ARGS__)
#define log_info(who, ...)	log_at(LOG_INFO_L, who, __VA_ARGS__)
#define log_debug(who, ...)	log_at(LOG_DEBUG_L, who, __VA_ARGS__)

#endif /* NICSEC_LOG_H */
