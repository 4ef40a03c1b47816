/*
 * scratch.h - a scratch directory for one unit test binary's files: made by
 * the cmocka group setup, removed with everything in it by the teardown.
 */
#ifndef NICSEC_SCRATCH_H
#define NICSEC_SCRATCH_H

/* The directory's path, valid between scratch_make and scratch_remove. */
extern char tmpdir[256];

int scratch_make(void **state);		/* cmocka group setup */
int scratch_remove(void **state);	/* cmocka group teardown */

#endif /* NICSEC_SCRATCH_H */
