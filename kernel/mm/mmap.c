/*
 * mmap.c - the memory system calls: mmap, munmap, mprotect, mremap, brk,
 * madvise, msync, mincore-free. Argument checking follows Linux; the work
 * is in vm.c.
 */
#include <synthos/errno.h>
#include <synthos/mm.h>
#include <synthos/proc.h>
#include <synthos/syscall.h>
#include <synthos/uaccess.h>
#include <synthos/vfs.h>
#include <arch/page.h>


SYSCALL_DEFINE6(mmap, uint64_t, addr, uint64_t, len, unsigned, prot, unsigned, flags,
		int, fd, uint64_t, off)
{
	struct mm *mm = current->proc->mm;
	struct file *f = NULL;

	if (!(flags & MAP_ANONYMOUS)) {
		f = fget(fd);
		if (!f)
			return -EBADF;
		uint32_t mode = f->inode ? f->inode->mode : 0;
		if (S_ISCHR(mode) && f->inode->rdev == MKDEV(1, 5)) {
			/* /dev/zero: private is anonymous memory; shared, shared anonymous. */
			file_put(f);
			f = NULL;
			flags |= MAP_ANONYMOUS;
			off = 0;
			goto map;
		}
		if (!S_ISREG(mode)) {
			file_put(f);
			return -ENODEV;
		}
		unsigned acc = f->flags & O_ACCMODE;
		if (acc == O_WRONLY ||
		    ((flags & MAP_TYPE) == MAP_SHARED && (prot & PROT_WRITE) && acc != O_RDWR)) {
			file_put(f);
			return -EACCES;
		}
	}
map:;
	int64_t r = mm_map(mm, addr, len, prot, flags, f, (flags & MAP_ANONYMOUS) ? 0 : off);
	if (f)
		file_put(f);
	if (r >= 0 && (flags & MAP_POPULATE)) {
		/* Best effort, like Linux: errors surface at access. */
		for (uint64_t a = (uint64_t)r; a < (uint64_t)r + len; a += PAGE_SIZE)
			if (mm_handle_fault(a, false, false))
				break;
	}
	return r;
}

SYSCALL_DEFINE2(munmap, uint64_t, addr, uint64_t, len)
{
	return mm_unmap(current->proc->mm, addr, len);
}

SYSCALL_DEFINE3(mprotect, uint64_t, addr, uint64_t, len, unsigned, prot)
{
	return mm_protect(current->proc->mm, addr, len, prot);
}

SYSCALL_DEFINE1(brk, uint64_t, want)
{
	struct mm *mm = current->proc->mm;
	uint64_t old_end = ALIGN_UP(mm->brk, PAGE_SIZE);
	if (want < mm->brk_start)
		return (long)mm->brk;
	uint64_t new_end = ALIGN_UP(want, PAGE_SIZE);
	if (new_end < want || new_end > USER_STACK_TOP - USER_STACK_MAX)
		return (long)mm->brk;
	if (new_end > old_end) {
		/* Linux refuses to grow into another mapping. */
		for (uint64_t a = old_end; a < new_end; a += PAGE_SIZE)
			if (mm_find_vma(mm, a))
				return (long)mm->brk;
		int64_t r = mm_map(mm, old_end, new_end - old_end, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, NULL, 0);
		if (r < 0)
			return (long)mm->brk;
	} else if (new_end < old_end) {
		mm_unmap(mm, new_end, old_end - new_end);
	}
	mm->brk = want;
	return (long)want;
}

SYSCALL_DEFINE5(mremap, uint64_t, old_addr, uint64_t, old_len, uint64_t, new_len,
		unsigned, flags, uint64_t, new_addr)
{
	return mm_remap(current->proc->mm, old_addr, old_len, new_len, flags, new_addr);
}

SYSCALL_DEFINE3(madvise, uint64_t, addr, uint64_t, len, int, advice)
{
	struct mm *mm = current->proc->mm;
	if (!IS_ALIGNED(addr, PAGE_SIZE))
		return -EINVAL;
	uint64_t end = ALIGN_UP(addr + len, PAGE_SIZE);
	if (end < addr)
		return -EINVAL;
	/* Linux: advice over an unmapped hole answers ENOMEM. */
	for (uint64_t a = addr; a < end;) {
		struct vma *v = mm_find_vma(mm, a);
		if (!v)
			return -ENOMEM;
		a = v->end;
	}
	/* MADV_DONTNEED (4) on private anonymous memory: drop the pages; they
	 * come back as zeroes. */
	if (advice == 4) {
		for (uint64_t a = addr; a < end;) {
			struct vma *v = mm_find_vma(mm, a);
			uint64_t stop = MIN(end, v->end);
			if (!v->file && (v->flags & MAP_TYPE) == MAP_PRIVATE)
				mm_discard(mm, a, stop - a);
			a = stop;
		}
	}
	return 0;
}

SYSCALL_DEFINE3(msync, uint64_t, addr, uint64_t, len, int, flags)
{
	if (!IS_ALIGNED(addr, PAGE_SIZE) || (flags & ~7))
		return -EINVAL;
	return 0;
}
