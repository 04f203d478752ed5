/*
 * fast_direct.S - a descriptor's call bound directly to its handler and
 * object, for calls that need the generic frame (they may sleep, be
 * interrupted by a signal, restart) but not the generic layers: reached
 * through the per-descriptor switch (fast_fd.S) with the entry state of
 * fast_entry.S.
 *
 * Equivalent to the generic path (syscall_slow -> syscall_dispatch ->
 * sys_read/sys_write -> do_rw) under the assumption, recorded on the
 * region, that this descriptor of this thread's table is still the file
 * folded in as HOLE_file: the handler (HOLE_handler, e.g. synth_direct_write
 * in synth/synth.c) takes a reference on the file and runs the same
 * rw_file() the generic do_rw runs after its descriptor lookup. Serves the
 * console terminal, whose write waits for the UART and whose read waits
 * for a line. close, dup2, dup3, close_range and exec unlink the region.
 */
#include "leaf.inc"

	.text
	.globl fast_direct
	.type fast_direct, @function
fast_direct:
	incq HOLE_counter(%rip)         /* the region's gauge, beside the cache */
	direct_call
	.size fast_direct, . - fast_direct
	.section .note.GNU-stack, "", @progbits
