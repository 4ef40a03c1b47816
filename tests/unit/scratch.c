/*
 * scratch.c - the unit tests' scratch directory: $TMPDIR (or /tmp) /
 * nicsec-unit.XXXXXX, holding only flat files the tests write.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scratch.h"

char tmpdir[256];

int
scratch_make(void **state)
{
	const char *base = getenv("TMPDIR");

	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "%s/nicsec-unit.XXXXXX",
	    base != NULL && *base != '\0' ? base : "/tmp");
	return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

int
scratch_remove(void **state)
{
	char path[600];
	struct dirent *d;
	DIR *dir;

	(void)state;
	if ((dir = opendir(tmpdir)) == NULL)
		return -1;
	while ((d = readdir(dir)) != NULL) {
		if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", tmpdir, d->d_name);
		unlink(path);
	}
	closedir(dir);
	return rmdir(tmpdir);
}
