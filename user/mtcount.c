/*
 * mtcount - 8 POSIX threads increment a shared counter under a mutex,
 * signalling a condition variable after every increment; the main thread
 * waits on the condition variable until the count is complete, joins the
 * threads and prints the final count. Exit status 0 iff the count is
 * exactly NTHREADS * PER_THREAD.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#define NTHREADS   8
#define PER_THREAD 20000

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;
static long counter;
static int finished;

static void *worker(void *arg)
{
	(void)arg;
	for (int i = 0; i < PER_THREAD; i++) {
		pthread_mutex_lock(&lock);
		counter++;
		pthread_cond_signal(&changed);
		pthread_mutex_unlock(&lock);
	}
	pthread_mutex_lock(&lock);
	finished++;
	pthread_cond_broadcast(&changed);
	pthread_mutex_unlock(&lock);
	return NULL;
}

int main(void)
{
	pthread_t t[NTHREADS];
	const long expected = (long)NTHREADS * PER_THREAD;

	for (int i = 0; i < NTHREADS; i++) {
		int e = pthread_create(&t[i], NULL, worker, NULL);
		if (e) {
			fprintf(stderr, "mtcount: pthread_create: %s\n", strerror(e));
			return 1;
		}
	}
	pthread_mutex_lock(&lock);
	while (finished < NTHREADS)
		pthread_cond_wait(&changed, &lock);
	long final = counter;
	pthread_mutex_unlock(&lock);
	for (int i = 0; i < NTHREADS; i++)
		pthread_join(t[i], NULL);

	printf("mtcount: %ld (expected %ld)\n", final, expected);
	return final == expected ? 0 : 1;
}
