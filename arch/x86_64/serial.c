/*
 * serial.c - the console on COM1, a 16550 UART at I/O port 0x3f8.
 *
 * Output polls the transmitter (THR empty) byte by byte: it works before
 * interrupts, memory management or anything else exists, and in panic
 * context. '\n' goes out as "\r\n".
 *
 * Input is interrupt-driven: IRQ 4 (routed by the I/O APIC) drains the
 * receiver FIFO into rx_ring. The interrupt handler is the only producer
 * and console_getc*() the only consumer, so the ring needs no lock: the
 * producer owns rx_head, the consumer owns rx_tail (a single-producer /
 * single-consumer queue; issue 4 turns this into the input server).
 */
#include <synthos/console.h>
#include <synthos/compiler.h>
#include <arch/cpu.h>
#include <arch/irq.h>
#include <arch/interrupts.h>
#include <synthos/wait.h>

#define COM1       0x3f8
#define UART_RBR   0   /* receive buffer (DLAB=0) */
#define UART_THR   0   /* transmit holding (DLAB=0) */
#define UART_IER   1   /* interrupt enable (DLAB=0) */
#define UART_DLL   0   /* divisor low (DLAB=1) */
#define UART_DLM   1   /* divisor high (DLAB=1) */
#define UART_FCR   2
#define UART_LCR   3
#define UART_MCR   4
#define UART_LSR   5
#define   LSR_DR   0x01
#define   LSR_THRE 0x20

#define RX_RING_SIZE 1024   /* power of two */
static volatile uint8_t rx_ring[RX_RING_SIZE];
volatile uint32_t rx_head;          /* written by the IRQ handler only */
volatile uint32_t rx_tail;          /* written by the consumer only */
static uint64_t rx_dropped;         /* bytes lost to a full ring */
static bool serial_present;
struct waitq console_input_wq = WAITQ_INIT(console_input_wq);
bool console_claimed_by_kernel;

static void serial_irq(void *ctx);

void console_early_init(void)
{
	outb(COM1 + UART_IER, 0x00);
	outb(COM1 + UART_LCR, 0x80);        /* DLAB */
	outb(COM1 + UART_DLL, 0x01);        /* 115200 baud */
	outb(COM1 + UART_DLM, 0x00);
	outb(COM1 + UART_LCR, 0x03);        /* 8N1 */
	/* Keep what was typed before we ran: turning the FIFO on flushes it. */
	serial_irq(NULL);
	outb(COM1 + UART_FCR, 0xc7);        /* FIFO on, cleared, 14-byte trigger */
	outb(COM1 + UART_MCR, 0x0b);        /* DTR, RTS, OUT2 (IRQ line enable) */
	/* A missing UART reads back 0xff from every register. */
	serial_present = inb(COM1 + UART_LSR) != 0xff;
}

static void serial_putc(char c)
{
	/* Bounded wait: a wedged or absent UART must not hang the kernel. */
	for (int spins = 0; spins < 100000; spins++)
		if (inb(COM1 + UART_LSR) & LSR_THRE)
			break;
	outb(COM1 + UART_THR, (uint8_t)c);
}

/* Bytes exactly as given: the terminal's line discipline already did ONLCR. */
void console_write_raw(const char *s, size_t n)
{
	if (!serial_present)
		return;
	for (size_t i = 0; i < n; i++)
		serial_putc(s[i]);
}

void console_write(const char *s, size_t n)
{
	if (!serial_present)
		return;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			serial_putc('\r');
		serial_putc(s[i]);
	}
}

/* Drains the receiver. ctx is non-NULL when called as the interrupt handler. */
static void serial_irq(void *ctx)
{
	while (inb(COM1 + UART_LSR) & LSR_DR) {
		uint8_t c = inb(COM1 + UART_RBR);
		uint32_t head = rx_head;
		if (head - rx_tail >= RX_RING_SIZE) {
			rx_dropped++;
			continue;
		}
		rx_ring[head % RX_RING_SIZE] = c;
		__atomic_store_n(&rx_head, head + 1, __ATOMIC_RELEASE);
	}
	if (ctx)                            /* from the interrupt, not boot code */
		wake_up(&console_input_wq);
}

void console_enable_input(void)
{
	if (!serial_present)
		return;
	irq_register(4, serial_irq, (void *)1);
	outb(COM1 + UART_IER, 0x01);        /* received-data interrupt */
	serial_irq(NULL);                   /* anything typed before now */
}

int console_getc_nonblock(void)
{
	uint32_t tail = rx_tail;
	if (tail == __atomic_load_n(&rx_head, __ATOMIC_ACQUIRE))
		return -1;
	int c = rx_ring[tail % RX_RING_SIZE];
	__atomic_store_n(&rx_tail, tail + 1, __ATOMIC_RELEASE);
	return c;
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
