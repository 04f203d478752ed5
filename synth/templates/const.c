/*
 * const.c - the process-constant system calls, folded.
 *
 * Equivalent to the generic sys_getpid, sys_gettid, sys_getppid,
 * sys_getuid... (kernel/proc.c) under the assumption that the value the
 * generic code would read -- current->proc->pid, current->tid, the
 * parent's pid, uid 0 -- is the one folded in as HOLE_value. The pid and
 * tid never change for a thread's life; the parent changes when the parent
 * exits (re-parenting), which is the event that re-synthesizes getppid
 * (synth/synth.c).
 */
#include "template.h"

HOLE(value);
HOLE(counter);

long tpl_const(void)
{
	GAUGE(HOLE_counter);
	return (long)HOLE_value;
}
