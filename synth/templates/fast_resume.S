/*
 * fast_resume.S - where a framed read or write body's fallback continues:
 * the generic work for the call, without the generic dispatch.
 *
 * A body returns SYNTH_FALLBACK when the call needs what only the generic
 * code does (sleep, wake a sleeper, allocate a page, EOF, EPIPE). The
 * region still knows the open file behind the descriptor (its assumption),
 * so instead of re-entering at syscall_slow -- the handler table, the
 * descriptor lookup, the lazy-synthesis check -- fast_frame.S jumps here,
 * and this is fast_direct.S without the gauge (the body already counted
 * the call): the generic frame and exit work through syscall_direct, with
 * the handler (synth_direct_read/write: rw_file on the file, as do_rw
 * does after its lookup) and the file folded in.
 *
 * Entry state: that of fast_entry.S, the user's registers restored by the
 * frame, RAX = the call number.
 */
#include "leaf.inc"

	.text
	.globl fast_resume
	.type fast_resume, @function
fast_resume:
	direct_call
	.size fast_resume, . - fast_resume
	.section .note.GNU-stack, "", @progbits
