/*
 * devices.h - character devices, /dev, /proc and the kernel's random
 * numbers (kernel/dev/).
 *
 *   mem.c     /dev/null, zero, full, random, urandom; getrandom(2);
 *             get_random_bytes() for the kernel (AT_RANDOM, stack canaries)
 *   tty.c     the console terminal: /dev/console, /dev/tty, /dev/ttyS0,
 *             job control (controlling session, foreground group)
 *   ldisc.c   the line discipline (struct ldisc, below) with termios state
 *   console_servers.c  the console's input and output servers and their
 *             queues (<synthos/console.h>, docs/TERMINAL.md)
 *   devfs.c   the /dev nodes
 *   procfs.c  /proc
 *   pipe.c    pipes and FIFOs (<synthos/pipe.h>)
 *   poll.c    poll, ppoll, select, pselect6, and poll_wait()
 *
 * Boot: devices_init() (devfs.c), before or after vfs_init(): it registers
 * the character devices and the "devtmpfs" and "proc" filesystem types
 * (auto-mounted on /dev and /proc) and seeds the random generator.
 */
#ifndef SYNTHOS_DEVICES_H
#define SYNTHOS_DEVICES_H

#include <synthos/types.h>

/* Linux's device numbers. */
#define MEM_MAJOR     1         /* 3 null, 5 zero, 7 full, 8 random, 9 urandom */
#define TTY_MAJOR     4         /* 64 ttyS0 */
#define TTYAUX_MAJOR  5         /* 0 tty, 1 console */

void devices_init(void);
bool devices_initialized(void);

/* ---- random numbers (mem.c) ---- */

#define GRND_NONBLOCK 0x0001
#define GRND_RANDOM   0x0002
#define GRND_INSECURE 0x0004

void random_init(void);                         /* seed now (else on first use) */
void get_random_bytes(void *buf, size_t n);     /* any context that may spin */
uint64_t get_random_u64(void);
void random_mix(const void *data, size_t n);    /* add unpredictable bytes */
void mem_devices_init(void);
/* The ChaCha20 block function (RFC 8439 core, 64-bit counter and nonce). */
void chacha20_block(const uint32_t key[8], uint64_t counter, uint64_t nonce,
		    uint32_t out[16]);

/* ---- terminals (tty.c) ---- */

/* struct termios as TCGETS/TCSETS pass it on x86-64 (36 bytes). */
#define NCCS 19
struct termios_k {
	uint32_t c_iflag, c_oflag, c_cflag, c_lflag;
	uint8_t c_line;
	uint8_t c_cc[NCCS];
};

struct winsize_k {
	uint16_t ws_row, ws_col, ws_xpixel, ws_ypixel;
};

/* c_cc indices */
#define VINTR 0
#define VQUIT 1
#define VERASE 2
#define VKILL 3
#define VEOF 4
#define VTIME 5
#define VMIN 6
#define VSWTC 7
#define VSTART 8
#define VSTOP 9
#define VSUSP 10
#define VEOL 11
#define VREPRINT 12
#define VDISCARD 13
#define VWERASE 14
#define VLNEXT 15
#define VEOL2 16

/* c_iflag */
#define IGNBRK  0000001
#define BRKINT  0000002
#define IGNPAR  0000004
#define PARMRK  0000010
#define INPCK   0000020
#define ISTRIP  0000040
#define INLCR   0000100
#define IGNCR   0000200
#define ICRNL   0000400
#define IUCLC   0001000
#define IXON    0002000
#define IXANY   0004000
#define IXOFF   0010000
#define IMAXBEL 0020000
#define IUTF8   0040000
/* c_oflag */
#define OPOST   0000001
#define OLCUC   0000002
#define ONLCR   0000004
#define OCRNL   0000010
#define ONOCR   0000020
#define ONLRET  0000040
#define TABDLY  0014000
#define XTABS   0014000
/* c_cflag */
#define B38400  0000017
#define CS8     0000060
#define CREAD   0000200
#define HUPCL   0002000
#define CLOCAL  0004000
/* c_lflag */
#define ISIG    0000001
#define ICANON  0000002
#define ECHO    0000010
#define ECHOE   0000020
#define ECHOK   0000040
#define ECHONL  0000100
#define NOFLSH  0000200
#define TOSTOP  0000400
#define ECHOCTL 0001000
#define ECHOPRT 0002000
#define ECHOKE  0004000
#define IEXTEN  0100000

/* ioctls */
#define TCGETS     0x5401
#define TCSETS     0x5402
#define TCSETSW    0x5403
#define TCSETSF    0x5404
#define TCSBRK     0x5409
#define TCXONC     0x540A
#define TCFLSH     0x540B
#define TIOCEXCL   0x540C
#define TIOCNXCL   0x540D
#define TIOCSCTTY  0x540E
#define TIOCGPGRP  0x540F
#define TIOCSPGRP  0x5410
#define TIOCOUTQ   0x5411
#define TIOCSTI    0x5412
#define TIOCGWINSZ 0x5413
#define TIOCSWINSZ 0x5414
#define FIONREAD   0x541B
#define TIOCINQ    FIONREAD
#define FIONBIO    0x5421
#define TIOCNOTTY  0x5422
#define TCSBRKP    0x5425
#define TIOCGSID   0x5429
#define TCIFLUSH   0
#define TCOFLUSH   1
#define TCIOFLUSH  2

/*
 * The line discipline: termios input editing and output processing,
 * independent of any device so that it can be tested by feeding bytes
 * (and later run inside an I/O server). The owner serializes every call
 * (tty.c: the tty's spinlock). Positions are free-running counters into a
 * ring of LDISC_BUF bytes:
 *   tail <= canon_head <= head
 * [tail, canon_head) is complete lines a canonical read may take (each
 * ending at an eol mark; an eof mark is a ^D that takes no data);
 * [canon_head, head) is the line being edited. In non-canonical mode all
 * of [tail, head) is readable and canon_head follows head.
 */
#define LDISC_BUF 4096

struct ldisc {
	struct termios_k t;
	uint8_t buf[LDISC_BUF];
	uint8_t eol[LDISC_BUF / 8];     /* bit set: this byte ends a line */
	uint8_t eof[LDISC_BUF / 8];     /* bit set: this byte is a ^D marker, not data */
	uint32_t head, tail, canon_head;
	bool lnext;                     /* the next byte is literal (^V) */
	unsigned column;                /* output column, for erasing echoes */
	unsigned canon_column;          /* column where the edited line starts */
	uint64_t sigs;                  /* signals ISIG raised, for the owner to send */
	/* Where processed output (and echo) goes; called with the owner's lock held. */
	void (*output)(void *ctx, const char *s, size_t n);
	void *ctx;
};

void ldisc_init(struct ldisc *l, void (*output)(void *ctx, const char *s, size_t n),
		void *ctx);
/* Can the ldisc take another byte without dropping it? */
bool ldisc_room(const struct ldisc *l);
/* One input byte, with all the termios processing (echo, editing, ISIG). */
void ldisc_receive(struct ldisc *l, uint8_t c);
/* Bytes a read could return now (canonical: 1 if a line or EOF is ready). */
bool ldisc_readable(const struct ldisc *l, size_t amount);
/*
 * Take up to n bytes into dst. Canonical: at most one line (stops after its
 * newline; a ^D marker is consumed, not copied, and ends the read), and
 * *line_end says whether the line ended. -EAGAIN if nothing is ready, so
 * that 0 means end of file (^D at the start of a line).
 */
ssize_t ldisc_read(struct ldisc *l, uint8_t *dst, size_t n, bool *line_end);
/* Output processing (OPOST, ONLCR, XTABS...) of bytes written to the tty. */
void ldisc_write(struct ldisc *l, const uint8_t *s, size_t n);
void ldisc_set_termios(struct ldisc *l, const struct termios_k *t);
void ldisc_flush_input(struct ldisc *l);
size_t ldisc_inq(const struct ldisc *l);        /* FIONREAD */
extern const struct termios_k tty_std_termios;

/* The input server (console_servers.c): feed the bytes waiting in the
 * console's input queue through the line discipline and send the signals
 * that raises (^C...). Process context only (it walks the process list);
 * a reader or poller of the tty runs it itself, and the way back to user
 * mode and the idle loop run it so that ^C is noticed while nobody reads. */
void tty_console_rx(void);
/* Its body (tty.c): bytes through the console tty's ldisc; returns how many
 * were taken (fewer when the ldisc is full). */
size_t tty_console_receive(const uint8_t *buf, size_t n);
size_t tty_console_room(void);          /* bytes the ldisc can take now */
void tty_init(void);
void tty_devices_init(void);
/* The session leader sid is exiting (kernel/exit.c): if it controls the
 * console, the console is released and its foreground group gets SIGHUP
 * and SIGCONT. */
void tty_session_leader_exit(int sid);
/* The console terminal's controlling session (0: none) and foreground
 * process group (for /proc/<pid>/stat's tty_nr and tpgid). */
int tty_console_session(int *pgrp);
/* f is open on the console terminal (/dev/console, /dev/tty, /dev/ttyS0). */
struct file;
bool tty_file_is_console(const struct file *f);

/* ---- /proc (procfs.c) ---- */
void procfs_init(void);

#endif
