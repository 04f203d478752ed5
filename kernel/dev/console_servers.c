/*
 * console_servers.c - the console's two I/O servers and their queues, the
 * Synthesis structure of the terminal (docs/TERMINAL.md has the diagram).
 *
 * Input server. The serial interrupt (arch/x86_64/serial.c) is the only
 * producer of console_rxq, a dedicated single-producer/single-consumer
 * queue; the input server is its only consumer. It moves the bytes through
 * the console tty's line discipline (tty_console_receive: editing, echo,
 * ISIG signals to the foreground group). It runs in process context, where
 * sending a signal may walk the process list: on the way back to user mode
 * when console_input_pending() says bytes wait (syscall.c; two loads and a
 * compare), in the idle loop (sched.c), and in any reader or poller of the
 * tty before it looks at the ldisc. The kernel is not preemptible and has
 * one CPU, so those callers never run it concurrently. When the ldisc is
 * full (raw mode, nobody reading) the server leaves the rest in the queue:
 * the queue is the flow control.
 *
 * Output server. Everything that writes the console -- the tty's processed
 * output and echo (ldisc -> console_write_async) and kernel log lines
 * (log.c -> console_write) -- is a producer of console_txq, an optimistic
 * multi-producer queue: one compare-and-swap reserves a run of bytes and
 * producers take no lock (interrupts are masked from reservation to
 * publication, so on this one CPU none waits behind another). The server's
 * claim is one atomic exchange. A producer that runs the server itself and
 * finds the claim taken was nested in the code holding it, which drains
 * the new bytes before it lets the claim go. The server runs in two places. The terminal's output and echo
 * (console_write_async) only queue and turn on the UART's THR-empty
 * interrupt; each interrupt takes a FIFO's worth (console_tx_refill) until
 * the queue is empty, and a process that wrote sleeps on console_output_wq
 * meanwhile (console_output_wait). Kernel log lines (console_write) run the
 * server themselves and poll the UART (uart_putc), so that a message is out
 * before the code that printed it goes on, with interrupts on or off.
 *
 * Panic. console_panic_mode() makes every later write bypass the queue and
 * go straight to the UART, after flushing what was already queued.
 */
#include <synthos/compiler.h>
#include <synthos/console.h>
#include <synthos/devices.h>
#include <synthos/list.h>
#include <synthos/string.h>
#include <synthos/time.h>
#include <synthos/wait.h>
#include <arch/irq.h>

/* ---------------------------- the queues ---------------------------- */

/* Initialized statically: the serial interrupt's boot-time call and the
 * first log line come before any code could run an init function. */
static uint8_t rx_ring[CONSOLE_RXQ_SIZE];
struct spscq console_rxq = { .r = { .mask = CONSOLE_RXQ_SIZE - 1, .ring = rx_ring } };
uint64_t console_rx_dropped;

static uint8_t tx_ring[CONSOLE_TXQ_SIZE];
struct mpscq console_txq = { .r = { .mask = CONSOLE_TXQ_SIZE - 1, .ring = tx_ring } };
static uint64_t console_tx_dropped;

static volatile int out_busy;           /* the output server's claim */
static volatile bool panic_mode;

/* A producer: all of [s, s+n) as one run, or nothing. Interrupts masked
 * from reservation to publication, so an interrupt handler's log line
 * never spins behind a half-published run on this CPU. */
static bool txq_write(const char *s, size_t n)
{
	unsigned long fl = arch_irq_save();
	bool ok = mpscq_write(&console_txq, s, n);
	arch_irq_restore(fl);
	return ok;
}

/* ------------------------ the output server ------------------------ */

static void panic_out(const char *s, size_t n, bool crlf);

size_t output_server_pump(struct mpscq *q, void (*out)(char c))
{
	char buf[64];
	size_t k, sent = 0;
	while ((k = mpscq_read_partial(q, buf, sizeof(buf))) != 0) {
		for (size_t i = 0; i < k; i++)
			out(buf[i]);
		sent += k;
	}
	return sent;
}

/* Run the server if nobody is: -1 if it was already running, else the
 * number of bytes it sent. */
static long output_server_run(void)
{
	long sent = 0;
	for (;;) {
		if (__atomic_exchange_n(&out_busy, 1, __ATOMIC_ACQUIRE))
			return sent ? sent : -1;
		sent += (long)output_server_pump(&console_txq, uart_putc);
		__atomic_store_n(&out_busy, 0, __ATOMIC_RELEASE);
		/* A producer that queued after our last look but found the
		 * claim taken relies on us: look again. */
		if (mpscq_empty(&console_txq))
			return sent;
	}
}

void console_output_server(void)
{
	output_server_run();
}

struct waitq console_output_wq = WAITQ_INIT(console_output_wq);

/* The THR-empty interrupt (serial.c): the next bytes for the FIFO. */
size_t console_tx_refill(char *buf, size_t n)
{
	if (__atomic_exchange_n(&out_busy, 1, __ATOMIC_ACQUIRE))
		return 0;               /* a producer is draining: it sends all */
	size_t k = mpscq_read_partial(&console_txq, buf, n);
	__atomic_store_n(&out_busy, 0, __ATOMIC_RELEASE);
	if (!k && !list_empty(&console_output_wq.waiters))
		wake_up(&console_output_wq);
	return k;
}

void console_write_async(const char *s, size_t n)
{
	if (unlikely(panic_mode)) {
		panic_out(s, n, false);
		return;
	}
	while (n) {
		size_t k = n < 256 ? n : 256;
		if (txq_write(s, k)) {
			s += k;
			n -= k;
			continue;
		}
		if (output_server_run() <= 0) {         /* full: make room */
			console_tx_dropped += n;
			break;
		}
	}
	if (!uart_tx_kick())
		output_server_run();    /* no interrupts yet: send them now */
}

void console_output_wait(void)
{
	/* The interrupt normally empties the queue within a few FIFO-fulls;
	 * should it not come, send the rest ourselves. */
	for (int i = 0; i < 20 && !mpscq_empty(&console_txq); i++) {
		int r = wait_event_interruptible_until(console_output_wq,
				mpscq_empty(&console_txq), time_ns() + NSEC_PER_SEC / 100);
		if (r == -ERESTARTSYS)
			return;         /* a signal: the bytes go out all the same */
	}
	if (!mpscq_empty(&console_txq))
		output_server_run();
}

static void queue_out(const char *s, size_t n)
{
	while (n) {
		size_t k = n < 256 ? n : 256;
		if (txq_write(s, k)) {
			s += k;
			n -= k;
			continue;
		}
		/* Full: make room. Nested inside the running server (an
		 * interrupt handler's message), the bytes cannot go anywhere:
		 * count them. */
		if (output_server_run() <= 0) {
			console_tx_dropped += n;
			return;
		}
	}
	output_server_run();
}

/* Panic: whatever is queued, then the bytes, straight to the UART. */
static void panic_out(const char *s, size_t n, bool crlf)
{
	output_server_pump(&console_txq, uart_putc);
	for (size_t i = 0; i < n; i++) {
		if (crlf && s[i] == '\n')
			uart_putc('\r');
		uart_putc(s[i]);
	}
}

void console_panic_mode(void)
{
	panic_mode = true;
	panic_out(NULL, 0, false);
}

void console_write_raw(const char *s, size_t n)
{
	if (unlikely(panic_mode)) {
		panic_out(s, n, false);
		return;
	}
	queue_out(s, n);
}

void console_write(const char *s, size_t n)
{
	if (unlikely(panic_mode)) {
		panic_out(s, n, true);
		return;
	}
	/* '\n' -> "\r\n" in runs, so that a line is one reservation. */
	char buf[256];
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (k + 2 > sizeof(buf)) {
			queue_out(buf, k);
			k = 0;
		}
		if (s[i] == '\n')
			buf[k++] = '\r';
		buf[k++] = s[i];
	}
	if (k)
		queue_out(buf, k);
}

/* ------------------------ the input server ------------------------ */

size_t input_server_pump(struct spscq *q, const struct input_sink *sink)
{
	uint8_t buf[64];
	size_t moved = 0;
	for (;;) {
		/* Take only what the consumer has room for: the rest stays
		 * queued (flow control in raw mode). */
		size_t room = sink->room(sink->ctx);
		size_t n = spscq_read_partial(q, buf, MIN(room, sizeof(buf)));
		if (!n)
			return moved;
		sink->receive(sink->ctx, buf, n);
		moved += n;
	}
}

static size_t tty_room_fn(void *ctx) { return tty_console_room(); }
static size_t tty_receive_fn(void *ctx, const uint8_t *buf, size_t n)
{
	return tty_console_receive(buf, n);
}
static const struct input_sink console_tty_sink = {
	.room = tty_room_fn, .receive = tty_receive_fn,
};

void console_input_server(void)
{
	if (console_claimed_by_kernel)
		return;
	input_server_pump(&console_rxq, &console_tty_sink);
}

/* The name the exit path and the idle loop call. */
void tty_console_rx(void)
{
	console_input_server();
}

/* The kernel monitor reads the queue itself (console_claimed_by_kernel). */
int console_getc_nonblock(void)
{
	uint8_t c;
	return spscq_get(&console_rxq, &c) ? c : -1;
}

int console_getc(void)
{
	for (;;) {
		/* Check and sleep with interrupts off, so a byte arriving
		 * between the check and the hlt still wakes us (sti;hlt). */
		arch_irq_disable();
		int c = console_getc_nonblock();
		if (c >= 0) {
			arch_irq_enable();
			return c;
		}
		__asm__ __volatile__("sti; hlt" ::: "memory");
	}
}

/* For the self-tests and /proc: bytes dropped by each queue. */
void console_queue_stats(uint64_t *rx_dropped, uint64_t *tx_dropped)
{
	*rx_dropped = console_rx_dropped;
	*tx_dropped = console_tx_dropped;
}
