/*
 * tty_ktests.c - self-tests of the console's I/O servers and queues
 * (console_servers.c, docs/TERMINAL.md): the input server's pump from a
 * dedicated SPSC queue into a line discipline, with flow control when the
 * ldisc is full; echo and processed output through an optimistic
 * multi-producer queue drained by the output server's pump; and the real
 * console output queue drained by its producers and by the transmitter
 * interrupt.
 *
 * The servers' bodies are run on queues of the tests' own, with a line
 * discipline whose output goes into the test's MP queue, so that nothing
 * here touches the console terminal's state.
 */
#include <synthos/console.h>
#include <synthos/devices.h>
#include <synthos/ktest.h>
#include <synthos/queue.h>
#include <synthos/signal.h>
#include <synthos/slab.h>
#include <synthos/string.h>

struct rig {
	struct spscq in;                /* "serial interrupt" -> input server */
	uint8_t in_ring[16];
	struct mpscq out;               /* echo, writes, log -> output server */
	uint8_t out_ring[256];
	struct ldisc ld;
	char screen[1024];              /* what the output server "sent" */
	size_t nscreen;
};

static struct rig *the_rig;         /* output_server_pump's sink has no context */

static void screen_putc(char c)
{
	struct rig *r = the_rig;
	if (r->nscreen < sizeof(r->screen) - 1)
		r->screen[r->nscreen++] = c;
	r->screen[r->nscreen] = 0;
}

/* The ldisc's output: a producer of the MP queue, as console_write_async. */
static void ld_output(void *ctx, const char *s, size_t n)
{
	struct rig *r = ctx;
	if (!mpscq_write(&r->out, s, n)) {
		output_server_pump(&r->out, screen_putc);
		mpscq_write(&r->out, s, n);
	}
}

static size_t rig_room(void *ctx)
{
	struct ldisc *l = ctx;
	return LDISC_BUF - (l->head - l->tail);
}

static size_t rig_receive(void *ctx, const uint8_t *buf, size_t n)
{
	for (size_t i = 0; i < n; i++)
		ldisc_receive(ctx, buf[i]);
	return n;
}

static struct rig *rig_new(void)
{
	struct rig *r = kzalloc(sizeof(*r));
	if (!r)
		return NULL;
	spscq_init(&r->in, r->in_ring, sizeof(r->in_ring));
	mpscq_init(&r->out, r->out_ring, sizeof(r->out_ring));
	ldisc_init(&r->ld, ld_output, r);
	the_rig = r;
	return r;
}

/* Type s as the interrupt would, running the input server whenever the
 * queue fills (as the exit path would between interrupts). */
static size_t type(struct rig *r, const char *s)
{
	struct input_sink sink = { rig_room, rig_receive, &r->ld };
	size_t moved = 0;
	for (; *s; s++) {
		if (!spscq_put(&r->in, (uint8_t)*s)) {
			moved += input_server_pump(&r->in, &sink);
			if (!spscq_put(&r->in, (uint8_t)*s))
				return moved;
		}
	}
	return moved + input_server_pump(&r->in, &sink);
}

static void drain(struct rig *r)
{
	output_server_pump(&r->out, screen_putc);
}

KTEST(tty_queue_input_server_canonical)
{
	struct rig *r = rig_new();
	KT_CHECK(r != NULL);
	char buf[64];
	bool eol;

	/* Longer than the 16-byte input queue: the pump runs in between. */
	KT_CHECK_EQ(type(r, "echo hellp\x7fo wrold\x17world\r"), 25);
	KT_CHECK(spscq_empty(&r->in));
	ssize_t n = ldisc_read(&r->ld, (uint8_t *)buf, sizeof(buf) - 1, &eol);
	KT_CHECK_EQ(n, 17);
	buf[n] = 0;
	KT_CHECK(strcmp(buf, "echo hello world\n") == 0);
	KT_CHECK(eol);
	drain(r);
	KT_CHECK(strcmp(r->screen, "echo hellp\b \bo wrold\b \b\b \b\b \b\b \b\b \bworld\r\n") == 0);

	/* ^C: echoed, the line flushed, SIGINT noted for the tty to send. */
	r->nscreen = 0;
	type(r, "sleep 30\x03");
	drain(r);
	KT_CHECK(strcmp(r->screen, "sleep 30^C") == 0);
	KT_CHECK(r->ld.sigs == sigmask(SIGINT));
	KT_CHECK_EQ(ldisc_inq(&r->ld), 0);
	r->ld.sigs = 0;
	type(r, "\x1a\x1c");
	KT_CHECK(r->ld.sigs == (sigmask(SIGTSTP) | sigmask(SIGQUIT)));
	kfree(r);
}

KTEST(tty_queue_input_flow_control)
{
	struct rig *r = rig_new();
	KT_CHECK(r != NULL);
	struct input_sink sink = { rig_room, rig_receive, &r->ld };
	struct termios_k t = r->ld.t;
	t.c_lflag &= ~(ICANON | ECHO | ISIG);
	t.c_iflag &= ~(ICRNL | IXON);
	ldisc_set_termios(&r->ld, &t);

	/* Fill the ldisc through the queue: byte i is (i & 0xff). */
	uint32_t sent = 0;
	while (sent < LDISC_BUF) {
		while (sent < LDISC_BUF && spscq_put(&r->in, (uint8_t)sent))
			sent++;
		input_server_pump(&r->in, &sink);
	}
	KT_CHECK_EQ(ldisc_inq(&r->ld), LDISC_BUF);
	/* Nobody reads: what comes next stays in the queue, none dropped. */
	for (int i = 0; i < 10; i++)
		KT_CHECK(spscq_put(&r->in, (uint8_t)(sent + i)));
	KT_CHECK_EQ(input_server_pump(&r->in, &sink), 0);
	KT_CHECK_EQ(spscq_count(&r->in), 10);
	/* A read of 5 makes room for 5. */
	uint8_t buf[8];
	bool eol;
	KT_CHECK_EQ(ldisc_read(&r->ld, buf, 5, &eol), 5);
	for (int i = 0; i < 5; i++)
		KT_CHECK_EQ(buf[i], i);
	KT_CHECK_EQ(input_server_pump(&r->in, &sink), 5);
	KT_CHECK_EQ(spscq_count(&r->in), 5);
	KT_CHECK_EQ(ldisc_inq(&r->ld), LDISC_BUF);
	/* Order kept across the stall: the last bytes are sent..sent+4. */
	uint32_t expect = 5;
	uint8_t big[256];
	ssize_t n;
	while ((n = ldisc_read(&r->ld, big, sizeof(big), &eol)) > 0)
		for (ssize_t i = 0; i < n; i++, expect++)
			KT_CHECK_EQ(big[i], (uint8_t)expect);
	KT_CHECK_EQ(expect, sent + 5);
	KT_CHECK_EQ(input_server_pump(&r->in, &sink), 5);
	KT_CHECK(spscq_empty(&r->in));
	kfree(r);
}

KTEST(tty_queue_output_multi_producer)
{
	struct rig *r = rig_new();
	KT_CHECK(r != NULL);
	/* A process write (OPOST/ONLCR), an echo, a kernel log line: three
	 * producers of one queue, each run kept whole, in queue order. */
	ldisc_write(&r->ld, (const uint8_t *)"out\n", 4);
	type(r, "ab");
	KT_CHECK(mpscq_write(&r->out, "[log]\r\n", 7));
	ldisc_write(&r->ld, (const uint8_t *)"\tx\n", 3);
	drain(r);
	KT_CHECK(strcmp(r->screen, "out\r\nab[log]\r\n\tx\r\n") == 0);

	/* More than the queue holds: a producer that finds it full runs the
	 * output server itself and nothing is lost. */
	r->nscreen = 0;
	char line[41];
	memset(line, 'y', 39);
	line[39] = '\n';
	line[40] = 0;
	for (int i = 0; i < 20; i++)
		ldisc_write(&r->ld, (const uint8_t *)line, 40);
	drain(r);
	KT_CHECK_EQ(r->nscreen, 20 * 41);
	for (int i = 0; i < 20; i++) {
		KT_CHECK(r->screen[i * 41 + 38] == 'y');
		KT_CHECK(r->screen[i * 41 + 39] == '\r');
		KT_CHECK(r->screen[i * 41 + 40] == '\n');
	}
	kfree(r);
}

KTEST(tty_console_output_queue_drained)
{
	uint64_t rx0, tx0, rx1, tx1;
	console_queue_stats(&rx0, &tx0);
	/* A kernel log line is queued and sent by its own producer, before
	 * console_write returns. (Overflow is tested on a small queue above:
	 * here it would fill the log with filler.) */
	static const char line[] = "ktest: console log line through the output queue\n";
	console_write(line, sizeof(line) - 1);
	KT_CHECK(mpscq_empty(&console_txq));
	console_queue_stats(&rx1, &tx1);
	KT_CHECK_EQ(tx1, tx0);
}

KTEST(tty_console_async_output_interrupt_driven)
{
	uint64_t rx0, tx0, rx1, tx1;
	console_queue_stats(&rx0, &tx0);
	/* The terminal's path: queued, sent by the THR-empty interrupt (or,
	 * without it, by the waiter), nothing dropped. */
	static const char line[] = "ktest: terminal output through the THR-empty interrupt\r\n";
	console_write_async(line, sizeof(line) - 1);
	console_output_wait();
	KT_CHECK(mpscq_empty(&console_txq));
	console_queue_stats(&rx1, &tx1);
	KT_CHECK_EQ(tx1, tx0);
}
