/*
 * bench_queues.c - the synthos queues beside DPDK's rte_ring, Concurrency
 * Kit's ck_ring and liburcu's wfcqueue, on the host.
 *
 * Two measurements per queue, both moving pointer-sized items:
 *
 *   (a) instructions per enqueue+dequeue pair, single thread: the program
 *       re-runs itself under `valgrind --tool=callgrind
 *       --toggle-collect=pair_<name>` with `--pairs <name> N`, which calls
 *       the noinline function pair_<name>() N times (one enqueue, one
 *       dequeue each); the collected instruction count divided by N is the
 *       cost of the pair, call overhead included (the same for every queue).
 *   (b) throughput: a producer thread pinned to CPU 0 and a consumer pinned
 *       to CPU 1 move ITEMS items; items/s is reported. Multi-producer or
 *       multi-consumer queues run in that mode with one thread at each end,
 *       so the cost of their CAS paths shows.
 *
 * Every queue holds 1024 items (wfcqueue is unbounded: the producer keeps
 * at most 1024 nodes in flight by watching the consumer's count).
 * Usage: bench_queues [--quick]; `make bench-queues` builds and runs it.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

#include <synthos/queue.h>

#include <rte_ring.h>
#include <ck_ring.h>
#define _LGPL_SOURCE
#include <urcu/wfcqueue.h>

#define QSIZE 1024
#define NODES 1024

/* ---- the queues under test ------------------------------------------------ */

static void *sq_ring[QSIZE];
static struct spscq sq;
static struct mpscq mq;
static struct mpmcq mmq;
static struct rte_ring *rr_s, *rr_m;
static struct ck_ring ckr;
static struct ck_ring_buffer ckbuf[QSIZE];
static struct cds_wfcq_head wq_head;
static struct cds_wfcq_tail wq_tail;
static struct cds_wfcq_node wq_nodes[NODES];
static volatile unsigned long wq_consumed;

struct qops {
	const char *name, *cls;
	int peer;                       /* 0 synthos, 1 peer */
	void (*reset)(void);
	bool (*enq)(void *);
	bool (*deq)(void **);
	void (*pair)(void);
};

static void r_sq(void)  { spscq_init(&sq, sq_ring, QSIZE); }
static void r_mq(void)  { mpscq_init(&mq, sq_ring, QSIZE); }
static void r_mmq(void) { mpmcq_init(&mmq, sq_ring, QSIZE); }
static void r_rr(void)  { rte_ring_reset(rr_s); rte_ring_reset(rr_m); }
static void r_ck(void)  { ck_ring_init(&ckr, QSIZE); }
static void r_wq(void)  { cds_wfcq_init(&wq_head, &wq_tail); wq_consumed = 0; }

static bool e_sq(void *p)   { return spscq_push(&sq, p); }
static bool d_sq(void **p)  { return spscq_pop(&sq, p); }
static bool e_mq(void *p)   { return mpscq_push(&mq, p); }
static bool d_mq(void **p)  { return mpscq_pop(&mq, p); }
static bool e_mmq(void *p)  { return mpmcq_push(&mmq, p); }
static bool d_mmq(void **p) { return mpmcq_pop(&mmq, p); }
static bool e_rrs(void *p)  { return rte_ring_sp_enqueue(rr_s, p) == 0; }
static bool d_rrs(void **p) { return rte_ring_sc_dequeue(rr_s, p) == 0; }
static bool e_rrm(void *p)  { return rte_ring_mp_enqueue(rr_m, p) == 0; }
static bool d_rrm(void **p) { return rte_ring_mc_dequeue(rr_m, p) == 0; }
static bool d_rrms(void **p) { return rte_ring_sc_dequeue(rr_m, p) == 0; }
static bool e_cks(void *p)  { return ck_ring_enqueue_spsc(&ckr, ckbuf, p); }
static bool d_cks(void **p) { return ck_ring_dequeue_spsc(&ckr, ckbuf, p); }
static bool e_ckm(void *p)  { return ck_ring_enqueue_mpmc(&ckr, ckbuf, p); }
static bool d_ckm(void **p) { return ck_ring_dequeue_mpmc(&ckr, ckbuf, p); }

/* wfcqueue is intrusive: item v travels in node v % NODES. */
static bool e_wq(void *p)
{
	struct cds_wfcq_node *n = &wq_nodes[(uintptr_t)p % NODES];
	cds_wfcq_node_init(n);
	cds_wfcq_enqueue(&wq_head, &wq_tail, n);
	return true;
}

static bool d_wq(void **p)
{
	/* One consumer: the __ (caller-synchronised) dequeue is allowed. */
	struct cds_wfcq_node *n = __cds_wfcq_dequeue_nonblocking(&wq_head, &wq_tail);
	if (n == NULL || n == CDS_WFCQ_WOULDBLOCK)
		return false;
	*p = (void *)(uintptr_t)(n - wq_nodes);
	return true;
}

/* One enqueue + one dequeue; what callgrind counts. */
static void *volatile sink;
#define PAIR(sfx, E, D) \
	__attribute__((noinline)) void pair_##sfx(void) \
	{ void *p = 0; E((void *)0x1234); D(&p); sink = p; }
PAIR(spscq, e_sq, d_sq)
PAIR(mpscq, e_mq, d_mq)
PAIR(mpmcq, e_mmq, d_mmq)
PAIR(rte_spsc, e_rrs, d_rrs)
PAIR(rte_mpsc, e_rrm, d_rrms)
PAIR(rte_mpmc, e_rrm, d_rrm)
PAIR(ck_spsc, e_cks, d_cks)
PAIR(ck_mpmc, e_ckm, d_ckm)
PAIR(wfcq, e_wq, d_wq)

static struct qops queues[] = {
	{ "spscq",    "SPSC", 0, r_sq,  e_sq,  d_sq,  pair_spscq },
	{ "rte_spsc", "SPSC", 1, r_rr,  e_rrs, d_rrs, pair_rte_spsc },
	{ "ck_spsc",  "SPSC", 1, r_ck,  e_cks, d_cks, pair_ck_spsc },
	{ "mpscq",    "MPSC", 0, r_mq,  e_mq,  d_mq,  pair_mpscq },
	{ "rte_mpsc", "MPSC", 1, r_rr,  e_rrm, d_rrms, pair_rte_mpsc },
	{ "wfcq",     "MPSC", 1, r_wq,  e_wq,  d_wq,  pair_wfcq },
	{ "mpmcq",    "MPMC", 0, r_mmq, e_mmq, d_mmq, pair_mpmcq },
	{ "rte_mpmc", "MPMC", 1, r_rr,  e_rrm, d_rrm, pair_rte_mpmc },
	{ "ck_mpmc",  "MPMC", 1, r_ck,  e_ckm, d_ckm, pair_ck_mpmc },
};
#define NQ (sizeof(queues) / sizeof(queues[0]))

static void setup(void)
{
	static char rs[1 << 16] __attribute__((aligned(128)));
	static char rm[1 << 16] __attribute__((aligned(128)));

	if (rte_ring_get_memsize(QSIZE) > (ssize_t)sizeof(rs)) {
		fprintf(stderr, "rte_ring too big\n");
		exit(1);
	}
	rr_s = (struct rte_ring *)rs;
	rr_m = (struct rte_ring *)rm;
	/* RING_F_EXACT_SZ: 1024 usable slots, like the others. */
	if (rte_ring_init(rr_s, "bq_s", QSIZE, RING_F_SP_ENQ | RING_F_SC_DEQ | RING_F_EXACT_SZ) ||
	    rte_ring_init(rr_m, "bq_m", QSIZE, RING_F_EXACT_SZ)) {
		fprintf(stderr, "rte_ring_init failed\n");
		exit(1);
	}
	for (size_t i = 0; i < NQ; i++)
		queues[i].reset();
}

/* ---- (b) throughput ------------------------------------------------------------- */

static unsigned long items = 2000000UL;
static struct qops *cur;

static void pin(int cpu)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

static void *producer(void *a)
{
	pin(0);
	bool is_wq = cur->enq == e_wq;
	for (unsigned long i = 1; i <= items; i++) {
		if (is_wq)
			while (i - wq_consumed >= NODES - 1)
				__asm__ __volatile__("pause");
		while (!cur->enq((void *)i))
			__asm__ __volatile__("pause");
	}
	return NULL;
}

static void *consumer(void *a)
{
	unsigned long sum = 0;
	void *p;

	pin(1);
	for (unsigned long i = 1; i <= items; i++) {
		while (!cur->deq(&p))
			__asm__ __volatile__("pause");
		if (cur->deq == d_wq) {
			sum += i;       /* wfcq returns the node index only */
			__atomic_store_n(&wq_consumed, i, __ATOMIC_RELEASE);
		} else {
			sum += (uintptr_t)p;
		}
	}
	*(unsigned long *)a = sum;
	return NULL;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static double throughput(struct qops *q)
{
	pthread_t pt, ct;
	unsigned long sum = 0;
	double best = 0;

	for (int rep = 0; rep < 3; rep++) {
		q->reset();
		cur = q;
		double t0 = now();
		pthread_create(&ct, NULL, consumer, &sum);
		pthread_create(&pt, NULL, producer, NULL);
		pthread_join(pt, NULL);
		pthread_join(ct, NULL);
		double t = now() - t0;
		if (sum != items * (items + 1) / 2) {
			fprintf(stderr, "%s: checksum mismatch\n", q->name);
			exit(1);
		}
		if (items / t > best)
			best = items / t;
	}
	return best;
}

/* ---- (a) instructions under callgrind ------------------------------------------ */

static double instructions(const char *self, struct qops *q, unsigned long n)
{
	char out[] = "/tmp/bench-queues.cg.XXXXXX";
	char cmd[8192 + 256], line[512];
	int fd = mkstemp(out);
	double ir = -1;

	if (fd < 0)
		return -1;
	close(fd);
	snprintf(cmd, sizeof(cmd),
		 "valgrind --tool=callgrind --callgrind-out-file=%s "
		 "--toggle-collect=pair_%s %s --pairs %s %lu >/dev/null 2>&1",
		 out, q->name, self, q->name, n);
	if (system(cmd) == 0) {
		FILE *f = fopen(out, "r");
		while (f && fgets(line, sizeof(line), f))
			if (!strncmp(line, "summary:", 8) || !strncmp(line, "totals:", 7))
				ir = strtod(strchr(line, ':') + 1, NULL) / (double)n;
		if (f)
			fclose(f);
	}
	unlink(out);
	return ir;
}

int main(int argc, char **argv)
{
	unsigned long npairs = 100000;
	double ir[NQ], tp[NQ];

	char self[8192];
	ssize_t len = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (len <= 0)
		return 1;
	self[len] = 0;
	setup();
	if (argc == 4 && !strcmp(argv[1], "--pairs")) {
		unsigned long n = strtoul(argv[3], NULL, 0);
		for (size_t i = 0; i < NQ; i++)
			if (!strcmp(queues[i].name, argv[2])) {
				for (unsigned long k = 0; k < n; k++)
					queues[i].pair();
				return 0;
			}
		return 1;
	}
	if (argc > 1 && !strcmp(argv[1], "--quick"))
		items = 300000UL;
	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		fprintf(stderr, "bench-queues: fewer than 2 CPUs; throughput is meaningless\n");

	for (size_t i = 0; i < NQ; i++) {
		ir[i] = instructions(self, &queues[i], npairs);
		tp[i] = throughput(&queues[i]);
		fprintf(stderr, "  %-9s done\n", queues[i].name);
	}

	printf("Queues: %u pointer slots; (a) instructions per enqueue+dequeue pair "
	       "(callgrind, %lu pairs, call included);\n(b) items/s, producer on CPU 0, "
	       "consumer on CPU 1, %lu items, best of 3.\nRatios: to the best peer of "
	       "the same class (Ir: lower is better, <1 beats it; throughput: >1 beats it).\n\n",
	       QSIZE, npairs, items);
	printf("| class | queue    | Ir/pair | Ir vs best peer | Mitems/s | tput vs best peer |\n");
	printf("|-------|----------|--------:|----------------:|---------:|------------------:|\n");
	for (size_t i = 0; i < NQ; i++) {
		double bir = 0, btp = 0;
		for (size_t j = 0; j < NQ; j++) {
			if (!queues[j].peer || strcmp(queues[j].cls, queues[i].cls))
				continue;
			if (ir[j] > 0 && (bir == 0 || ir[j] < bir))
				bir = ir[j];
			if (tp[j] > btp)
				btp = tp[j];
		}
		printf("| %s  | %-8s | %7.1f | %15.2f | %8.1f | %17.2f |\n",
		       queues[i].cls, queues[i].name, ir[i],
		       bir > 0 ? ir[i] / bir : 0, tp[i] / 1e6, btp > 0 ? tp[i] / btp : 0);
	}
	return 0;
}
