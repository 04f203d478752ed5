/*
 * serial.c - the console's UART: COM1, a 16550 at I/O port 0x3f8.
 *
 * This file is only the device. What reads and writes it are the console's
 * I/O servers (kernel/dev/console_servers.c, docs/TERMINAL.md):
 *
 *  - Input is interrupt-driven: IRQ 4 (routed by the I/O APIC) drains the
 *    receiver FIFO into console_rxq, the dedicated single-producer /
 *    single-consumer queue the input server reads, and wakes the readers
 *    sleeping on console_input_wq. The handler is the queue's only producer.
 *
 *  - Output, two ways. uart_putc() polls the transmitter (THR empty) byte
 *    by byte: it works before interrupts, memory management or anything
 *    else exists, and in panic context; the output server uses it when a
 *    producer runs the server itself (kernel log lines), and the panic path
 *    calls it directly. Once interrupts are on, uart_tx_kick() turns on the
 *    THR-empty interrupt instead: each one hands the transmitter up to a
 *    FIFO's worth of bytes from the output server (console_tx_refill), and
 *    the interrupt is turned off again when the queue is empty. A process
 *    writing the terminal then sleeps while its bytes go out.
 */
#include <synthos/console.h>
#include <synthos/compiler.h>
#include <arch/cpu.h>
#include <arch/irq.h>
#include <arch/interrupts.h>
#include <synthos/proc.h>
#include <synthos/wait.h>

#define COM1       0x3f8
#define UART_RBR   0   /* receive buffer (DLAB=0) */
#define UART_THR   0   /* transmit holding (DLAB=0) */
#define UART_IER   1   /* interrupt enable (DLAB=0) */
#define UART_DLL   0   /* divisor low (DLAB=1) */
#define UART_DLM   1   /* divisor high (DLAB=1) */
#define UART_FCR   2
#define UART_IIR   2   /* interrupt identification (read) */
#define   IIR_NONE 0x01
#define   IIR_ID   0x0e
#define   IIR_THRE 0x02
#define   IIR_RX   0x04
#define   IIR_LSR  0x06
#define   IIR_RXTO 0x0c
#define UART_MSR   6
#define IER_RX     0x01
#define IER_THRE   0x02
#define TX_FIFO    16
#define UART_LCR   3
#define UART_MCR   4
#define UART_LSR   5
#define   LSR_DR   0x01
#define   LSR_THRE 0x20

static bool serial_present;             /* set by console_early_init */
struct waitq console_input_wq = WAITQ_INIT(console_input_wq);
bool console_claimed_by_kernel;
static bool irq_on;                     /* the IRQ is registered */
static volatile bool tx_irq_on;         /* IER_THRE set */

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

void uart_putc(char c)
{
	if (!serial_present)
		return;
	/* Bounded wait: a wedged or absent UART must not hang the kernel. */
	for (int spins = 0; spins < 100000; spins++)
		if (inb(COM1 + UART_LSR) & LSR_THRE)
			break;
	outb(COM1 + UART_THR, (uint8_t)c);
}

/* Transmitter interrupt on or off (interrupts masked: IER is shared with
 * the receive side). */
static void tx_irq_set(bool on)
{
	unsigned long fl = arch_irq_save();
	if (tx_irq_on != on) {
		tx_irq_on = on;
		outb(COM1 + UART_IER, IER_RX | (on ? IER_THRE : 0));
	}
	arch_irq_restore(fl);
}

bool uart_tx_kick(void)
{
	if (!serial_present || !irq_on)
		return false;
	tx_irq_set(true);               /* THR is empty: the interrupt comes at once */
	return true;
}

/* THR is empty: up to a FIFO's worth from the output server. */
static void serial_tx_irq(void)
{
	char buf[TX_FIFO];
	size_t n = console_tx_refill(buf, sizeof(buf));
	for (size_t i = 0; i < n; i++)
		outb(COM1 + UART_THR, (uint8_t)buf[i]);
	if (!n)
		tx_irq_set(false);      /* queue empty (or its server busy: it drains) */
}

/* The producer of console_rxq. ctx is non-NULL when called as the
 * interrupt handler (then readers are woken), NULL from boot code. */
static void serial_irq(void *ctx)
{
	bool got = false;
	for (int rounds = 0; rounds < 64; rounds++) {
		while (inb(COM1 + UART_LSR) & LSR_DR) {
			if (!spscq_put(&console_rxq, inb(COM1 + UART_RBR)))
				console_rx_dropped++;
			got = true;
		}
		if (!ctx)
			break;
		uint8_t iir = inb(COM1 + UART_IIR);
		if (iir & IIR_NONE)
			break;
		switch (iir & IIR_ID) {
		case IIR_THRE:
			serial_tx_irq();
			break;
		case IIR_LSR:
			(void)inb(COM1 + UART_LSR);
			break;
		case 0:                 /* modem status */
			(void)inb(COM1 + UART_MSR);
			break;
		default:                /* received data: the loop's top */
			break;
		}
	}
	if (got)
		exit_work_global.console_input = true;  /* for the next exit to user mode */
	if (ctx && got)
		wake_up(&console_input_wq);
}

void console_enable_input(void)
{
	if (!serial_present)
		return;
	irq_register(4, serial_irq, (void *)1);
	outb(COM1 + UART_IER, IER_RX);      /* received-data interrupt */
	irq_on = true;
	serial_irq(NULL);                   /* anything typed before now */
}
