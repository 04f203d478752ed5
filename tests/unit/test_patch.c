/*
 * test_patch.c - the patcher (synth/patch.c) on the host: every hole kind,
 * its range checks, the SMAP sites, and a real stencil (tpl_const, from
 * build/gen/stencils.h) patched into executable memory and run.
 */
#include <errno.h>
#include <stdbool.h>
#include <sys/mman.h>
#include "ut.h"
#include "stencil.h"

/* stencils.h refers to kernel symbols (calls, variables) by address:
 * stand-ins with the same assembler names. */
char ks_syscall_slow[1] __asm__("syscall_slow");
char ks_syscall_direct[1] __asm__("syscall_direct");
char ks_realtime[8] __asm__("realtime_coarse_sec");
char ks_realtime_ready[8] __asm__("realtime_ready");
char ks_realtime_offset[8] __asm__("realtime_offset_ns");
char ks_tsc0[8] __asm__("time_tsc0");
char ks_ns_mult[8] __asm__("time_ns_mult");
#include "stencils.h"

static const uint8_t movabs_call[] = {
	0x48, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0,     /* movabs $HOLE_value, %rax */
	0xe8, 0, 0, 0, 0,                       /* call rel32 */
	0x0f, 0x01, 0xcb,                       /* stac */
	0x0f, 0x01, 0xca,                       /* clac */
	0xc3,
};

UT_TEST(patch_fills_every_kind)
{
	static const struct stencil_hole holes[] = {
		{ 2, HOLE_ABS64, HOLE_value, "value", 0, 0 },
		{ 11, HOLE_REL32, HOLE_KERNEL, "fn", -4, 0x1000 },
		{ 15, HOLE_SMAP, HOLE_smap, "smap", 0, 0 },
		{ 18, HOLE_SMAP, HOLE_smap, "smap", 0, 0 },
	};
	struct stencil st = { "t", movabs_call, sizeof movabs_call, holes, 4, "" };
	uint8_t w[64];
	uint64_t values[HOLE_NR] = { 0 };
	values[HOLE_value] = 0x1122334455667788ULL;
	UT_CHECK_EQ(stencil_patch(w, 0x800, &st, values, true), 0);
	uint64_t v;
	memcpy(&v, w + 2, 8);
	UT_CHECK_EQ(v, 0x1122334455667788ULL);
	int32_t rel;
	memcpy(&rel, w + 11, 4);
	UT_CHECK_EQ(0x800 + 11 + 4 + (int64_t)rel, 0x1000);    /* lands on the target */
	UT_CHECK(w[15] == 0x0f && w[16] == 0x01 && w[17] == 0xcb);  /* SMAP: kept */
	UT_CHECK_EQ(w[sizeof movabs_call - 1], 0xc3);
	UT_CHECK_EQ(stencil_patch(w, 0x800, &st, values, false), 0);
	UT_CHECK(w[15] == 0x0f && w[16] == 0x1f && w[17] == 0x00);  /* no SMAP: nopl */
	UT_CHECK(w[18] == 0x0f && w[19] == 0x1f && w[20] == 0x00);
}

UT_TEST(patch_refuses_what_does_not_fit)
{
	uint8_t w[64];
	uint64_t values[HOLE_NR] = { 0 };
	/* A rel32 whose target is more than 2 GiB away. */
	static const struct stencil_hole far[] = {
		{ 11, HOLE_REL32, HOLE_KERNEL, "far", -4, 0xffff800000000000ULL },
	};
	struct stencil st = { "far", movabs_call, sizeof movabs_call, far, 1, "" };
	UT_CHECK_EQ(stencil_patch(w, 0xffffffffc0000000ULL, &st, values, true), -ERANGE);
	/* Just in reach either way. */
	static const struct stencil_hole edge[] = {
		{ 11, HOLE_REL32, HOLE_KERNEL, "edge", 0, 0x1000 + 11 + 0x7fffffffULL },
	};
	st.holes = edge;
	UT_CHECK_EQ(stencil_patch(w, 0x1000, &st, values, true), 0);
	static const struct stencil_hole over[] = {
		{ 11, HOLE_REL32, HOLE_KERNEL, "over", 0, 0x1000 + 11 + 0x80000000ULL },
	};
	st.holes = over;
	UT_CHECK_EQ(stencil_patch(w, 0x1000, &st, values, true), -ERANGE);
	/* A field running past the end of the code. */
	static const struct stencil_hole past[] = {
		{ sizeof movabs_call - 4, HOLE_ABS64, HOLE_value, "past", 0, 0 },
	};
	st.holes = past;
	UT_CHECK_EQ(stencil_patch(w, 0x1000, &st, values, true), -EINVAL);
	/* A SMAP site that is not a stac/clac. */
	static const struct stencil_hole notstac[] = {
		{ 0, HOLE_SMAP, HOLE_smap, "smap", 0, 0 },
	};
	st.holes = notstac;
	UT_CHECK_EQ(stencil_patch(w, 0x1000, &st, values, false), -EINVAL);
	/* An unknown kind. */
	static const struct stencil_hole odd[] = {
		{ 2, 9, HOLE_value, "odd", 0, 0 },
	};
	st.holes = odd;
	UT_CHECK_EQ(stencil_patch(w, 0x1000, &st, values, true), -EINVAL);
}

/* A 32-bit absolute the CPU sign-extends (fast_entry's table): a top-2 GiB
 * address fits, a direct-map one or one just below -2 GiB does not. */
UT_TEST(patch_abs32s_sign_extends)
{
	static const uint8_t jmp_table[] = {
		0xff, 0x24, 0xc5, 0, 0, 0, 0,   /* jmpq *HOLE_table(,%rax,8) */
	};
	static const struct stencil_hole holes[] = {
		{ 3, HOLE_ABS32S, HOLE_table, "table", 0, 0 },
	};
	struct stencil st = { "j", jmp_table, sizeof jmp_table, holes, 1, "" };
	uint8_t w[16];
	uint64_t values[HOLE_NR] = { 0 };
	values[HOLE_table] = 0xffffffffc2000000ULL;
	UT_CHECK_EQ(stencil_patch(w, 0xffffffffc0000000ULL, &st, values, true), 0);
	int32_t f;
	memcpy(&f, w + 3, 4);
	UT_CHECK_EQ((uint64_t)(int64_t)f, 0xffffffffc2000000ULL);
	values[HOLE_table] = 0xffffffff80000000ULL;                 /* the lowest that fits */
	UT_CHECK_EQ(stencil_patch(w, 0, &st, values, true), 0);
	values[HOLE_table] = 0xffffffff7ffff000ULL;
	UT_CHECK_EQ(stencil_patch(w, 0, &st, values, true), -ERANGE);
	values[HOLE_table] = 0xffff800000001000ULL;                 /* the direct map */
	UT_CHECK_EQ(stencil_patch(w, 0, &st, values, true), -ERANGE);
	values[HOLE_table] = 0x80000000ULL;                         /* positive, too big */
	UT_CHECK_EQ(stencil_patch(w, 0, &st, values, true), -ERANGE);
}

/* The real tpl_const stencil, patched into executable memory with its
 * gauge on the next page (in rel32 reach), called twice. */
UT_TEST(patch_real_stencil_runs)
{
	uint8_t *mem = mmap(NULL, 8192, PROT_READ | PROT_WRITE | PROT_EXEC,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	UT_CHECK(mem != MAP_FAILED);
	uint64_t *gauge = (uint64_t *)(mem + 4096);
	uint64_t values[HOLE_NR] = { 0 };
	values[HOLE_value] = 0x5eed5eedULL;
	values[HOLE_counter] = (uint64_t)gauge;
	UT_CHECK_EQ(stencil_patch(mem, (uint64_t)mem, &stencil_tpl_const, values, true), 0);
	long (*fn)(void) = (long (*)(void))(void *)mem;
	UT_CHECK_EQ(fn(), 0x5eed5eed);
	UT_CHECK_EQ(fn(), 0x5eed5eed);
	UT_CHECK_EQ(*gauge, 2);
	munmap(mem, 8192);
}

/* Every generated stencil patches cleanly at a plausible cache address
 * with its holes in reach (a kernel text address for kernel symbols). */
UT_TEST(patch_every_generated_stencil)
{
	const struct stencil *all[] = {
		&stencil_tpl_const, &stencil_fast_const, &stencil_fast_write_null, &stencil_fast_read_null, &stencil_fast_fd,
		&stencil_fast_frame, &stencil_fast_direct, &stencil_fast_entry, &stencil_fast_resume, &stencil_fast_read_zero,
		&stencil_fastc_pipe_write_spsc, &stencil_fastc_pipe_write_mp,
		&stencil_fastc_pipe_read_spsc, &stencil_fastc_pipe_read_mp,
		&stencil_fastc_ramfs_read, &stencil_fastc_ramfs_pread, &stencil_fastc_ramfs_lseek,
		&stencil_fastc_ramfs_write, &stencil_fastc_ramfs_pwrite,
	};
	static uint8_t w[4096];
	for (unsigned i = 0; i < sizeof all / sizeof all[0]; i++) {
		struct stencil st = *all[i];
		struct stencil_hole holes[64];
		UT_CHECK(st.nholes <= 64);
		for (int h = 0; h < st.nholes; h++) {
			holes[h] = st.holes[h];
			if (holes[h].id == HOLE_KERNEL)
				holes[h].kaddr = 0xffffffff80100000ULL;  /* kernel text */
		}
		st.holes = holes;
		uint64_t values[HOLE_NR];
		for (int v = 0; v < HOLE_NR; v++)
			values[v] = 0xffffffffc1000000ULL;          /* the gauge area */
		UT_CHECK(st.size <= sizeof w);
		UT_CHECK_EQ(stencil_patch(w, 0xffffffffc0000000ULL, &st, values, false), 0);
	}
}
