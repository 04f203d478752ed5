/*
 * syscall.h - defining system calls.
 *
 *   SYSCALL_DEFINE3(read, int, fd, char *, buf, size_t, count)
 *   {
 *           ...
 *   }
 *
 * defines sys_read with the uniform register signature the dispatch table
 * uses (six uint64_t), and a typed body. Arguments narrower than 64 bits
 * are truncated, as Linux does (an int fd ignores the upper half of rdi).
 * The number comes from kernel/syscalls.tbl; tools/gensyscalls generates
 * the table, in which every entry no file defines answers -ENOSYS.
 *
 * Return a value >= 0 or -errno. Handlers run with interrupts enabled on
 * the calling thread's kernel stack; current_regs() is the user register
 * frame (struct trap_frame) they may change (execve, sigreturn).
 */
#ifndef SYNTHOS_SYSCALL_H
#define SYNTHOS_SYSCALL_H

#include <synthos/types.h>

typedef long (*syscall_fn)(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);

#define NR_SYSCALLS 512

/* The generic table (the default per-thread vector table) and the names. */
extern syscall_fn syscall_table[NR_SYSCALLS];
extern const char *const syscall_names[NR_SYSCALLS];
void syscall_table_init(void);

#define SC_PROTO(name) \
	long sys_##name(uint64_t r0_, uint64_t r1_, uint64_t r2_, uint64_t r3_, uint64_t r4_, uint64_t r5_)
#define SC_UNUSED (void)r0_; (void)r1_; (void)r2_; (void)r3_; (void)r4_; (void)r5_

#define SYSCALL_DEFINE0(name)                                                  \
	static long do_sys_##name(void);                                       \
	SC_PROTO(name) { SC_UNUSED; return do_sys_##name(); }                  \
	static long do_sys_##name(void)

#define SYSCALL_DEFINE1(name, t1, a1)                                          \
	static long do_sys_##name(t1 a1);                                      \
	SC_PROTO(name) { SC_UNUSED; return do_sys_##name((t1)r0_); }           \
	static long do_sys_##name(t1 a1)

#define SYSCALL_DEFINE2(name, t1, a1, t2, a2)                                  \
	static long do_sys_##name(t1 a1, t2 a2);                               \
	SC_PROTO(name) { SC_UNUSED; return do_sys_##name((t1)r0_, (t2)r1_); }  \
	static long do_sys_##name(t1 a1, t2 a2)

#define SYSCALL_DEFINE3(name, t1, a1, t2, a2, t3, a3)                          \
	static long do_sys_##name(t1 a1, t2 a2, t3 a3);                        \
	SC_PROTO(name) { SC_UNUSED;                                            \
		return do_sys_##name((t1)r0_, (t2)r1_, (t3)r2_); }             \
	static long do_sys_##name(t1 a1, t2 a2, t3 a3)

#define SYSCALL_DEFINE4(name, t1, a1, t2, a2, t3, a3, t4, a4)                  \
	static long do_sys_##name(t1 a1, t2 a2, t3 a3, t4 a4);                 \
	SC_PROTO(name) { SC_UNUSED;                                            \
		return do_sys_##name((t1)r0_, (t2)r1_, (t3)r2_, (t4)r3_); }    \
	static long do_sys_##name(t1 a1, t2 a2, t3 a3, t4 a4)

#define SYSCALL_DEFINE5(name, t1, a1, t2, a2, t3, a3, t4, a4, t5, a5)          \
	static long do_sys_##name(t1 a1, t2 a2, t3 a3, t4 a4, t5 a5);          \
	SC_PROTO(name) { SC_UNUSED;                                            \
		return do_sys_##name((t1)r0_, (t2)r1_, (t3)r2_, (t4)r3_, (t5)r4_); } \
	static long do_sys_##name(t1 a1, t2 a2, t3 a3, t4 a4, t5 a5)

#define SYSCALL_DEFINE6(name, t1, a1, t2, a2, t3, a3, t4, a4, t5, a5, t6, a6)  \
	static long do_sys_##name(t1 a1, t2 a2, t3 a3, t4 a4, t5 a5, t6 a6);   \
	SC_PROTO(name) { SC_UNUSED;                                            \
		return do_sys_##name((t1)r0_, (t2)r1_, (t3)r2_, (t4)r3_, (t5)r4_, (t6)r5_); } \
	static long do_sys_##name(t1 a1, t2 a2, t3 a3, t4 a4, t5 a5, t6 a6)

#endif
