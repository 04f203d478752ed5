/*
 * template.h - what every template includes: the annotation vocabulary.
 *
 * Templates are ordinary C compiled with -mcmodel=large and no PIC, so
 * that taking the address of an `extern char HOLE_x[]` yields a 64-bit
 * immediate with an R_X86_64_64 relocation: tools/stencil turns that
 * relocation into a hole the synthesizer fills. Templates may not use
 * data, string literals or jump tables (the stencil tool refuses them).
 *
 * The four kinds of value a specializer sees, and how a template says
 * which one it is using (docs/SYNTHESIS.md, "Annotations"):
 *
 *   known constant      plain C: a macro, an enum, sizeof. The compiler
 *                       folds it at build time.
 *   declared constant   DECLARED(name): fixed when the region is made and
 *                       for its whole life (an object's address, the fd the
 *                       region serves, whether the CPU has SMAP). A hole;
 *                       use it as HOLE_name.
 *   quasi-invariant     QUASI(name): a hole whose value is true only while
 *                       an assumption holds; ASSUMES(fn, assumption, events)
 *                       names the assumption and the events that break it.
 *                       The stencil tool copies every ASSUMES into the
 *                       stencil, the synthesizer records it on the region,
 *                       and /proc/synth shows it.
 *   variable            anything read through a pointer at run time (a
 *                       pipe's head, a file's size): the body loads it on
 *                       every call, so no event is needed when it changes.
 *
 * Fast bodies ("fastc_" templates) run under the frame of fast_frame.S:
 * on the thread's kernel stack, interrupts off, user RCX/R11/RSP parked.
 * They are compiled with every register but RAX, RCX, RDX, RSI and RDI
 * fixed (the frame saves only RDI, RSI, RDX, and an abandoned body must
 * have nothing of the user's on its stack), may not call anything, must check every user range themselves (USER_RANGE_OK)
 * and touch user memory only between USER_BEGIN and USER_END. They return
 * the system call's result, or SYNTH_FALLBACK to run the generic path
 * instead -- which they must do before changing anything visible. A user
 * access that faults beyond repair is turned into the same fallback by the
 * page-fault handler (arch/x86_64/trap.c), so a body never handles EFAULT.
 */
#ifndef SYNTH_TEMPLATE_H
#define SYNTH_TEMPLATE_H

#define HOLE(name) extern char HOLE_##name[]
#define DECLARED(name) HOLE(name)
#define QUASI(name) HOLE(name)

/* Record, in the stencil, an assumption the template `fn` relies on and
 * the events that break it (a non-allocated section: nothing is copied). */
#define ASSUMES(fn, assumption, events)                                        \
	__asm__(".pushsection .synth_assumes,\"\",@progbits\n\t"               \
		".asciz \"" #fn ":" assumption ":" events "\"\n\t.popsection")

/* What a fast body returns to ask for the generic path (an impossible
 * result for every call it serves: counts are >= 0, errors >= -4095). */
#define SYNTH_FALLBACK (-4096L)

#define USER_TOP 0x00007ffffffff000UL   /* first address past user space */

/* access_ok: [p, p+n) lies in user space. */
static inline int USER_RANGE_OK(const void *p, unsigned long n)
{
	unsigned long a = (unsigned long)p;
	return a <= USER_TOP && n <= USER_TOP - a;
}

/* A Synthesis gauge: count a call with one instruction. The region's
 * counter lives in the gauge area beside the code cache, so it is reached
 * RIP-relative (a rel32 hole) without loading its address first. Not
 * atomic: a statistic, and one CPU. */
#define GAUGE(counter) __asm__ __volatile__("incq " #counter "(%%rip)" ::: "memory")

/*
 * Open and close user access (SMAP). Each is a site the synthesizer
 * patches to a 3-byte nop when the CPU has no SMAP (stac would be #UD):
 * the label names the site for tools/stencil.
 */
#ifndef SYNTH_HOSTED
#define USER_BEGIN() __asm__ __volatile__("synth_site_stac_%=: stac" ::: "memory")
#define USER_END()   __asm__ __volatile__("synth_site_clac_%=: clac" ::: "memory")
#else   /* compiled into a hosted unit test: user memory is just memory */
#define USER_BEGIN() do { } while (0)
#define USER_END()   do { } while (0)
#endif

/* Copies with the string instructions: rep movsq for the words, movsb for
 * the rest (the generic usercopy.S does the same); below 16 bytes, movsb
 * alone (fewer instructions to set up than the two). */
static inline void fast_copy(void *dst, const void *src, unsigned long n)
{
	if (n < 16) {
		__asm__ __volatile__("rep movsb"
				     : "+D"(dst), "+S"(src), "+c"(n)
				     :
				     : "memory");
		return;
	}
	unsigned long q = n >> 3, r = n & 7;
	__asm__ __volatile__("rep movsq\n\tmovq %3, %%rcx\n\trep movsb"
			     : "+D"(dst), "+S"(src), "+c"(q)
			     : "r"(r)
			     : "memory");
}

static inline void fast_zero(void *dst, unsigned long n)
{
	unsigned long q = n >> 3, r = n & 7;
	__asm__ __volatile__("rep stosq\n\tmovq %2, %%rcx\n\trep stosb"
			     : "+D"(dst), "+c"(q)
			     : "r"(r), "a"(0UL)
			     : "memory");
}

#endif
