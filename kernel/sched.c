/*
 * sched.c - the scheduler and wait queues.
 *
 * A round-robin run queue with a 10 ms slice (one tick at HZ = 100). The
 * kernel is not preemptible: a thread gives up the CPU when it sleeps,
 * exits, yields, or on its way back to user mode after the tick has set
 * need_resched. That keeps kernel code free of locking against other
 * threads on one CPU; interrupt handlers still need the irqsave locks.
 * (A Synthesis-style scheduler with chained context switches is later work.)
 *
 * Invariants (sched_lock, interrupts masked):
 *  - the running thread is not on the run queue; every other RUNNING
 *    thread is, exactly once (on_rq);
 *  - the idle thread (the boot thread) is never queued; it runs when the
 *    queue is empty;
 *  - a thread that died is freed by the next thread to run (it cannot free
 *    the stack it is standing on).
 *
 * The lock is taken in schedule() and released by the thread switched to:
 * after switch_context returns, or in sched_new_thread_started().
 */
#include <synthos/console.h>
#include <synthos/devices.h>
#include <synthos/log.h>
#include <synthos/panic.h>
#include <synthos/proc.h>
#include <synthos/signal.h>
#include <synthos/slab.h>
#include <synthos/string.h>
#include <synthos/synth.h>
#include <synthos/time.h>
#include <synthos/wait.h>
#include <arch/cpu.h>
#include <arch/gdt.h>
#include <arch/irq.h>
#include <arch/mm.h>
#include <arch/percpu.h>
#include <arch/switch.h>

static LIST_HEAD(run_queue);
static LIST_HEAD(sleepers);              /* timed sleeps, unordered */
static spinlock_t sched_lock = SPINLOCK_INIT;
static struct task idle_task;
static struct task *dead_task;           /* freed by the next thread to run */
uint64_t context_switches;

struct task *current_task(void)
{
	return percpu_current();
}

void sched_init(void)
{
	idle_task.tid = 0;
	idle_task.state = TASK_RUNNING;
	idle_task.vtable = syscall_table;
	list_init(&idle_task.synth_list);
	list_init(&idle_task.run_link);
	list_init(&idle_task.sleep_link);
	list_init(&idle_task.thread_link);
	strlcpy(idle_task.comm, "idle", sizeof(idle_task.comm));
	percpu0.cur = &idle_task;
}

/* Runs in the thread just switched to, with sched_lock held. */
static void finish_switch(void)
{
	if (dead_task && dead_task != current) {
		struct task *d = dead_task;
		dead_task = NULL;
		task_free(d);
	}
}

static void enqueue(struct task *t)
{
	if (!t->on_rq && t != &idle_task) {
		list_add_tail(&t->run_link, &run_queue);
		t->on_rq = true;
	}
}

void schedule(void)
{
	unsigned long flags = spin_lock_irqsave(&sched_lock);
	struct task *prev = current, *next;

	if (prev->state == TASK_RUNNING)
		enqueue(prev);
	if (list_empty(&run_queue)) {
		next = &idle_task;
	} else {
		next = list_first_entry(&run_queue, struct task, run_link);
		list_del(&next->run_link);
		next->on_rq = false;
	}
	if (next != prev) {
		context_switches++;
		arch_switch_to(prev, next);   /* returns when prev runs again */
		finish_switch();
	}
	spin_unlock_irqrestore(&sched_lock, flags);
}

void sched_new_thread_started(void)
{
	finish_switch();
	spin_unlock_irqrestore(&sched_lock, 1UL << 9);    /* interrupts on */
}

void sched_exit_current(void)
{
	arch_irq_disable();
	struct task *t = current;
	t->state = TASK_DEAD;
	/* Only one can wait: the previous dead one was freed when we started running. */
	dead_task = t;
	schedule();
	panic("a dead thread was scheduled again");
}

void wake_up_task(struct task *t)
{
	unsigned long flags = spin_lock_irqsave(&sched_lock);
	if (t->state == TASK_INTERRUPTIBLE || t->state == TASK_UNINTERRUPTIBLE) {
		t->state = TASK_RUNNING;
		if (t != current)
			enqueue(t);
	}
	spin_unlock_irqrestore(&sched_lock, flags);
}

/* Stopped threads resume through here (kernel/signal.c). */
void wake_up_stopped(struct task *t)
{
	unsigned long flags = spin_lock_irqsave(&sched_lock);
	if (t->state == TASK_STOPPED) {
		t->state = TASK_RUNNING;
		if (t != current)
			enqueue(t);
	}
	spin_unlock_irqrestore(&sched_lock, flags);
}

void sched_add(struct task *t)
{
	unsigned long flags = spin_lock_irqsave(&sched_lock);
	t->state = TASK_RUNNING;
	enqueue(t);
	spin_unlock_irqrestore(&sched_lock, flags);
}

void sched_yield(void)
{
	schedule();
}

void sched_tick(void)
{
	struct task *t = current;
	uint64_t now = time_ns();

	if (!list_empty(&run_queue) && t != &idle_task)
		t->need_resched = true;
	itimer_tick(now);
	struct list_head *pos, *tmp;
	list_for_each_safe(pos, tmp, &sleepers) {
		struct task *s = list_entry(pos, struct task, sleep_link);
		if (s->wake_at_ns && s->wake_at_ns <= now)
			wake_up_task(s);
	}
}

bool schedule_until(uint64_t deadline_ns)
{
	struct task *t = current;
	if (!deadline_ns) {
		schedule();
		return true;
	}
	if (time_ns() >= deadline_ns) {
		t->state = TASK_RUNNING;
		return false;
	}
	unsigned long flags = spin_lock_irqsave(&sched_lock);
	t->wake_at_ns = deadline_ns;
	list_add(&t->sleep_link, &sleepers);
	spin_unlock_irqrestore(&sched_lock, flags);
	schedule();
	flags = spin_lock_irqsave(&sched_lock);
	list_del(&t->sleep_link);
	t->wake_at_ns = 0;
	spin_unlock_irqrestore(&sched_lock, flags);
	return time_ns() < deadline_ns;
}

void sched_idle(void)
{
	for (;;) {
		if (unlikely(console_input_pending()))
			tty_console_rx();               /* ^C/^Z while nobody reads the terminal */
		synth_quiescent();                  /* no thread is inside retired code */
		arch_irq_disable();
		if (!list_empty(&run_queue)) {
			arch_irq_enable();
			schedule();
			continue;
		}
		__asm__ __volatile__("sti; hlt" ::: "memory");
	}
}

/* ---- wait queues ---- */

void waitq_init(struct waitq *wq)
{
	spin_init(&wq->lock);
	list_init(&wq->waiters);
}

void prepare_to_wait(struct waitq *wq, struct wait_entry *we, bool interruptible)
{
	unsigned long flags = spin_lock_irqsave(&wq->lock);
	if (!we->task) {
		we->task = current;
		list_add_tail(&we->link, &wq->waiters);
	}
	current->state = interruptible ? TASK_INTERRUPTIBLE : TASK_UNINTERRUPTIBLE;
	spin_unlock_irqrestore(&wq->lock, flags);
}

void finish_wait(struct waitq *wq, struct wait_entry *we)
{
	current->state = TASK_RUNNING;
	if (we->task) {
		unsigned long flags = spin_lock_irqsave(&wq->lock);
		list_del(&we->link);
		spin_unlock_irqrestore(&wq->lock, flags);
		we->task = NULL;
	}
}

static void wake(struct waitq *wq, bool all)
{
	unsigned long flags = spin_lock_irqsave(&wq->lock);
	struct list_head *pos;
	list_for_each(pos, &wq->waiters) {
		struct wait_entry *we = list_entry(pos, struct wait_entry, link);
		wake_up_task(we->task);
		if (!all)
			break;
	}
	spin_unlock_irqrestore(&wq->lock, flags);
}

void wake_up(struct waitq *wq)
{
	wake(wq, true);
}

void wake_up_one(struct waitq *wq)
{
	wake(wq, false);
}

bool current_signal_pending(void)
{
	return task_signal_pending(current);
}
