/*
 * console.h - the console: a UART (COM1 on x86-64, arch/x86_64/serial.c)
 * and the two I/O servers that connect it to the rest of the kernel
 * (kernel/dev/console_servers.c). The structure is Synthesis's: servers
 * joined by queues; docs/TERMINAL.md has the diagram.
 *
 *   serial IRQ --[console_rxq: SPSC]--> input server --> line discipline
 *   echo, tty writes, kernel log --[console_txq: MP]--> output server --> UART
 *                                   (THR-empty interrupt, or the producer polling)
 *
 * console_write() (kernel log lines) works from the first instruction of
 * kmain() on and in interrupt context: the bytes go into the output queue
 * and the writer then runs the output server itself, polling the UART,
 * unless somebody is already running it (the server it interrupted drains
 * the new bytes before it stops). The terminal's output and echo go through
 * console_write_async(): queued, then sent by the THR-empty interrupt.
 * After console_panic_mode() every write goes straight to the UART,
 * bypassing the queue (whatever is still queued is flushed first).
 */
#ifndef SYNTHOS_CONSOLE_H
#define SYNTHOS_CONSOLE_H

#include <synthos/types.h>
#include <synthos/queue.h>

/* ---- the UART (arch) ---- */

void console_early_init(void);
void console_enable_input(void);        /* receive interrupt on */
void uart_putc(char c);                 /* polled transmit, bounded wait */
/* Start interrupt-driven transmission (the THR-empty interrupt calls
 * console_tx_refill until the output queue is empty). False if the UART
 * cannot interrupt yet: then the caller transmits by polling. */
bool uart_tx_kick(void);

/* ---- producers of output (console_servers.c) ---- */

void console_write(const char *s, size_t n);        /* '\n' -> "\r\n" */
void console_write_raw(const char *s, size_t n);    /* no translation; drained at once */
/* Panic: flush the queue and write straight to the UART from now on. */
void console_panic_mode(void);

/* Set while the kernel monitor reads the console itself (no init could
 * run): the input server then leaves the input alone. */
extern bool console_claimed_by_kernel;

/*
 * The input queue: a dedicated single-producer / single-consumer byte
 * queue (<synthos/queue.h>). The serial interrupt is the only producer,
 * the input server -- or the kernel monitor, which then owns the console --
 * the only consumer. No locks: each end publishes its counter with a
 * release store after touching the bytes.
 */
#define CONSOLE_RXQ_SIZE 1024                   /* power of two */
extern struct spscq console_rxq;
extern uint64_t console_rx_dropped;             /* bytes lost to a full queue */

/* Input waiting for the terminal? Two loads and a compare: this is on the
 * way out of every system call. */
static inline bool console_input_pending(void)
{
	return __atomic_load_n(&console_rxq.r.prod.tail, __ATOMIC_RELAXED) !=
	       __atomic_load_n(&console_rxq.r.cons.tail, __ATOMIC_RELAXED) &&
	       !console_claimed_by_kernel;
}

/* Next input byte, or -1 if none is waiting (the monitor's raw access). */
int console_getc_nonblock(void);
/* Waits (halting the CPU between interrupts) for the next input byte. */
int console_getc(void);

/* Woken (wake_up) by the input interrupt whenever bytes arrive. */
struct waitq;
extern struct waitq console_input_wq;

/*
 * The output queue: an optimistic multi-producer, single-consumer byte
 * queue (<synthos/queue.h>). A producer reserves a run of bytes with one
 * compare-and-swap (so a line is never interleaved with another writer's),
 * copies, publishes; producers do not lock. Because an interrupt handler
 * may log, a producer masks interrupts between reserve and publish (the
 * queue's rule for interrupt producers). The consumer is whoever holds the
 * output server's claim.
 */
#define CONSOLE_TXQ_SIZE 4096                   /* power of two */
extern struct mpscq console_txq;

/* The servers (console_servers.c). */
void console_output_server(void);       /* drain console_txq to the UART */
/* The output server's interrupt-driven half: up to n queued bytes for the
 * transmitter FIFO; 0 when the queue is empty or the server is running. */
size_t console_tx_refill(char *buf, size_t n);
/* Queue bytes for the terminal without waiting for the UART (echo; the
 * tty's output): interrupt-driven when it can be, else sent at once. */
void console_write_async(const char *s, size_t n);
/* Sleep (process context) until the output queue is empty: what a writer
 * of the terminal does after queueing. */
void console_output_wait(void);
extern struct waitq console_output_wq;
void console_input_server(void);        /* console_rxq -> the tty's ldisc */
/*
 * The servers' bodies, on any queue (the self-tests use their own):
 * input_server_pump moves bytes from q into a sink, never more than the
 * sink says it has room for, until q is empty or the sink is full;
 * output_server_pump drains q into out() byte by byte. The caller is the
 * queue's one consumer. Both return the bytes moved.
 */
struct input_sink {
	size_t (*room)(void *ctx);
	size_t (*receive)(void *ctx, const uint8_t *buf, size_t n);
	void *ctx;
};
size_t input_server_pump(struct spscq *q, const struct input_sink *sink);
size_t output_server_pump(struct mpscq *q, void (*out)(char c));
/* Bytes each queue has had to drop so far. */
void console_queue_stats(uint64_t *rx_dropped, uint64_t *tx_dropped);

#endif
