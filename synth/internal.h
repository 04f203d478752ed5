/*
 * synth/internal.h - what the synthesizer's files share: where synthesized
 * code, its gauges and the threads' tables live in the address space, and
 * the allocator of that space (code_cache.c), which synth.c uses to make
 * regions.
 *
 * Both files run under the synthesizer's rule: one CPU, no preemption in
 * the kernel, so nothing here takes a lock (docs/SYNTHESIS.md, "Retiring
 * code", says what SMP will need).
 */
#ifndef SYNTH_INTERNAL_H
#define SYNTH_INTERNAL_H

#include <synthos/types.h>
#include <synthos/compiler.h>
#include <arch/page.h>
#include "stencil.h"

#define SYNTH_CACHE_BASE  0xffffffffc0000000UL
#define SYNTH_CACHE_SIZE  (16UL << 20)
#define SLOT              128
/* arch/x86_64/entry.S knows code-cache RIPs by RIP >> 24 == -64. */
STATIC_ASSERT((int64_t)SYNTH_CACHE_BASE >> 24 == -64 && SYNTH_CACHE_SIZE == 1UL << 24,
	      "entry.S SYNTH_CACHE_TAG");
#define NSLOTS            (SYNTH_CACHE_SIZE / SLOT)
#define SLOTS_PER_PAGE    (PAGE_SIZE / SLOT)
/* The gauge area, right above the cache: one 8-byte call counter per slot
 * (a region uses its first slot's), mapped read+write and never executable,
 * within rel32 reach of the code so a stencil counts with one
 * `incq counter(%rip)`. */
#define SYNTH_GAUGE_BASE  (SYNTH_CACHE_BASE + SYNTH_CACHE_SIZE)
/* The table area: each thread with regions owns TABLE_PAGES pages of it,
 * read+write and never executable: its entry table, mapped with its first
 * region, then its per-descriptor vectors, mapped with its first
 * descriptor region; both unmapped and freed when it exits or execs.
 * 8,192 threads' worth; a thread that finds it full stays generic. */
#define SYNTH_TABLE_BASE  (SYNTH_CACHE_BASE + (32UL << 20))
#define SYNTH_TABLE_SIZE  (64UL << 20)
#define TABLE_PAGES       2
#define NTABLES           (SYNTH_TABLE_SIZE / (TABLE_PAGES * PAGE_SIZE))


/* ---- code_cache.c ---- */

/* Room for size bytes of code in the cache (never across a page), mapped
 * read+execute; 0 when full or larger than 16 slots. */
uint64_t code_alloc(uint32_t size);
void code_free(uint64_t va, uint32_t size);
/* Slots in use (for /proc/synth). */
unsigned code_slots_used(void);
/* The call counter of the region whose code starts at code. */
uint64_t *gauge_of(uint64_t code);
/* Copy st to code through its writable alias and patch its holes with
 * values: 0, or -EFAULT / -ERANGE / -EINVAL from the checks. */
int synth_instantiate(const struct stencil *st, const uint64_t *values, uint64_t code);

/* A thread's TABLE_PAGES of the table area, its first page mapped with
 * nwords words set to fill; 0 when the area is full or memory is short. */
uint64_t synth_table_alloc(uint64_t fill, unsigned nwords);
/* Map a further page of a thread's tables (nwords words set to fill). */
int synth_table_map_page(uint64_t va, uint64_t fill, unsigned nwords);
/* Unmap and free all of a thread's tables. */
void synth_table_free(uint64_t va);
extern unsigned synth_tables_used;

#endif
