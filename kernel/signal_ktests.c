/*
 * signal_ktests.c - self-tests of the signal rules that need no user mode:
 * the default-action table, merging of standard signals and queueing of
 * real-time ones, the delivery order, the ignore-at-send rules,
 * stop/continue bookkeeping, forced faults, masks, the siginfo layout,
 * syscall restart, and the alternate-stack rules.
 *
 * The tests build fake processes: a struct proc and its threads, allocated
 * here and never linked into the process tree or the run queue. Their
 * threads sit in TASK_UNINTERRUPTIBLE, which the signal code never wakes
 * (it wakes interruptible sleepers and stopped threads only), so the
 * scheduler never sees them; their parent is NULL, so no SIGCHLD leaves.
 * Everything is freed at the end (the runner checks for leaks).
 */
#include <synthos/errno.h>
#include <synthos/ktest.h>
#include <synthos/proc.h>
#include <synthos/signal.h>
#include <synthos/slab.h>
#include <synthos/string.h>
#include <arch/sigframe.h>

#define FAKE_THREADS 2

struct fake {
	struct proc *p;
	struct task *t[FAKE_THREADS];
};

static void fake_free(struct fake *f)
{
	for (int i = 0; i < FAKE_THREADS; i++) {
		if (f->t[i])
			signal_task_free(f->t[i]);
		kfree(f->t[i]);
	}
	if (f->p) {
		signal_proc_free(f->p);
		sighand_put(f->p->sighand);
	}
	kfree(f->p);
}

static bool fake_make(struct fake *f)
{
	memset(f, 0, sizeof(*f));
	f->p = kzalloc(sizeof(*f->p));
	if (!f->p)
		return false;
	list_init(&f->p->threads);
	list_init(&f->p->children);
	waitq_init(&f->p->child_exit_wq);
	f->p->pid = 0x7ffffff0;
	f->p->sighand = sighand_alloc();
	if (!f->p->sighand)
		goto fail;
	for (int i = 0; i < FAKE_THREADS; i++) {
		struct task *t = kzalloc(sizeof(*t));
		if (!t)
			goto fail;
		f->t[i] = t;
		t->tid = f->p->pid + i;
		t->proc = f->p;
		t->state = TASK_UNINTERRUPTIBLE;
		list_add_tail(&t->thread_link, &f->p->threads);
		f->p->nthreads++;
	}
	return true;
fail:
	fake_free(f);
	return false;
}

static void set_handler(struct proc *p, int sig, uint64_t handler, uint64_t flags)
{
	struct k_sigaction ka = { .handler = handler, .flags = flags | SA_RESTORER,
				  .restorer = 0x1000 };
	signal_do_sigaction(p, sig, &ka, NULL);
}

static struct ksiginfo kinfo(int sig, int code, int pid)
{
	return (struct ksiginfo){ .signo = sig, .code = code, .pid = pid };
}

KTEST(signal_default_actions)
{
	static const int core[] = { SIGQUIT, SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE,
				    SIGSEGV, SIGXCPU, SIGXFSZ, SIGSYS };
	static const int stop[] = { SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU };
	static const int ign[] = { SIGCHLD, SIGURG, SIGWINCH };
	int ncore = 0, nstop = 0, nign = 0, nterm = 0;

	for (size_t i = 0; i < ARRAY_SIZE(core); i++)
		KT_CHECK_EQ(sig_default_action(core[i]), SIGDFL_CORE);
	for (size_t i = 0; i < ARRAY_SIZE(stop); i++)
		KT_CHECK_EQ(sig_default_action(stop[i]), SIGDFL_STOP);
	for (size_t i = 0; i < ARRAY_SIZE(ign); i++)
		KT_CHECK_EQ(sig_default_action(ign[i]), SIGDFL_IGNORE);
	KT_CHECK_EQ(sig_default_action(SIGCONT), SIGDFL_CONT);
	KT_CHECK_EQ(sig_default_action(SIGKILL), SIGDFL_TERM);
	KT_CHECK_EQ(sig_default_action(SIGPIPE), SIGDFL_TERM);
	KT_CHECK_EQ(sig_default_action(SIGRTMIN), SIGDFL_TERM);
	KT_CHECK_EQ(sig_default_action(64), SIGDFL_TERM);
	for (int sig = 1; sig < NSIG; sig++) {
		switch (sig_default_action(sig)) {
		case SIGDFL_CORE: ncore++; break;
		case SIGDFL_STOP: nstop++; break;
		case SIGDFL_IGNORE: nign++; break;
		case SIGDFL_TERM: nterm++; break;
		case SIGDFL_CONT: break;
		}
	}
	KT_CHECK_EQ(ncore, 10);
	KT_CHECK_EQ(nstop, 4);
	KT_CHECK_EQ(nign, 3);
	KT_CHECK_EQ(nterm, 64 - 10 - 4 - 3 - 1);
	KT_CHECK_EQ(sigmask(1), 1);
	KT_CHECK_EQ(sigmask(64), 1ULL << 63);
}

KTEST(signal_standard_signals_merge)
{
	struct fake f;
	KT_CHECK(fake_make(&f));
	struct task *t = f.t[0];
	struct ksiginfo a = kinfo(SIGUSR1, SI_USER, 111), b = kinfo(SIGUSR1, SI_USER, 222), got;

	t->blocked = f.t[1]->blocked = sigmask(SIGUSR1);
	KT_CHECK_EQ(send_signal_proc(f.p, SIGUSR1, &a), 0);
	KT_CHECK_EQ(send_signal_proc(f.p, SIGUSR1, &b), 0);
	KT_CHECK_EQ(f.p->shared_pending, sigmask(SIGUSR1));
	KT_CHECK(!task_signal_pending(t));                      /* blocked */
	KT_CHECK_EQ(signal_pending_set(t), sigmask(SIGUSR1));
	KT_CHECK_EQ(signal_dequeue(t, ~0ULL, &got), SIGUSR1);
	KT_CHECK_EQ(got.pid, 111);                              /* the first one's info */
	KT_CHECK_EQ(signal_dequeue(t, ~0ULL, &got), 0);         /* merged: one instance */

	/* Thread-directed: in the thread's own queue only. */
	KT_CHECK_EQ(send_signal_task(f.t[1], SIGUSR2, NULL), 0);
	KT_CHECK_EQ(f.t[1]->pending, sigmask(SIGUSR2));
	KT_CHECK_EQ(f.p->shared_pending, 0);
	KT_CHECK_EQ(signal_dequeue(t, ~0ULL, &got), 0);
	KT_CHECK_EQ(signal_dequeue(f.t[1], ~0ULL, &got), SIGUSR2);
	KT_CHECK_EQ(got.code, SI_KERNEL);                       /* no info: from the kernel */
	KT_CHECK_EQ(got.signo, SIGUSR2);

	KT_CHECK_EQ(send_signal_proc(f.p, 0, NULL), 0);         /* existence check only */
	KT_CHECK_EQ(send_signal_proc(f.p, 65, NULL), -EINVAL);
	KT_CHECK_EQ(send_signal_proc(f.p, -1, NULL), -EINVAL);
	KT_CHECK_EQ(f.p->shared_pending, 0);
	fake_free(&f);
}

KTEST(signal_realtime_queue)
{
	struct fake f;
	KT_CHECK(fake_make(&f));
	struct task *t = f.t[0];
	struct ksiginfo got;

	t->blocked = f.t[1]->blocked = ~0ULL;
	for (int i = 1; i <= 3; i++) {
		struct ksiginfo q = { .code = SI_QUEUE, .value = (uint64_t)i };
		KT_CHECK_EQ(send_signal_proc(f.p, SIGRTMIN + 1, &q), 0);
	}
	send_signal_proc(f.p, SIGRTMIN, NULL);
	send_signal_proc(f.p, SIGRTMIN, NULL);
	/* Lowest first; each RT signal's instances in the order sent. */
	KT_CHECK_EQ(signal_dequeue(t, ~0ULL, &got), SIGRTMIN);
	KT_CHECK_EQ(signal_dequeue(t, ~0ULL, &got), SIGRTMIN);
	for (int i = 1; i <= 3; i++) {
		KT_CHECK(f.p->shared_pending & sigmask(SIGRTMIN + 1));
		KT_CHECK_EQ(signal_dequeue(t, ~0ULL, &got), SIGRTMIN + 1);
		KT_CHECK_EQ(got.value, i);
		KT_CHECK_EQ(got.signo, SIGRTMIN + 1);
	}
	KT_CHECK_EQ(f.p->shared_pending, 0);
	/* Ignoring discards every queued instance; freeing releases the rest. */
	for (int i = 0; i < 5; i++)
		send_signal_task(t, 40, NULL);
	set_handler(f.p, 40, SIG_IGN, 0);
	KT_CHECK_EQ(t->pending, 0);
	KT_CHECK_EQ(signal_dequeue(t, ~0ULL, &got), 0);
	set_handler(f.p, 40, SIG_DFL, 0);
	for (int i = 0; i < 5; i++)
		send_signal_task(t, 41, NULL);
	fake_free(&f);                  /* the leak check covers the queue */
}

KTEST(signal_delivery_order)
{
	struct fake f;
	KT_CHECK(fake_make(&f));
	struct task *t = f.t[0];
	struct ksiginfo got;

	t->blocked = f.t[1]->blocked = ~0ULL;      /* keep everything pending */
	send_signal_proc(f.p, SIGRTMIN + 8, NULL);
	send_signal_proc(f.p, SIGUSR2, NULL);
	send_signal_proc(f.p, SIGINT, NULL);
	send_signal_proc(f.p, SIGTRAP, NULL);
	send_signal_proc(f.p, SIGSEGV, NULL);
	send_signal_task(t, SIGTERM, NULL);
	/* Own queue first, then shared: synchronous faults, then lowest. */
	KT_CHECK_EQ(signal_dequeue(t, ~0ULL, &got), SIGTERM);
	KT_CHECK_EQ(signal_dequeue(t, ~0ULL, &got), SIGTRAP);
	KT_CHECK_EQ(signal_dequeue(t, ~0ULL, &got), SIGSEGV);
	KT_CHECK_EQ(signal_dequeue(t, ~0ULL, &got), SIGINT);
	KT_CHECK_EQ(signal_dequeue(t, ~0ULL, &got), SIGUSR2);
	KT_CHECK_EQ(signal_dequeue(t, ~0ULL, &got), SIGRTMIN + 8);
	KT_CHECK_EQ(signal_dequeue(t, ~0ULL, &got), 0);
	/* Dequeue honours the allowed set. */
	send_signal_proc(f.p, SIGINT, NULL);
	send_signal_proc(f.p, SIGHUP, NULL);
	KT_CHECK_EQ(signal_dequeue(t, sigmask(SIGINT), &got), SIGINT);
	KT_CHECK_EQ(signal_dequeue(t, sigmask(SIGINT), &got), 0);
	KT_CHECK_EQ(signal_dequeue(t, ~0ULL, &got), SIGHUP);
	fake_free(&f);
}

KTEST(signal_ignored_dropped_unless_blocked)
{
	struct fake f;
	KT_CHECK(fake_make(&f));
	struct task *t = f.t[0];

	/* Default-ignored signals vanish at send time. */
	send_signal_proc(f.p, SIGCHLD, NULL);
	send_signal_proc(f.p, SIGWINCH, NULL);
	send_signal_proc(f.p, SIGURG, NULL);
	send_signal_proc(f.p, SIGCONT, NULL);
	KT_CHECK_EQ(f.p->shared_pending, 0);
	/* SIG_IGN too. */
	set_handler(f.p, SIGUSR1, SIG_IGN, 0);
	send_signal_proc(f.p, SIGUSR1, NULL);
	send_signal_task(t, SIGUSR1, NULL);
	KT_CHECK_EQ(f.p->shared_pending | t->pending, 0);
	/* Blocked by one thread: kept for the process. */
	f.t[1]->blocked = sigmask(SIGCHLD) | sigmask(SIGUSR1);
	send_signal_proc(f.p, SIGCHLD, NULL);
	send_signal_proc(f.p, SIGUSR1, NULL);
	KT_CHECK_EQ(f.p->shared_pending, sigmask(SIGCHLD) | sigmask(SIGUSR1));
	/* A thread-directed signal goes by that thread's mask. */
	send_signal_task(t, SIGCHLD, NULL);
	KT_CHECK_EQ(t->pending, 0);
	t->blocked = sigmask(SIGCHLD);
	send_signal_task(t, SIGCHLD, NULL);
	KT_CHECK_EQ(t->pending, sigmask(SIGCHLD));
	/* A handler: kept. */
	set_handler(f.p, SIGWINCH, 0x400000, 0);
	send_signal_proc(f.p, SIGWINCH, NULL);
	KT_CHECK(f.p->shared_pending & sigmask(SIGWINCH));
	/* Setting SIG_IGN (or an ignoring SIG_DFL) discards pending ones, blocked or not. */
	set_handler(f.p, SIGCHLD, SIG_DFL, 0);
	KT_CHECK_EQ(t->pending, 0);
	KT_CHECK(!(f.p->shared_pending & sigmask(SIGCHLD)));
	set_handler(f.p, SIGWINCH, SIG_IGN, 0);
	KT_CHECK_EQ(f.p->shared_pending, sigmask(SIGUSR1));
	fake_free(&f);
}

KTEST(signal_stop_and_continue)
{
	struct fake f;
	KT_CHECK(fake_make(&f));
	struct proc *p = f.p;

	f.t[0]->blocked = f.t[1]->blocked = ~0ULL;
	/* SIGCONT discards pending stop signals; a stop signal discards SIGCONT. */
	send_signal_proc(p, SIGTSTP, NULL);
	send_signal_task(f.t[1], SIGTTIN, NULL);
	KT_CHECK_EQ(p->shared_pending, sigmask(SIGTSTP));
	send_signal_proc(p, SIGCONT, NULL);
	KT_CHECK_EQ(p->shared_pending, sigmask(SIGCONT));
	KT_CHECK_EQ(f.t[1]->pending, 0);
	send_signal_proc(p, SIGSTOP, NULL);
	KT_CHECK_EQ(p->shared_pending, sigmask(SIGSTOP));
	p->shared_pending = 0;

	/* The stop bookkeeping (no parent: nothing is reported). */
	f.t[0]->blocked = f.t[1]->blocked = 0;
	KT_CHECK(!task_signal_pending(f.t[0]));
	proc_stop(p, SIGTSTP);
	KT_CHECK_EQ(p->stop_signal, SIGTSTP);
	KT_CHECK(p->stopped_report);
	KT_CHECK(task_signal_pending(f.t[1]));     /* come out and park */
	proc_stop(p, SIGSTOP);                     /* already stopped: no change */
	KT_CHECK_EQ(p->stop_signal, SIGTSTP);
	/* SIGCONT resumes even though its default is to ignore it (and drops it). */
	send_signal_proc(p, SIGCONT, NULL);
	KT_CHECK_EQ(p->stop_signal, 0);
	KT_CHECK(!p->stopped_report);
	KT_CHECK(p->continued_report);
	KT_CHECK_EQ(p->shared_pending, 0);
	KT_CHECK(!task_signal_pending(f.t[0]));
	/* A new stop clears an unreported continue; SIGKILL ends a stop quietly. */
	proc_stop(p, SIGTTOU);
	KT_CHECK(!p->continued_report);
	send_signal_proc(p, SIGKILL, NULL);
	KT_CHECK_EQ(p->stop_signal, 0);
	KT_CHECK(!p->stopped_report);
	KT_CHECK(!p->continued_report);
	KT_CHECK_EQ(p->shared_pending, sigmask(SIGKILL));
	/* proc_continue on a running process changes nothing. */
	p->shared_pending = 0;
	proc_continue(p);
	KT_CHECK(!p->continued_report);
	fake_free(&f);
}

KTEST(signal_kill_stop_unblockable)
{
	struct fake f;
	KT_CHECK(fake_make(&f));
	struct task *t = f.t[0];
	struct k_sigaction ka = { .handler = 0x400000, .mask = ~0ULL }, old;

	signal_set_blocked(t, ~0ULL);
	KT_CHECK_EQ(t->blocked, ~SIG_KERNEL_ONLY_MASK);
	KT_CHECK_EQ(signal_do_sigaction(f.p, SIGKILL, &ka, NULL), -EINVAL);
	KT_CHECK_EQ(signal_do_sigaction(f.p, SIGSTOP, &ka, NULL), -EINVAL);
	KT_CHECK_EQ(signal_do_sigaction(f.p, SIGKILL, NULL, &old), 0);   /* reading is fine */
	KT_CHECK_EQ(signal_do_sigaction(f.p, 0, NULL, &old), -EINVAL);
	KT_CHECK_EQ(signal_do_sigaction(f.p, 65, NULL, &old), -EINVAL);
	ka.flags = SA_SIGINFO | SA_RESTORER | 0x00000100;     /* plus an unknown bit */
	KT_CHECK_EQ(signal_do_sigaction(f.p, SIGUSR1, &ka, NULL), 0);
	KT_CHECK_EQ(signal_do_sigaction(f.p, SIGUSR1, NULL, &old), 0);
	KT_CHECK_EQ(old.handler, 0x400000);
	KT_CHECK_EQ(old.flags, SA_SIGINFO | SA_RESTORER);
	KT_CHECK_EQ(old.mask, ~SIG_KERNEL_ONLY_MASK);
	/* SIGKILL is pending even with everything blocked. */
	send_signal_task(t, SIGKILL, NULL);
	KT_CHECK(task_signal_pending(t));
	fake_free(&f);
}

KTEST(signal_force_fault)
{
	struct fake f;
	KT_CHECK(fake_make(&f));
	struct task *t = f.t[0];
	struct ksiginfo info = { .signo = SIGSEGV, .code = SEGV_MAPERR, .addr = 0xdead000 }, got;

	/* Blocked with a handler: unblocked, back to SIG_DFL (so it kills). */
	set_handler(f.p, SIGSEGV, 0x400000, 0);
	t->blocked = sigmask(SIGSEGV);
	signal_force_task(t, SIGSEGV, &info);
	KT_CHECK(!(t->blocked & sigmask(SIGSEGV)));
	KT_CHECK_EQ(f.p->sighand->action[SIGSEGV].handler, SIG_DFL);
	KT_CHECK_EQ(signal_dequeue(t, ~t->blocked, &got), SIGSEGV);
	KT_CHECK_EQ(got.addr, 0xdead000);
	/* Ignored: back to SIG_DFL and queued. */
	set_handler(f.p, SIGFPE, SIG_IGN, 0);
	signal_force_task(t, SIGFPE, NULL);
	KT_CHECK_EQ(f.p->sighand->action[SIGFPE].handler, SIG_DFL);
	KT_CHECK_EQ(t->pending, sigmask(SIGFPE));
	/* Unblocked handler: left alone. */
	set_handler(f.p, SIGBUS, 0x400000, 0);
	signal_force_task(t, SIGBUS, NULL);
	KT_CHECK_EQ(f.p->sighand->action[SIGBUS].handler, 0x400000);
	/* Not a fault: an ignored SIGPIPE stays ignored and is dropped. */
	set_handler(f.p, SIGPIPE, SIG_IGN, 0);
	t->pending = 0;
	signal_force_task(t, SIGPIPE, NULL);
	KT_CHECK_EQ(f.p->sighand->action[SIGPIPE].handler, SIG_IGN);
	KT_CHECK_EQ(t->pending, 0);
	fake_free(&f);
}

KTEST(signal_mask_retarget_and_pending)
{
	struct fake f;
	KT_CHECK(fake_make(&f));
	struct task *a = f.t[0], *b = f.t[1];

	b->blocked = sigmask(SIGUSR1);
	send_signal_proc(f.p, SIGUSR1, NULL);
	KT_CHECK(task_signal_pending(a));
	KT_CHECK(!task_signal_pending(b));
	signal_set_blocked(a, sigmask(SIGUSR1));
	KT_CHECK(!task_signal_pending(a));
	KT_CHECK_EQ(signal_pending_set(a), sigmask(SIGUSR1));    /* still pending, blocked */
	signal_set_blocked(b, 0);
	KT_CHECK(task_signal_pending(b));
	fake_free(&f);
}

/*
 * The pending hint (task->sigpending, signal.c) is never narrower than
 * the truth: after any send, mask change, stop, continue or dequeue, a
 * thread with a deliverable signal has its hint set, so the exit path's
 * one-load test cannot skip it. The exit loop's clear is played here by
 * clearing the hint of every thread with nothing deliverable.
 */
KTEST(signal_pending_hint_never_narrower)
{
	static const int sigs[] = { SIGUSR1, SIGUSR2, SIGCONT, SIGTSTP, SIGRTMIN, SIGRTMIN + 1 };
	struct fake f;
	uint32_t x = 0x9e3779b9u;
	int set = 0;
	KT_CHECK(fake_make(&f));
	set_handler(f.p, SIGUSR1, 0x2000, 0);
	set_handler(f.p, SIGRTMIN, 0x2000, 0);
	for (int step = 0; step < 2000; step++) {
		x ^= x << 13, x ^= x >> 17, x ^= x << 5;
		struct task *t = f.t[(x >> 8) & 1];
		int sig = sigs[(x >> 12) % ARRAY_SIZE(sigs)];
		struct ksiginfo info;
		switch ((x >> 20) % 6) {
		case 0: send_signal_proc(f.p, sig, NULL); break;
		case 1: send_signal_task(t, sig, NULL); break;
		case 2: {
			sigset_t m = 0;
			for (unsigned i = 0; i < ARRAY_SIZE(sigs); i++)
				if (x & (1u << (24 + i)))
					m |= sigmask(sigs[i]);
			signal_set_blocked(t, m);
			break;
		}
		case 3: proc_stop(f.p, SIGTSTP); break;
		case 4: proc_continue(f.p); break;
		case 5: signal_dequeue(t, ~t->blocked, &info); break;
		}
		for (int i = 0; i < FAKE_THREADS; i++) {
			struct task *th = f.t[i];
			if (task_signal_pending(th)) {
				KT_CHECK(th->sigpending);
				set++;
			} else {
				th->sigpending = false;
			}
		}
	}
	KT_CHECK(set > 100);                    /* the walk did reach both states */
	fake_free(&f);
}

KTEST(signal_siginfo_layout)
{
	struct user_siginfo u;
	const uint8_t *raw = (const uint8_t *)&u;
	int32_t i32;
	uint64_t u64;

	struct ksiginfo k = { .signo = SIGTERM, .code = SI_USER, .pid = 42, .uid = 7 };
	siginfo_to_user(&k, &u);
	KT_CHECK_EQ(u.si_signo, SIGTERM);
	memcpy(&i32, raw + 8, 4);  KT_CHECK_EQ(i32, SI_USER);
	memcpy(&i32, raw + 16, 4); KT_CHECK_EQ(i32, 42);           /* si_pid */
	memcpy(&i32, raw + 20, 4); KT_CHECK_EQ(i32, 7);            /* si_uid */

	k = (struct ksiginfo){ .signo = SIGCHLD, .code = CLD_EXITED, .pid = 9, .status = 3 };
	siginfo_to_user(&k, &u);
	memcpy(&i32, raw + 16, 4); KT_CHECK_EQ(i32, 9);
	memcpy(&i32, raw + 24, 4); KT_CHECK_EQ(i32, 3);            /* si_status */

	k = (struct ksiginfo){ .signo = SIGSEGV, .code = SEGV_ACCERR, .addr = 0x1234567890 };
	siginfo_to_user(&k, &u);
	memcpy(&u64, raw + 16, 8); KT_CHECK_EQ(u64, 0x1234567890); /* si_addr */

	k = (struct ksiginfo){ .signo = SIGRTMIN, .code = SI_QUEUE, .pid = 5, .value = 0xabcdef };
	siginfo_to_user(&k, &u);
	memcpy(&i32, raw + 16, 4); KT_CHECK_EQ(i32, 5);
	memcpy(&u64, raw + 24, 8); KT_CHECK_EQ(u64, 0xabcdef);     /* si_value */
	struct ksiginfo back;
	siginfo_from_user(&u, &back);
	KT_CHECK_EQ(back.code, SI_QUEUE);
	KT_CHECK_EQ(back.pid, 5);
	KT_CHECK_EQ(back.value, 0xabcdef);

	/* SIGSEGV from the kernel (#GP): the kill layout, all zero. */
	k = (struct ksiginfo){ .signo = SIGSEGV, .code = SI_KERNEL, .addr = 0x99 };
	siginfo_to_user(&k, &u);
	memcpy(&u64, raw + 16, 8); KT_CHECK_EQ(u64, 0);
	for (int i = 32; i < 128; i++)
		KT_CHECK_EQ(raw[i], 0);
}

KTEST(signal_syscall_restart_rules)
{
	struct k_sigaction plain = { .handler = 0x400000 };
	struct k_sigaction restart = { .handler = 0x400000, .flags = SA_RESTART };
	struct trap_frame r;
	static const struct {
		int64_t rax;
		int which;                  /* 0: no handler, 1: plain, 2: SA_RESTART */
		bool restarted;
		int64_t result;
	} cases[] = {
		{ -ERESTARTSYS,    0, true,  0 },
		{ -ERESTARTSYS,    1, false, -EINTR },
		{ -ERESTARTSYS,    2, true,  0 },
		{ -ERESTARTNOINTR, 0, true,  0 },
		{ -ERESTARTNOINTR, 1, true,  0 },
		{ -ERESTARTNOHAND, 0, true,  0 },
		{ -ERESTARTNOHAND, 1, false, -EINTR },
		{ -ERESTARTNOHAND, 2, false, -EINTR },
		{ -EINTR,          0, false, -EINTR },
		{ 5,               1, false, 5 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		memset(&r, 0, sizeof(r));
		r.vector = VEC_SYSCALL;
		r.error_code = 7;           /* poll */
		r.rax = (uint64_t)cases[i].rax;
		r.rip = 0x401002;
		const struct k_sigaction *ka = cases[i].which == 0 ? NULL :
					       cases[i].which == 1 ? &plain : &restart;
		signal_restart(&r, ka);
		if (cases[i].restarted) {
			KT_CHECK_EQ(r.rax, 7);
			KT_CHECK_EQ(r.rip, 0x401000);
		} else {
			KT_CHECK_EQ((int64_t)r.rax, cases[i].result);
			KT_CHECK_EQ(r.rip, 0x401002);
		}
	}
	/* Not a syscall (an interrupt; or after rt_sigreturn): RAX is user data. */
	memset(&r, 0, sizeof(r));
	r.vector = 0xf0;
	r.rax = (uint64_t)-ERESTARTSYS;
	r.rip = 0x401002;
	signal_restart(&r, NULL);
	KT_CHECK_EQ(r.rax, (uint64_t)-ERESTARTSYS);
	r.vector = VEC_SYSCALL;
	r.error_code = SIGFRAME_NO_SYSCALL;
	signal_restart(&r, NULL);
	KT_CHECK_EQ(r.rip, 0x401002);
	KT_CHECK(!sigframe_restart_code(&r));
}

KTEST(signal_altstack_rules)
{
	struct fake f;
	KT_CHECK(fake_make(&f));
	struct task *t = f.t[0];
	struct sigaltstack_k ss, oss;
	const uint64_t base = 0x700000, size = 0x4000, away = 0x7ff000;

	/* Initially disabled. */
	KT_CHECK_EQ(signal_do_sigaltstack(t, NULL, &oss, away), 0);
	KT_CHECK_EQ(oss.flags, SS_DISABLE);
	KT_CHECK_EQ(oss.size, 0);
	ss = (struct sigaltstack_k){ .sp = base, .size = MINSIGSTKSZ - 1 };
	KT_CHECK_EQ(signal_do_sigaltstack(t, &ss, NULL, away), -ENOMEM);
	ss = (struct sigaltstack_k){ .sp = base, .size = size, .flags = 4 };
	KT_CHECK_EQ(signal_do_sigaltstack(t, &ss, NULL, away), -EINVAL);
	ss = (struct sigaltstack_k){ .sp = base, .size = size };
	KT_CHECK_EQ(signal_do_sigaltstack(t, &ss, NULL, away), 0);
	KT_CHECK_EQ(signal_sas_flags(t, away), 0);
	KT_CHECK_EQ(signal_sas_flags(t, base + size), SS_ONSTACK);   /* the top counts */
	KT_CHECK_EQ(signal_sas_flags(t, base), 0);                   /* the bottom does not */
	/* While running on it: report SS_ONSTACK, refuse changes. */
	KT_CHECK_EQ(signal_do_sigaltstack(t, &ss, &oss, base + 0x100), -EPERM);
	KT_CHECK_EQ(oss.flags, SS_ONSTACK);
	KT_CHECK_EQ(oss.sp, base);
	KT_CHECK_EQ(oss.size, size);
	/* SS_AUTODISARM: never "on" it, and the flag reads back. */
	ss.flags = (int)SS_AUTODISARM;
	KT_CHECK_EQ(signal_do_sigaltstack(t, &ss, NULL, away), 0);
	KT_CHECK(!signal_on_altstack(t, base + 0x100));
	KT_CHECK_EQ(signal_do_sigaltstack(t, NULL, &oss, base + 0x100), 0);
	KT_CHECK_EQ((unsigned)oss.flags, SS_AUTODISARM);
	/* SS_DISABLE ignores the rest. */
	ss = (struct sigaltstack_k){ .sp = 1, .size = 1, .flags = SS_DISABLE };
	KT_CHECK_EQ(signal_do_sigaltstack(t, &ss, NULL, away), 0);
	KT_CHECK_EQ(signal_sas_flags(t, away), SS_DISABLE);
	KT_CHECK_EQ(t->altstack.size, 0);
	fake_free(&f);
}

KTEST(signal_sighand_fork_exec)
{
	struct sighand *sh = sighand_alloc();
	KT_CHECK(sh != NULL);
	sh->action[SIGINT] = (struct k_sigaction){ .handler = 0x400000, .flags = SA_RESTART,
						   .mask = 0xff, .restorer = 0x1000 };
	sh->action[SIGQUIT] = (struct k_sigaction){ .handler = SIG_IGN, .flags = SA_RESTART };
	struct sighand *c = sighand_copy(sh);
	KT_CHECK(c != NULL);
	KT_CHECK_EQ(c->refcount, 1);
	KT_CHECK_EQ(c->action[SIGINT].handler, 0x400000);
	sighand_exec_reset(c);
	KT_CHECK_EQ(c->action[SIGINT].handler, SIG_DFL);
	KT_CHECK_EQ(c->action[SIGINT].flags, 0);
	KT_CHECK_EQ(c->action[SIGINT].mask, 0);
	KT_CHECK_EQ(c->action[SIGQUIT].handler, SIG_IGN);           /* ignored stays ignored */
	KT_CHECK_EQ(sh->action[SIGINT].handler, 0x400000);          /* the parent's untouched */
	sighand_put(c);
	sh->refcount++;                                             /* CLONE_SIGHAND share */
	sighand_put(sh);
	KT_CHECK_EQ(sh->refcount, 1);
	sighand_put(sh);
}

KTEST(signal_fpu_mxcsr)
{
	KT_CHECK(fpu_mxcsr_valid(0x1f80));          /* the default */
	KT_CHECK(fpu_mxcsr_valid(0x1f80 | 0x6000)); /* rounding mode */
	KT_CHECK(!fpu_mxcsr_valid(0x10000));        /* reserved */
	KT_CHECK(!fpu_mxcsr_valid(0xffff0000));
}
