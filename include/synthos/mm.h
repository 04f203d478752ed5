/*
 * mm.h - memory management bring-up (kernel/meminit.c) and user address
 * spaces (kernel/mm/vm.c, kernel/mm/mmap.c, arch/x86_64/pgtable.c).
 *
 * A user address space (struct mm) is a page table whose upper half is the
 * kernel's (shared PML4 entries) and a sorted list of areas (struct vma).
 * Pages come in on demand from the page-fault handler: zero pages for
 * anonymous memory, a copy of the file for private file mappings, and a
 * copy on the first write after fork (copy-on-write). A page shared by
 * several page tables (fork, MAP_SHARED) carries a reference count in its
 * struct page; it is freed when the last mapping goes.
 *
 * Locking: single CPU and a non-preemptive kernel: an mm changes only in
 * system calls and faults of its own threads, which never run at once.
 */
#ifndef SYNTHOS_MM_H
#define SYNTHOS_MM_H

#include <synthos/list.h>
#include <synthos/types.h>

void mm_init(void);

#define PROT_NONE  0
#define PROT_READ  1
#define PROT_WRITE 2
#define PROT_EXEC  4

#define MAP_SHARED    0x01
#define MAP_PRIVATE   0x02
#define MAP_TYPE      0x0f
#define MAP_FIXED     0x10
#define MAP_ANONYMOUS 0x20
#define MAP_GROWSDOWN 0x0100
#define MAP_DENYWRITE 0x0800
#define MAP_EXECUTABLE 0x1000
#define MAP_LOCKED    0x2000
#define MAP_NORESERVE 0x4000
#define MAP_POPULATE  0x8000
#define MAP_NONBLOCK  0x10000
#define MAP_STACK     0x20000
#define MAP_HUGETLB   0x40000
#define MAP_FIXED_NOREPLACE 0x100000

#define MREMAP_MAYMOVE 1
#define MREMAP_FIXED   2

struct file;

struct vma {
	uint64_t start, end;            /* [start, end), page-aligned */
	unsigned prot;                  /* PROT_* */
	unsigned flags;                 /* MAP_SHARED or MAP_PRIVATE, MAP_ANONYMOUS, MAP_GROWSDOWN */
	struct file *file;              /* holds a reference; NULL for anonymous */
	uint64_t offset;                /* file offset of start */
	struct list_head link;          /* mm->vmas, sorted by start */
};

struct mm {
	int refcount;                   /* threads (CLONE_VM) sharing it */
	uint64_t *pml4;                 /* kernel virtual address */
	struct list_head vmas;
	uint64_t brk_start, brk;        /* heap: [brk_start, brk) */
	uint64_t mmap_base;             /* mmap without a hint searches down from here */
	uint64_t stack_top;
	uint64_t arg_start, arg_end, env_start, env_end;
	size_t rss_pages;
};

/* Where things go in a new address space (like Linux without ASLR). */
#define USER_STACK_TOP   0x00007ffffffde000UL
#define USER_STACK_MAX   (8UL << 20)
#define USER_MMAP_BASE   0x00007ffff7fff000UL
#define USER_PIE_BASE    0x0000555555554000UL

struct mm *mm_new(void);                    /* empty; NULL on ENOMEM */
struct mm *mm_fork(struct mm *parent);      /* copy-on-write copy; NULL on ENOMEM */
struct mm *mm_get(struct mm *mm);
void mm_put(struct mm *mm);                 /* last put frees pages and tables */
uint64_t mm_pml4_phys(struct mm *mm);

/* mmap's core: returns the address or -errno. */
int64_t mm_map(struct mm *mm, uint64_t addr, uint64_t len, unsigned prot, unsigned flags,
	       struct file *file, uint64_t offset);
int mm_unmap(struct mm *mm, uint64_t addr, uint64_t len);
int mm_protect(struct mm *mm, uint64_t addr, uint64_t len, unsigned prot);
struct vma *mm_find_vma(struct mm *mm, uint64_t addr);  /* containing addr, or NULL */
int64_t mm_remap(struct mm *mm, uint64_t old, uint64_t old_len, uint64_t new_len,
		 unsigned flags, uint64_t new_addr);
int mm_discard(struct mm *mm, uint64_t addr, uint64_t len);   /* MADV_DONTNEED */
/* Copy into user memory of mm (not necessarily current's), faulting pages in. */
int mm_copy_to(struct mm *mm, uint64_t uaddr, const void *src, size_t n);

/*
 * The page-fault handler's core: resolve a fault at addr in the current
 * address space. write/exec describe the access. 0 if the page is now
 * mapped; -EFAULT if nothing is mapped there (SIGSEGV, SEGV_MAPERR);
 * -EACCES if the area forbids the access (SIGSEGV, SEGV_ACCERR); -EIO for
 * a file page past the end of the file (SIGBUS); -ENOMEM.
 */
int mm_handle_fault(uint64_t addr, bool write, bool exec);

/* ---- page tables (arch/x86_64/pgtable.c) ---- */
uint64_t *pgtable_new_user(void);               /* lower half empty, upper half the kernel's */
void pgtable_free_user(uint64_t *pml4);         /* frees the lower-half tables, not the pages */
/* The 4 KiB leaf entry or NULL. Only an entry got with alloc = true may be
 * made present (the walks skip stretches of a table nobody asked to fill);
 * one got without it may be changed or cleared if present. */
uint64_t *pgtable_pte(uint64_t *pml4, uint64_t va, bool alloc);
uint64_t pgtable_make_pte(uint64_t pa, unsigned prot, bool writable);
uint64_t pgtable_pte_phys(uint64_t pte);
bool pgtable_pte_present(uint64_t pte);
bool pgtable_pte_writable(uint64_t pte);
void pgtable_flush(uint64_t *pml4, uint64_t va);   /* TLB, if pml4 is live */
void pgtable_flush_all(uint64_t *pml4);
/* Calls fn for each present leaf in [start, end). */
void pgtable_walk(uint64_t *pml4, uint64_t start, uint64_t end,
		  void (*fn)(uint64_t va, uint64_t *pte, void *ctx), void *ctx);
/* fork: calls fn for each present leaf of src in [start, end) with the
 * entry of dst for the same address, making dst's tables on the way (only
 * where src has a table). 0, or -ENOMEM if a table could not be made. */
int pgtable_copy_range(uint64_t *src, uint64_t *dst, uint64_t start, uint64_t end,
		       void (*fn)(uint64_t va, uint64_t *spte, uint64_t *dpte, void *ctx), void *ctx);
uint64_t kernel_pml4_phys(void);

#endif
