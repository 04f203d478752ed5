/*
 * wait.h - wait queues: how a task sleeps until something happens
 * (kernel/sched.c).
 *
 *   int r = wait_event_interruptible(pipe->readers_wq, pipe_has_data(pipe));
 *   if (r) return r;          // -ERESTARTSYS: a signal arrived first
 *
 * Return -ERESTARTSYS from the system call as it is: the signal code makes
 * it EINTR, or restarts the call under SA_RESTART, as Linux does. Calls
 * Linux never restarts (poll, select, nanosleep...) return -EINTR or
 * -ERESTARTNOHAND themselves.
 *
 * The task marks itself sleeping *before* testing the condition, so a
 * wake_up() between the test and schedule() makes schedule() return at
 * once: no lost wake-ups. Whoever changes the condition calls wake_up() on
 * the queue afterwards. Safe from interrupt handlers (the queue's lock
 * masks interrupts).
 */
#ifndef SYNTHOS_WAIT_H
#define SYNTHOS_WAIT_H

#include <synthos/errno.h>
#include <synthos/list.h>
#include <synthos/spinlock.h>

struct task;

struct waitq {
	spinlock_t lock;
	struct list_head waiters;       /* struct wait_entry.link; protected by lock */
};

struct wait_entry {
	struct task *task;              /* NULL until prepare_to_wait queued it */
	struct list_head link;
};

#define WAITQ_INIT(name) { SPINLOCK_INIT, LIST_HEAD_INIT((name).waiters) }

void waitq_init(struct waitq *wq);
void wake_up(struct waitq *wq);            /* wakes every waiter */
void wake_up_one(struct waitq *wq);

/* The primitives under the macros. */
void prepare_to_wait(struct waitq *wq, struct wait_entry *we, bool interruptible);
void finish_wait(struct waitq *wq, struct wait_entry *we);
bool current_signal_pending(void);
void schedule(void);
/* Sleeps until woken or time_ns() >= deadline (0 = no deadline); returns
 * false if the deadline passed. */
bool schedule_until(uint64_t deadline_ns);

#define wait_event_interruptible(wq, cond) ({                                \
	int wev_r_ = 0;                                                      \
	struct wait_entry wev_e_ = { 0 };                                            \
	for (;;) {                                                           \
		prepare_to_wait(&(wq), &wev_e_, true);                        \
		if (cond)                                                    \
			break;                                               \
		if (current_signal_pending()) {                              \
			wev_r_ = -ERESTARTSYS;                                     \
			break;                                               \
		}                                                            \
		schedule();                                                  \
	}                                                                    \
	finish_wait(&(wq), &wev_e_);                                         \
	wev_r_;                                                              \
})

/* As above, with an absolute deadline on time_ns() (0: none): -ETIMEDOUT. */
#define wait_event_interruptible_until(wq, cond, deadline) ({                \
	int wev_r_ = 0;                                                      \
	struct wait_entry wev_e_ = { 0 };                                            \
	for (;;) {                                                           \
		prepare_to_wait(&(wq), &wev_e_, true);                        \
		if (cond)                                                    \
			break;                                               \
		if (current_signal_pending()) {                              \
			wev_r_ = -ERESTARTSYS;                                     \
			break;                                               \
		}                                                            \
		if (!schedule_until(deadline)) {                             \
			wev_r_ = (cond) ? 0 : -ETIMEDOUT;                    \
			break;                                               \
		}                                                            \
	}                                                                    \
	finish_wait(&(wq), &wev_e_);                                         \
	wev_r_;                                                              \
})

/* Uninterruptible: only the condition ends the wait. */
#define wait_event(wq, cond) ({                                              \
	struct wait_entry wev_e_ = { 0 };                                            \
	for (;;) {                                                           \
		prepare_to_wait(&(wq), &wev_e_, false);                       \
		if (cond)                                                    \
			break;                                               \
		schedule();                                                  \
	}                                                                    \
	finish_wait(&(wq), &wev_e_);                                         \
})

#endif
