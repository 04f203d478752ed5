/*
 * t_synth.h - what the synthesis tests share (t_synth.c, t_synthio.c).
 */
#ifndef USERTESTS_T_SYNTH_H
#define USERTESTS_T_SYNTH_H

/* Work per test (4); the slow set's loops run the same tests at 1. */
extern int synth_scale;
/* n rounds of: write a small chunk through wfd, read it back through rfd,
 * checking the bytes and that they were in the pipe at once. */
void echo_rounds(int wfd, int rfd, int n, const char *what);

#endif
