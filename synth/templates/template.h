/*
 * template.h - what every template includes.
 *
 * Templates are ordinary C compiled with -mcmodel=large and no PIC, so
 * that taking the address of an `extern char HOLE_x[]` yields a 64-bit
 * immediate with an R_X86_64_64 relocation: tools/stencil turns that
 * relocation into a hole the synthesizer fills. Templates may not use
 * data, string literals or jump tables (the stencil tool refuses them).
 */
#ifndef SYNTH_TEMPLATE_H
#define SYNTH_TEMPLATE_H

#define HOLE(name) extern char HOLE_##name[]

/* A Synthesis gauge: count a call with one instruction (not atomic: a
 * statistic, and one CPU). */
#define GAUGE(counter) __asm__ __volatile__("incq (%0)" : : "r"(counter) : "memory")

#endif
