/*
 * vm.c - user address spaces: areas, page faults, fork's copy-on-write.
 *
 * See include/synthos/mm.h for the model. The rules a page follows:
 *  - anonymous private: a zeroed page on first touch;
 *  - anonymous shared: populated when mapped (so fork shares every page);
 *  - private file mapping: a copy of the file's bytes on first touch;
 *  - shared file mapping: the file's own page (vfs_get_page), so the
 *    mapping and read/write see the same bytes;
 *  - after fork, a private writable page is mapped read-only in both
 *    processes with its reference count raised; the first write copies it
 *    (or just re-enables writing if the count fell back to one).
 * A present page whose PTE lacks W inside a writable private area is
 * therefore copy-on-write; anything else without permission is SIGSEGV.
 */
#include <synthos/errno.h>
#include <synthos/log.h>
#include <synthos/mm.h>
#include <synthos/page_alloc.h>
#include <synthos/panic.h>
#include <synthos/proc.h>
#include <synthos/slab.h>
#include <synthos/string.h>
#include <synthos/uaccess.h>
#include <synthos/vfs.h>
#include <arch/page.h>

static void page_ref_get(struct page *pg)
{
	pg->refcount++;
}

static void page_ref_put(struct page *pg)
{
	BUG_ON(pg->refcount == 0);
	if (--pg->refcount == 0)
		free_pages(pg, 0);
}

/* A fresh user page, owned once. */
static struct page *user_page_alloc(bool zero)
{
	struct page *pg = alloc_pages(0);
	if (!pg)
		return NULL;
	if (zero)
		memset(page_to_virt(pg), 0, PAGE_SIZE);
	pg->refcount = 1;
	return pg;
}

struct mm *mm_new(void)
{
	struct mm *mm = kzalloc(sizeof(*mm));
	if (!mm)
		return NULL;
	mm->pml4 = pgtable_new_user();
	if (!mm->pml4) {
		kfree(mm);
		return NULL;
	}
	mm->refcount = 1;
	list_init(&mm->vmas);
	mm->mmap_base = USER_MMAP_BASE;
	return mm;
}

struct mm *mm_get(struct mm *mm)
{
	mm->refcount++;
	return mm;
}

uint64_t mm_pml4_phys(struct mm *mm)
{
	return virt_to_phys(mm->pml4);
}

struct vma *mm_find_vma(struct mm *mm, uint64_t addr)
{
	struct list_head *pos;
	list_for_each(pos, &mm->vmas) {
		struct vma *v = list_entry(pos, struct vma, link);
		if (addr < v->start)
			return NULL;
		if (addr < v->end)
			return v;
	}
	return NULL;
}

static void vma_insert(struct mm *mm, struct vma *n)
{
	struct list_head *pos;
	list_for_each(pos, &mm->vmas) {
		struct vma *v = list_entry(pos, struct vma, link);
		if (v->start > n->start)
			break;
	}
	list_add_tail(&n->link, pos);   /* before pos */
}

static void vma_free(struct vma *v)
{
	if (v->file)
		file_put(v->file);
	kfree(v);
}

/* Split v at addr (inside it); returns the upper part, or NULL on ENOMEM. */
static struct vma *vma_split(struct vma *v, uint64_t addr)
{
	struct vma *hi = kmalloc(sizeof(*hi));
	if (!hi)
		return NULL;
	*hi = *v;
	hi->start = addr;
	if (hi->file) {
		hi->offset += addr - v->start;
		file_get(hi->file);
	}
	v->end = addr;
	list_add(&hi->link, &v->link);
	return hi;
}

struct unmap_ctx {
	struct mm *mm;
};

static void unmap_pte(uint64_t va, uint64_t *pte, void *ctx)
{
	struct mm *mm = ((struct unmap_ctx *)ctx)->mm;
	struct page *pg = phys_to_page(pgtable_pte_phys(*pte));
	*pte = 0;
	pgtable_flush(mm->pml4, va);
	if (pg)
		page_ref_put(pg);
	mm->rss_pages--;
}

static void unmap_pages(struct mm *mm, uint64_t start, uint64_t end)
{
	struct unmap_ctx c = { mm };
	pgtable_walk(mm->pml4, start, end, unmap_pte, &c);
}

int mm_unmap(struct mm *mm, uint64_t addr, uint64_t len)
{
	if (!IS_ALIGNED(addr, PAGE_SIZE) || len == 0)
		return -EINVAL;
	uint64_t end = ALIGN_UP(addr + len, PAGE_SIZE);
	if (end < addr || end > USER_TOP)
		return -EINVAL;
	struct list_head *pos, *tmp;
	list_for_each_safe(pos, tmp, &mm->vmas) {
		struct vma *v = list_entry(pos, struct vma, link);
		if (v->end <= addr || v->start >= end)
			continue;
		if (v->start < addr) {
			if (!vma_split(v, addr))
				return -ENOMEM;
			tmp = v->link.next;       /* the upper part is next */
			continue;
		}
		if (v->end > end) {
			if (!vma_split(v, end))
				return -ENOMEM;
		}
		unmap_pages(mm, v->start, v->end);
		list_del(&v->link);
		vma_free(v);
	}
	return 0;
}

#define MMAP_MIN_ADDR 0x10000UL

static bool range_free(struct mm *mm, uint64_t addr, uint64_t len)
{
	struct list_head *pos;
	list_for_each(pos, &mm->vmas) {
		struct vma *v = list_entry(pos, struct vma, link);
		if (v->start < addr + len && v->end > addr)
			return false;
	}
	return true;
}

/* A free range of len bytes: the hint if it is free, else the highest gap
 * below mm->mmap_base (Linux's top-down layout). 0 if none. */
static uint64_t find_free(struct mm *mm, uint64_t len, uint64_t hint)
{
	if (hint >= MMAP_MIN_ADDR && hint + len <= USER_TOP && hint + len > hint &&
	    range_free(mm, hint, len))
		return hint;
	uint64_t top = mm->mmap_base;
	struct list_head *pos;
	for (pos = mm->vmas.prev; pos != &mm->vmas; pos = pos->prev) {
		struct vma *v = list_entry(pos, struct vma, link);
		if (v->start >= top)
			continue;                     /* above the window */
		if (top >= len && v->end <= top - len)
			return top - len;             /* the gap above v fits */
		top = v->start;
	}
	return top >= len + MMAP_MIN_ADDR ? top - len : 0;
}

static int populate(struct mm *mm, uint64_t start, uint64_t end, bool write);

int64_t mm_map(struct mm *mm, uint64_t addr, uint64_t len, unsigned prot, unsigned flags,
	       struct file *file, uint64_t offset)
{
	unsigned type = flags & MAP_TYPE;
	if (len == 0 || (type != MAP_SHARED && type != MAP_PRIVATE))
		return -EINVAL;
	if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC))
		return -EINVAL;
	if (!IS_ALIGNED(offset, PAGE_SIZE))
		return -EINVAL;
	uint64_t size = ALIGN_UP(len, PAGE_SIZE);
	if (size < len || size > USER_TOP)
		return -ENOMEM;

	if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
		if (!IS_ALIGNED(addr, PAGE_SIZE))
			return -EINVAL;
		if (addr + size > USER_TOP || addr + size < addr)
			return -ENOMEM;
		if (flags & MAP_FIXED_NOREPLACE) {
			if (!range_free(mm, addr, size))
				return -EEXIST;
		} else {
			int r = mm_unmap(mm, addr, size);
			if (r)
				return r;
		}
	} else {
		addr = find_free(mm, size, ALIGN_DOWN(addr, PAGE_SIZE));
		if (!addr)
			return -ENOMEM;
	}

	struct vma *v = kzalloc(sizeof(*v));
	if (!v)
		return -ENOMEM;
	v->start = addr;
	v->end = addr + size;
	v->prot = prot;
	v->flags = flags & (MAP_TYPE | MAP_ANONYMOUS | MAP_GROWSDOWN);
	v->file = file ? file_get(file) : NULL;
	v->offset = offset;
	vma_insert(mm, v);

	if (!file && type == MAP_SHARED) {
		/* Shared anonymous memory is populated now, so that every page
		 * exists before a fork can share it. */
		int r = populate(mm, v->start, v->end, false);
		if (r) {
			mm_unmap(mm, addr, size);
			return r;
		}
	}
	return (int64_t)addr;
}

/* Make the page at addr present (and writable if write) in mm. */
static int fault_in(struct mm *mm, struct vma *v, uint64_t addr, bool write)
{
	addr = ALIGN_DOWN(addr, PAGE_SIZE);
	uint64_t *pte = pgtable_pte(mm->pml4, addr, true);
	if (!pte)
		return -ENOMEM;
	bool shared = (v->flags & MAP_TYPE) == MAP_SHARED;

	if (pgtable_pte_present(*pte)) {
		if (!write || pgtable_pte_writable(*pte))
			return 0;                       /* already fine (spurious) */
		/* Copy-on-write. */
		struct page *old = phys_to_page(pgtable_pte_phys(*pte));
		BUG_ON(!old || shared);
		if (old->refcount == 1) {
			*pte = pgtable_make_pte(page_to_phys(old), v->prot, true);
		} else {
			struct page *pg = user_page_alloc(false);
			if (!pg)
				return -ENOMEM;
			memcpy(page_to_virt(pg), page_to_virt(old), PAGE_SIZE);
			*pte = pgtable_make_pte(page_to_phys(pg), v->prot, true);
			page_ref_put(old);
		}
		pgtable_flush(mm->pml4, addr);
		return 0;
	}

	if (v->file) {
		/* A page wholly past the end of the file: SIGBUS, as on Linux. */
		uint64_t off = v->offset + (addr - v->start);
		if (off >= ALIGN_UP(file_size(v->file), PAGE_SIZE))
			return -EIO;
		if (shared) {
			/* The file's own page: writes through the mapping are
			 * writes to the file, and read(2) sees them. */
			struct page *fp;
			int r = vfs_get_page(v->file, off, &fp);
			if (r)
				return r == -ENOMEM ? -ENOMEM : -EIO;
			*pte = pgtable_make_pte(page_to_phys(fp), v->prot, (v->prot & PROT_WRITE) != 0);
			mm->rss_pages++;
			pgtable_flush(mm->pml4, addr);
			return 0;
		}
	}
	struct page *pg = user_page_alloc(v->file == NULL);
	if (!pg)
		return -ENOMEM;
	if (v->file) {
		int r = vfs_read_page(v->file, v->offset + (addr - v->start), page_to_virt(pg));
		if (r) {
			page_ref_put(pg);
			return r == -ENOMEM ? -ENOMEM : -EFAULT;
		}
	}
	*pte = pgtable_make_pte(page_to_phys(pg), v->prot, (v->prot & PROT_WRITE) != 0);
	mm->rss_pages++;
	pgtable_flush(mm->pml4, addr);
	return 0;
}

static int populate(struct mm *mm, uint64_t start, uint64_t end, bool write)
{
	for (uint64_t a = start; a < end; a += PAGE_SIZE) {
		struct vma *v = mm_find_vma(mm, a);
		if (!v)
			return -EFAULT;
		int r = fault_in(mm, v, a, write);
		if (r)
			return r;
	}
	return 0;
}

static int mm_fault(struct mm *mm, uint64_t addr, bool write, bool exec)
{
	if (addr >= USER_TOP)
		return -EFAULT;
	struct vma *v = mm_find_vma(mm, addr);
	if (!v)
		return -EFAULT;
	if (write && !(v->prot & PROT_WRITE))
		return -EACCES;
	if (exec && !(v->prot & PROT_EXEC))
		return -EACCES;
	if (!write && !exec && !(v->prot & (PROT_READ | PROT_WRITE | PROT_EXEC)))
		return -EACCES;
	return fault_in(mm, v, addr, write);
}

int mm_handle_fault(uint64_t addr, bool write, bool exec)
{
	struct task *t = current;
	if (!t->proc || !t->proc->mm)
		return -EFAULT;
	return mm_fault(t->proc->mm, addr, write, exec);
}

int mm_copy_to(struct mm *mm, uint64_t uaddr, const void *src, size_t n)
{
	const uint8_t *s = src;
	while (n) {
		uint64_t off = uaddr & (PAGE_SIZE - 1);
		size_t chunk = MIN(n, PAGE_SIZE - off);
		int r = mm_fault(mm, uaddr, true, false);
		if (r)
			return r;
		uint64_t *pte = pgtable_pte(mm->pml4, uaddr, false);
		memcpy((uint8_t *)phys_to_virt(pgtable_pte_phys(*pte)) + off, s, chunk);
		uaddr += chunk;
		s += chunk;
		n -= chunk;
	}
	return 0;
}

/* ---- fork ---- */

struct fork_ctx {
	struct mm *child;
	bool cow;                       /* a private area: writable pages become copy-on-write */
	uint64_t prot;
};

static void fork_pte(uint64_t va, uint64_t *spte, uint64_t *dpte, void *arg)
{
	(void)va;
	struct fork_ctx *c = arg;
	uint64_t e = *spte;
	struct page *pg = phys_to_page(pgtable_pte_phys(e));
	if (c->cow && pgtable_pte_writable(e)) {
		/* Both sides read-only until one writes. */
		e = pgtable_make_pte(pgtable_pte_phys(e), c->prot, false);
		*spte = e;
	}
	*dpte = e;
	if (pg)
		page_ref_get(pg);
	c->child->rss_pages++;
}

struct mm *mm_fork(struct mm *parent)
{
	struct mm *mm = mm_new();
	if (!mm)
		return NULL;
	mm->brk_start = parent->brk_start;
	mm->brk = parent->brk;
	mm->mmap_base = parent->mmap_base;
	mm->stack_top = parent->stack_top;
	mm->arg_start = parent->arg_start;
	mm->arg_end = parent->arg_end;
	mm->env_start = parent->env_start;
	mm->env_end = parent->env_end;

	struct list_head *pos;
	list_for_each(pos, &parent->vmas) {
		struct vma *v = list_entry(pos, struct vma, link);
		struct vma *n = kmalloc(sizeof(*n));
		if (!n)
			goto fail;
		*n = *v;
		if (n->file)
			file_get(n->file);
		list_add_tail(&n->link, &mm->vmas);
		struct fork_ctx c = { mm, (v->flags & MAP_TYPE) != MAP_SHARED, v->prot };
		if (pgtable_copy_range(parent->pml4, mm->pml4, v->start, v->end, fork_pte, &c))
			goto fail;
	}
	/* The parent's writable PTEs just became read-only. */
	pgtable_flush_all(parent->pml4);
	return mm;
fail:
	pgtable_flush_all(parent->pml4);
	mm_put(mm);
	return NULL;
}

static void release_pte(uint64_t va, uint64_t *pte, void *ctx)
{
	(void)va;
	(void)ctx;
	struct page *pg = phys_to_page(pgtable_pte_phys(*pte));
	if (pg)
		page_ref_put(pg);
}

void mm_put(struct mm *mm)
{
	if (--mm->refcount > 0)
		return;
	/* Present entries lie only inside areas. The tables go as a whole
	 * afterwards, so the entries need neither clearing nor flushing one by
	 * one: the address space is not live (exit and exec left it first). */
	struct list_head *pos, *tmp;
	list_for_each_safe(pos, tmp, &mm->vmas) {
		struct vma *v = list_entry(pos, struct vma, link);
		pgtable_walk(mm->pml4, v->start, v->end, release_pte, NULL);
		list_del(&v->link);
		vma_free(v);
	}
	pgtable_flush_all(mm->pml4);
	pgtable_free_user(mm->pml4);
	kfree(mm);
}

/* ---- mprotect ---- */

struct prot_ctx {
	struct mm *mm;
	struct vma *vma;
};

static void reprotect_pte(uint64_t va, uint64_t *pte, void *arg)
{
	struct prot_ctx *c = arg;
	struct page *pg = phys_to_page(pgtable_pte_phys(*pte));
	bool shared = (c->vma->flags & MAP_TYPE) == MAP_SHARED;
	/* A private page shared with another process stays copy-on-write. */
	bool writable = (c->vma->prot & PROT_WRITE) && (shared || !pg || pg->refcount == 1);
	*pte = pgtable_make_pte(pgtable_pte_phys(*pte), c->vma->prot, writable);
	pgtable_flush(c->mm->pml4, va);
}

int mm_protect(struct mm *mm, uint64_t addr, uint64_t len, unsigned prot)
{
	if (!IS_ALIGNED(addr, PAGE_SIZE))
		return -EINVAL;
	if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC | 0x01000000 | 0x02000000))
		return -EINVAL;
	prot &= PROT_READ | PROT_WRITE | PROT_EXEC;
	uint64_t end = ALIGN_UP(addr + len, PAGE_SIZE);
	if (end < addr || end > USER_TOP)
		return -ENOMEM;
	if (len == 0)
		return 0;
	/* Linux: the whole range must be mapped, else ENOMEM (nothing changed). */
	for (uint64_t a = addr; a < end;) {
		struct vma *v = mm_find_vma(mm, a);
		if (!v)
			return -ENOMEM;
		if (v->file && (v->flags & MAP_TYPE) == MAP_SHARED && (prot & PROT_WRITE) &&
		    (v->file->flags & O_ACCMODE) != O_RDWR)
			return -EACCES;
		a = v->end;
	}
	struct list_head *pos, *tmp;
	list_for_each_safe(pos, tmp, &mm->vmas) {
		struct vma *v = list_entry(pos, struct vma, link);
		if (v->end <= addr || v->start >= end)
			continue;
		if (v->start < addr) {
			if (!vma_split(v, addr))
				return -ENOMEM;
			tmp = v->link.next;
			continue;
		}
		if (v->end > end && !vma_split(v, end))
			return -ENOMEM;
		v->prot = prot;
		struct prot_ctx c = { mm, v };
		pgtable_walk(mm->pml4, v->start, v->end, reprotect_pte, &c);
	}
	return 0;
}

/* ---- madvise(DONTNEED) and mremap ---- */

int mm_discard(struct mm *mm, uint64_t addr, uint64_t len)
{
	uint64_t end = ALIGN_UP(addr + len, PAGE_SIZE);
	if (end < addr || end > USER_TOP)
		return -EINVAL;
	unmap_pages(mm, addr, end);
	return 0;
}

/* Move the page-table entries of [from, from+len) to [to, to+len). */
static int move_ptes(struct mm *mm, uint64_t from, uint64_t to, uint64_t len)
{
	for (uint64_t off = 0; off < len; off += PAGE_SIZE) {
		uint64_t *src = pgtable_pte(mm->pml4, from + off, false);
		if (!src || !pgtable_pte_present(*src))
			continue;
		uint64_t *dst = pgtable_pte(mm->pml4, to + off, true);
		if (!dst)
			return -ENOMEM;
		*dst = *src;
		*src = 0;
		pgtable_flush(mm->pml4, from + off);
	}
	return 0;
}

int64_t mm_remap(struct mm *mm, uint64_t old, uint64_t old_len, uint64_t new_len,
		 unsigned flags, uint64_t new_addr)
{
	if (!IS_ALIGNED(old, PAGE_SIZE) || (flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED)) ||
	    ((flags & MREMAP_FIXED) && !(flags & MREMAP_MAYMOVE)) || new_len == 0)
		return -EINVAL;
	old_len = ALIGN_UP(old_len, PAGE_SIZE);
	uint64_t nlen = ALIGN_UP(new_len, PAGE_SIZE);
	if (nlen < new_len || nlen > USER_TOP)
		return -ENOMEM;
	struct vma *v = mm_find_vma(mm, old);
	if (!v || old + old_len > v->end || old + old_len < old)
		return -EFAULT;
	bool shared_anon = !v->file && (v->flags & MAP_TYPE) == MAP_SHARED;

	if (!(flags & MREMAP_FIXED)) {
		if (nlen <= old_len) {
			if (nlen < old_len)
				mm_unmap(mm, old + nlen, old_len - nlen);
			return (int64_t)old;
		}
		/* Grow in place when the area ends here and the space above is free. */
		if (old + old_len == v->end && range_free(mm, v->end, old + nlen - v->end) &&
		    old + nlen <= USER_TOP) {
			uint64_t prev_end = v->end;
			v->end = old + nlen;
			if (shared_anon && populate(mm, prev_end, v->end, false)) {
				mm_unmap(mm, prev_end, v->end - prev_end);
				return -ENOMEM;
			}
			return (int64_t)old;
		}
		if (!(flags & MREMAP_MAYMOVE))
			return -ENOMEM;
		new_addr = find_free(mm, nlen, 0);
		if (!new_addr)
			return -ENOMEM;
	} else {
		if (!IS_ALIGNED(new_addr, PAGE_SIZE) || new_addr + nlen > USER_TOP ||
		    (new_addr < old + old_len && old < new_addr + nlen))
			return -EINVAL;
		int r = mm_unmap(mm, new_addr, nlen);
		if (r)
			return r;
	}

	struct vma *n = kmalloc(sizeof(*n));
	if (!n)
		return -ENOMEM;
	*n = *v;
	n->start = new_addr;
	n->end = new_addr + nlen;
	n->offset = v->offset + (old - v->start);
	if (n->file)
		file_get(n->file);
	vma_insert(mm, n);
	uint64_t moved = MIN(old_len, nlen);
	int r = move_ptes(mm, old, new_addr, moved);
	if (!r && shared_anon && nlen > old_len)
		r = populate(mm, new_addr + old_len, new_addr + nlen, false);
	mm_unmap(mm, old, old_len);
	if (r) {
		mm_unmap(mm, new_addr, nlen);
		return r;
	}
	return (int64_t)new_addr;
}
