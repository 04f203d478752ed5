/*
 * stencil.h - what tools/stencil generates from the templates, and what
 * the synthesizer (synth/synth.c) copies and patches.
 *
 * A stencil is a template function's machine code plus its holes. A hole
 * is where a value known only at run time goes: kind says how it is
 * written (a 64-bit immediate, or a rel32 displacement to a kernel
 * function), id says which value (the HOLE_* names the template declared,
 * or HOLE_KERNEL with the kernel symbol's address in kaddr).
 */
#ifndef SYNTH_STENCIL_H
#define SYNTH_STENCIL_H

#include <synthos/types.h>

enum hole_kind {
	HOLE_ABS64 = 1,         /* R_X86_64_64: an 8-byte immediate */
	HOLE_REL32,             /* R_X86_64_PC32/PLT32: target - (site + 4) + addend + 4 */
	HOLE_SMAP,              /* a 3-byte stac/clac: kept with SMAP, else a nop */
	HOLE_ABS32S,            /* R_X86_64_32S: a 4-byte absolute, sign-extended by the
				 * CPU (a table in the top 2 GiB, as `jmp *T(,%rax,8)`) */
};

/* The run-time values a template can ask for. Add names here and declare
 * `extern char HOLE_<name>[]` in the template. */
enum hole_id {
	HOLE_KERNEL = 0,        /* address of a kernel symbol (kaddr) */
	HOLE_value,             /* the constant the template returns */
	HOLE_counter,           /* the region's call counter (a Synthesis gauge) */
	HOLE_body,              /* fastc_frame: the body it calls (frame + size) */
	HOLE_fdvec,             /* fast_fd: the thread's per-descriptor vector */
	HOLE_table,             /* fast_entry: the thread's entry table */
	HOLE_kstack,            /* fast_frame, fast_read_zero: the thread's kernel-stack top */
	HOLE_nr,                /* fast_frame: the system call the region serves */
	HOLE_fallback,          /* fast_frame: where a fallback goes (syscall_slow, fast_resume) */
	HOLE_pipe,              /* fastc_pipe_*: the pipe */
	HOLE_file,              /* fastc_ramfs_*, fast_direct: the open file */
	HOLE_handler,           /* fast_direct: the C handler it binds */
	HOLE_smap,              /* HOLE_SMAP sites (no value) */
	HOLE_NR
};

struct stencil_hole {
	uint32_t offset;        /* in the code */
	uint8_t kind;           /* enum hole_kind */
	uint8_t id;             /* enum hole_id */
	const char *name;
	int64_t addend;
	uint64_t kaddr;         /* HOLE_KERNEL: the symbol's address */
};

struct stencil {
	const char *name;
	const uint8_t *code;
	uint32_t size;
	const struct stencil_hole *holes;
	int nholes;
	const char *assumes;    /* "assumption (events); ..." from ASSUMES */
};

/* Copy st to w (the writable alias of address code) and fill its holes
 * (synth/patch.c): 0, -EINVAL (a hole past the end, an unknown kind) or
 * -ERANGE (a rel32 out of reach). */
int stencil_patch(uint8_t *w, uint64_t code, const struct stencil *st, const uint64_t *values,
		  bool smap);

#endif
