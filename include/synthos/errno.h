/*
 * errno.h - error numbers, with Linux's x86-64 values.
 *
 * The values are the Linux ABI's: kernel functions return -ERRNO and the
 * system-call layer hands that straight to user space, so they must match.
 */
#ifndef SYNTHOS_ERRNO_H
#define SYNTHOS_ERRNO_H

#define EPERM            1
#define ENOENT           2
#define ESRCH            3
#define EINTR            4
#define EIO              5
#define ENXIO            6
#define E2BIG            7
#define ENOEXEC          8
#define EBADF            9
#define ECHILD          10
#define EAGAIN          11
#define ENOMEM          12
#define EACCES          13
#define EFAULT          14
#define ENOTBLK         15
#define EBUSY           16
#define EEXIST          17
#define EXDEV           18
#define ENODEV          19
#define ENOTDIR         20
#define EISDIR          21
#define EINVAL          22
#define ENFILE          23
#define EMFILE          24
#define ENOTTY          25
#define ETXTBSY         26
#define EFBIG           27
#define ENOSPC          28
#define ESPIPE          29
#define EROFS           30
#define EMLINK          31
#define EPIPE           32
#define EDOM            33
#define ERANGE          34
#define EDEADLK         35
#define ENAMETOOLONG    36
#define ENOLCK          37
#define ENOSYS          38
#define ENOTEMPTY       39
#define ELOOP           40
#define ENOMSG          42
#define ENODATA         61
#define ETIME           62
#define EOVERFLOW       75
#define EILSEQ          84
#define ENOTSOCK        88
#define EOPNOTSUPP      95
#define EAFNOSUPPORT    97
#define EADDRINUSE      98
#define ETIMEDOUT      110
#define EALREADY       114
#define EINPROGRESS    115
#define ECANCELED      125


/*
 * Kernel-internal: never seen by user space. A blocking call interrupted by
 * a signal returns one of these; the signal code turns it into EINTR or
 * restarts the call (Linux's semantics, same numbers).
 *   ERESTARTSYS    restart if the handler has SA_RESTART or there is no handler
 *   ERESTARTNOINTR always restart
 *   ERESTARTNOHAND restart only if no handler ran (poll, select, pause...)
 */
#define ERESTARTSYS    512
#define ERESTARTNOINTR 513
#define ERESTARTNOHAND 514

#endif
