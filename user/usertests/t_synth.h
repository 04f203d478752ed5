/*
 * t_synth.h - what the synthesis tests share (t_synth.c, t_synthio.c,
 * t_synthfd.c).
 */
#ifndef USERTESTS_T_SYNTH_H
#define USERTESTS_T_SYNTH_H

/* Work per test (4); the slow set's loops run the same tests at 1. */
extern int synth_scale;
/* n rounds of: write a small chunk through wfd, read it back through rfd,
 * checking the bytes and that they were in the pipe at once. */
void echo_rounds(int wfd, int rfd, int n, const char *what);

/* Self-describing records (t_synth.c): one write() each, 16..PIPE_BUF
 * bytes, whose length and fill are functions of (writer, seq). */
#define MAXW 8
struct rec_reader {
	unsigned nw;                /* writers 0..nw-1 */
	unsigned next[MAXW];        /* next seq expected from each */
	unsigned long records;
};
/* One record of writer w, or FAIL. Safe in threads (own buffer). */
void rec_write(int fd, unsigned w, unsigned seq);
/* Read records from fd until EOF, checking every byte and each writer's order. */
void rec_read_all(int fd, struct rec_reader *r);
/* Count the bytes read from fd until EOF by value. Streams for it: byte
 * k is (k * 7) % 256, every value equally often. */
#define HIST_BYTES (256 * 1024)
void hist_read_all(int fd, unsigned long *hist);
/* FAIL instead of hanging when fd should become readable; expect EOF on it. */
void expect_readable(int fd, const char *what);
void expect_eof(int rfd, const char *what);

#endif
