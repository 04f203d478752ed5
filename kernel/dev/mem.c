/*
 * mem.c - the memory character devices (major 1) and the kernel's random
 * number generator: /dev/null (1,3), /dev/zero (1,5), /dev/full (1,7),
 * /dev/random (1,8), /dev/urandom (1,9), and getrandom(2).
 *
 * The generator is a ChaCha20 stream keyed by a 256-bit secret, used with
 * "fast key erasure": every request first draws one ChaCha20 block from the
 * secret key, whose first half replaces the secret and whose second half
 * keys the request's own stream. The secret is therefore never the key of
 * any output anybody saw, so reading the state later reveals nothing about
 * earlier output; and a large request is generated outside the lock, from
 * its private key. Entropy (RDRAND/RDSEED when CPUID has them, the jitter
 * of rdtsc against loops of varying length, writes to /dev/random) is mixed
 * in by XORing it into the key and rekeying through one ChaCha20 block.
 *
 * As on Linux since 5.18, /dev/random and /dev/urandom are the same stream
 * and never block once the generator is seeded, which happens the first
 * time anything asks (random_init() at boot just makes it early).
 *
 * Locking: crng_lock (a spinlock, interrupts masked) protects crng_key,
 * crng_seeded and crng_generation. Nothing else in this file has shared
 * state; a request's private stream lives on its caller's stack.
 */
#include <synthos/devices.h>
#include <synthos/errno.h>
#include <synthos/proc.h>
#include <synthos/spinlock.h>
#include <synthos/string.h>
#include <synthos/syscall.h>
#include <synthos/time.h>
#include <synthos/uaccess.h>
#include <synthos/vfs.h>
#include <arch/cpu.h>
#include <arch/page.h>

/* ---- ChaCha20 (RFC 8439 block function; 64-bit counter, 64-bit nonce) ---- */

#define ROTL32(v, n) (((v) << (n)) | ((v) >> (32 - (n))))
#define QR(a, b, c, d) do {                                   \
	a += b; d ^= a; d = ROTL32(d, 16);                    \
	c += d; b ^= c; b = ROTL32(b, 12);                    \
	a += b; d ^= a; d = ROTL32(d, 8);                     \
	c += d; b ^= c; b = ROTL32(b, 7);                     \
} while (0)

void chacha20_block(const uint32_t key[8], uint64_t counter, uint64_t nonce,
		    uint32_t out[16])
{
	uint32_t in[16] = {
		0x61707865, 0x3320646e, 0x79622d32, 0x6b206574,   /* "expand 32-byte k" */
		key[0], key[1], key[2], key[3], key[4], key[5], key[6], key[7],
		(uint32_t)counter, (uint32_t)(counter >> 32),
		(uint32_t)nonce, (uint32_t)(nonce >> 32),
	};
	uint32_t x[16];
	memcpy(x, in, sizeof(x));
	for (int i = 0; i < 10; i++) {
		QR(x[0], x[4], x[8], x[12]);        /* columns */
		QR(x[1], x[5], x[9], x[13]);
		QR(x[2], x[6], x[10], x[14]);
		QR(x[3], x[7], x[11], x[15]);
		QR(x[0], x[5], x[10], x[15]);       /* diagonals */
		QR(x[1], x[6], x[11], x[12]);
		QR(x[2], x[7], x[8], x[13]);
		QR(x[3], x[4], x[9], x[14]);
	}
	for (int i = 0; i < 16; i++)
		out[i] = x[i] + in[i];
}

/* ---- the generator ---- */

static spinlock_t crng_lock = SPINLOCK_INIT;
static uint32_t crng_key[8];            /* crng_lock */
static bool crng_seeded;                /* crng_lock */
static uint64_t crng_generation;        /* requests served; crng_lock */

#define MIX_NONCE 0x78696d2d676e7263ULL /* "crng-mix": domain of rekeying blocks */

/* XOR data into the key and rekey through one block. Caller holds crng_lock. */
static void crng_mix_locked(const void *data, size_t n)
{
	const uint8_t *p = data;
	while (n) {
		size_t chunk = MIN(n, sizeof(crng_key));
		uint8_t *k = (uint8_t *)crng_key;
		for (size_t i = 0; i < chunk; i++)
			k[i] ^= p[i];
		uint32_t blk[16];
		chacha20_block(crng_key, crng_generation++, MIX_NONCE, blk);
		memcpy(crng_key, blk, sizeof(crng_key));
		memset(blk, 0, sizeof(blk));
		p += chunk;
		n -= chunk;
	}
}

static bool cpu_has_rdrand(void)
{
	uint32_t a, b, c, d;
	cpuid_count(1, 0, &a, &b, &c, &d);
	return c & (1u << 30);
}

static bool cpu_has_rdseed(void)
{
	uint32_t a, b, c, d;
	cpuid_count(0, 0, &a, &b, &c, &d);
	if (a < 7)
		return false;
	cpuid_count(7, 0, &a, &b, &c, &d);
	return b & (1u << 18);
}

static bool rdrand64(uint64_t *v)
{
	for (int tries = 0; tries < 10; tries++) {
		uint8_t ok;
		__asm__ __volatile__("rdrand %0; setc %1" : "=r"(*v), "=qm"(ok) :: "cc");
		if (ok)
			return true;
	}
	return false;
}

static bool rdseed64(uint64_t *v)
{
	for (int tries = 0; tries < 100; tries++) {
		uint8_t ok;
		__asm__ __volatile__("rdseed %0; setc %1" : "=r"(*v), "=qm"(ok) :: "cc");
		if (ok)
			return true;
		arch_cpu_relax();
	}
	return false;
}

/*
 * Timing jitter: the low bits of rdtsc around loops whose length depends on
 * the previous sample. Weak on an emulator (TCG's TSC is deterministic-ish),
 * which is why it is only one of the sources.
 */
static uint64_t tsc_jitter(void)
{
	uint64_t acc = 0;
	for (int i = 0; i < 64; i++) {
		uint64_t t0 = rdtsc();
		volatile uint32_t spin = (uint32_t)(acc & 0xff) + 16;
		while (spin)
			spin = spin - 1;
		uint64_t dt = rdtsc() - t0;
		acc = ROTL32((uint32_t)acc, 5) ^ (acc << 7) ^ dt ^ (t0 << 32);
	}
	return acc;
}

/* Caller holds crng_lock. */
static void crng_seed_locked(void)
{
	uint64_t pool[36];
	int n = 0;
	bool rdseed = cpu_has_rdseed(), rdrand = cpu_has_rdrand();

	for (int i = 0; i < 16; i++) {
		uint64_t v;
		if (rdseed && rdseed64(&v))
			pool[n++] = v;
		if (rdrand && rdrand64(&v))
			pool[n++] = v;
	}
	pool[n++] = tsc_jitter();
	pool[n++] = rdtsc() ^ time_ns() ^ (jiffies << 40);
	pool[n++] = (uint64_t)(uintptr_t)&pool;     /* the stack slot */
	pool[n++] = tsc_jitter();
	crng_mix_locked(pool, n * sizeof(pool[0]));
	memset(pool, 0, sizeof(pool));
	crng_seeded = true;
}

/*
 * One request's private key, by fast key erasure. The nonce folds in the
 * TSC so that even two requests from identical states differ.
 */
static void crng_take_key(uint32_t key[8])
{
	uint32_t blk[16];
	unsigned long fl = spin_lock_irqsave(&crng_lock);
	if (!crng_seeded)
		crng_seed_locked();
	chacha20_block(crng_key, crng_generation++, rdtsc(), blk);
	memcpy(crng_key, blk, 32);
	spin_unlock_irqrestore(&crng_lock, fl);
	memcpy(key, blk + 8, 32);
	memset(blk, 0, sizeof(blk));
}

void random_init(void)
{
	unsigned long fl = spin_lock_irqsave(&crng_lock);
	if (!crng_seeded)
		crng_seed_locked();
	spin_unlock_irqrestore(&crng_lock, fl);
}

void random_mix(const void *data, size_t n)
{
	uint64_t t = rdtsc();
	unsigned long fl = spin_lock_irqsave(&crng_lock);
	crng_mix_locked(data, n);
	crng_mix_locked(&t, sizeof(t));
	spin_unlock_irqrestore(&crng_lock, fl);
}

void get_random_bytes(void *buf, size_t n)
{
	uint32_t key[8], blk[16];
	uint8_t *p = buf;
	crng_take_key(key);
	for (uint64_t ctr = 0; n; ctr++) {
		chacha20_block(key, ctr, 0, blk);
		size_t chunk = MIN(n, sizeof(blk));
		memcpy(p, blk, chunk);
		p += chunk;
		n -= chunk;
	}
	memset(key, 0, sizeof(key));
	memset(blk, 0, sizeof(blk));
}

uint64_t get_random_u64(void)
{
	uint64_t v;
	get_random_bytes(&v, sizeof(v));
	return v;
}

/*
 * Fill n bytes through a uio: what both read(/dev/urandom) and getrandom(2)
 * do. Linux checks for signals once per page and returns the partial count
 * when one is pending; a fault returns what was copied, or -EFAULT if
 * nothing was.
 */
static ssize_t random_read_uio(struct uio *u, size_t n)
{
	uint32_t key[8], blk[16];
	size_t done = 0;
	crng_take_key(key);
	for (uint64_t ctr = 0; done < n; ctr++) {
		chacha20_block(key, ctr, 0, blk);
		size_t chunk = MIN(n - done, sizeof(blk));
		size_t moved = uio_copy_out_some(u, blk, chunk);
		done += moved;
		if (moved < chunk) {
			if (!done)
				done = (size_t)-EFAULT;
			break;
		}
		if (done < n && done % PAGE_SIZE == 0 && current_signal_pending())
			break;
	}
	memset(key, 0, sizeof(key));
	memset(blk, 0, sizeof(blk));
	return (ssize_t)done;
}

/* ---- getrandom(2) ---- */

SYSCALL_DEFINE3(getrandom, char *, ubuf, size_t, len, unsigned int, flags)
{
	if (flags & ~(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE))
		return -EINVAL;
	if ((flags & (GRND_INSECURE | GRND_RANDOM)) == (GRND_INSECURE | GRND_RANDOM))
		return -EINVAL;
	/* Seeded from the first request on, so no flag ever has to wait. */
	if (len > (size_t)MAX_RW_COUNT)
		len = MAX_RW_COUNT;
	if (!access_ok(ubuf, len))
		return -EFAULT;
	if (!len)
		return 0;
	struct uio u = { .base = ubuf, .user = true };
	return random_read_uio(&u, len);
}

/* ---- the devices ---- */

static ssize_t null_read(struct file *f, struct uio *u, size_t n, uint64_t *pos)
{
	return 0;
}

static ssize_t null_write(struct file *f, struct uio *u, size_t n, uint64_t *pos)
{
	return (ssize_t)n;
}

/* Linux's null_lseek: any seek succeeds and leaves the position at 0. */
static int64_t null_llseek(struct file *f, int64_t off, int whence)
{
	f->pos = 0;
	return 0;
}

static ssize_t zero_read(struct file *f, struct uio *u, size_t n, uint64_t *pos)
{
	size_t done = 0;
	if (!u->user) {
		memset(u->base, 0, n);
		u->base += n;
		return (ssize_t)n;
	}
	while (done < n) {
		size_t chunk = MIN(n - done, (size_t)PAGE_SIZE);
		size_t moved = uio_zero_some(u, chunk);
		done += moved;
		if (moved < chunk)              /* a fault: the bytes so far, as Linux */
			return done ? (ssize_t)done : -EFAULT;
		if (done < n && current_signal_pending())
			break;
	}
	return (ssize_t)done;
}

static ssize_t full_write(struct file *f, struct uio *u, size_t n, uint64_t *pos)
{
	return -ENOSPC;
}

static ssize_t random_read(struct file *f, struct uio *u, size_t n, uint64_t *pos)
{
	if (n > (size_t)MAX_RW_COUNT)
		n = MAX_RW_COUNT;
	return n ? random_read_uio(u, n) : 0;
}

/* Writing to /dev/random or /dev/urandom mixes the data in (no entropy credit). */
static ssize_t random_write(struct file *f, struct uio *u, size_t n, uint64_t *pos)
{
	uint8_t buf[256];
	size_t done = 0;
	while (done < n) {
		size_t chunk = MIN(n - done, sizeof(buf));
		size_t moved = uio_copy_in_some(buf, u, chunk);
		random_mix(buf, moved);
		done += moved;
		if (moved < chunk) {
			if (!done)
				done = (size_t)-EFAULT;
			break;                  /* and the buffer is still wiped */
		}
	}
	memset(buf, 0, sizeof(buf));
	return (ssize_t)done;
}

/* RNDGETENTCNT: tools that wait for "enough entropy" see a full pool. */
#define RNDGETENTCNT 0x80045200
static long random_ioctl(struct file *f, unsigned cmd, uint64_t arg)
{
	if (cmd == RNDGETENTCNT)
		return put_user(256, (int *)arg) ? -EFAULT : 0;
	return -ENOTTY;
}

static const struct file_ops null_ops = {
	.read = null_read, .write = null_write, .llseek = null_llseek,
};
static const struct file_ops zero_ops = {
	.read = zero_read, .write = null_write, .llseek = null_llseek,
};
static const struct file_ops full_ops = {
	.read = zero_read, .write = full_write, .llseek = null_llseek,
};
static const struct file_ops random_ops = {
	.read = random_read, .write = random_write, .llseek = noop_llseek,
	.ioctl = random_ioctl,
};

void mem_devices_init(void)
{
	random_init();
	chrdev_register(MEM_MAJOR, 3, 1, &null_ops);
	chrdev_register(MEM_MAJOR, 5, 1, &zero_ops);
	chrdev_register(MEM_MAJOR, 7, 1, &full_ops);
	chrdev_register(MEM_MAJOR, 8, 1, &random_ops);
	chrdev_register(MEM_MAJOR, 9, 1, &random_ops);
}
