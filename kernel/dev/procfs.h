/*
 * procfs.h - what the files of /proc share and nobody else needs:
 * procfs.c (the filesystem type, the top level, the directory and file
 * machinery), procfs_pid.c (/proc/<pid>) and procfs_synth.c (/proc/synth).
 *
 * An inode's number says what it stands for: (pid << 32) | sub, pid 0 for
 * everything that is not under /proc/<pid>. The sub-numbers of the two
 * namespaces are below; each file decodes its own.
 */
#ifndef KERNEL_DEV_PROCFS_H
#define KERNEL_DEV_PROCFS_H

#include <synthos/format.h>
#include <synthos/proc.h>
#include <synthos/vfs.h>

/* sub-numbers, pid 0 */
#define SUB_ROOT        1               /* /proc itself: inode number 1 */
#define SUB_SELF        2
#define SUB_SYNTH       4               /* /proc/synth */
#define SUB_SYNTH_LIST  5               /* /proc/synth/regions */
#define SUB_REGION      0x80000000u     /* + (id << 2) + REGION_*: /proc/synth/<id>/... */
#define REGION_DIR      0
#define REGION_CODE     1
#define REGION_INFO     2
#define REGION_ID_MAX   ((int)((0xffffffffu - SUB_REGION) >> 2))
/* sub-numbers, pid > 0 */
#define SUB_DIR         0               /* /proc/<pid> */
#define SUB_FDDIR       3
/* both: an entry of root_entries (pid 0) or pid_entries (pid > 0) */
#define SUB_FILE        16              /* + index */
#define SUB_FD          0x10000         /* + descriptor (pid > 0) */

static inline int ino_pid(const struct inode *ino) { return (int)(ino->ino >> 32); }
static inline uint32_t ino_sub(const struct inode *ino) { return (uint32_t)ino->ino; }
static inline uint64_t mkino(int pid, uint32_t sub) { return ((uint64_t)pid << 32) | sub; }

/* A file's text, built whole at open (see procfs.c). */
struct pbuf {
	char *buf;
	size_t len, cap;
	bool oom;
};
void pb_write(struct pbuf *b, const void *s, size_t n);
__printf(2, 3) void pb_printf(struct pbuf *b, const char *fmt, ...);

/* A fixed entry of a directory: a generated file or a magic link. */
struct pentry {
	const char *name;
	uint32_t mode;
	void (*gen)(struct pbuf *b, struct proc *p);
	/* magic links: the target inode (borrowed) */
	struct inode *(*link)(struct proc *p);
};

/* procfs.c */
struct inode *proc_inode(struct super_block *sb, int pid, uint32_t sub, uint32_t mode);
const struct pentry *entry_of(const struct inode *ino);
struct proc *live_proc(int pid);            /* NULL if there is none or it is reaped */
bool name_is(const char *name, size_t len, const char *s);
long parse_num(const char *name, size_t len);
void gen_mounts(struct pbuf *b, struct proc *unused);

/* procfs_pid.c: /proc/<pid> and below. The lookup answers ".." too. */
extern const struct pentry pid_entries[];
extern const size_t pid_nentries;
extern const struct inode_ops procfs_pid_link_iops;
int procfs_pid_lookup(struct inode *dir, const char *name, size_t len, struct inode **res);
int procfs_pid_iterate(struct file *f, dir_emit_t emit, void *ctx);
void proc_times(struct proc *p, uint64_t *ut, uint64_t *st);

/* procfs_synth.c: /proc/synth and below. The lookup answers ".." too. */
bool procfs_synth_ino(const struct inode *ino);
int procfs_synth_lookup(struct inode *dir, const char *name, size_t len, struct inode **res);
int procfs_synth_iterate(struct file *f, dir_emit_t emit, void *ctx);
int procfs_synth_gen(struct inode *ino, struct pbuf *b);

#endif
