/*
 * patch.c - the patcher: copy a stencil and fill its holes. The run-time
 * half of copy-and-patch at its smallest, on its own so the host can test
 * it (tests/unit/test_patch.c) while synth.c owns where code goes.
 *
 * stencil_patch writes the stencil's bytes at w (a writable alias of the
 * code's final address `code`) and then each hole:
 *   HOLE_ABS64  the 8-byte value (plus the relocation's addend);
 *   HOLE_REL32  value + addend - address of the field, which must fit a
 *               signed 32-bit field (a call or jump into the kernel, a
 *               RIP-relative gauge): -ERANGE if it does not;
 *   HOLE_ABS32S value + addend as a 4-byte field the CPU sign-extends
 *               (a table address in the top 2 GiB): -ERANGE otherwise;
 *   HOLE_SMAP   a 3-byte stac/clac, kept when the CPU has SMAP, made a
 *               3-byte nop otherwise (stac is #UD without it).
 * A hole whose field runs past the stencil is -EINVAL. On an error the
 * bytes at w are partly written: the caller throws the space away.
 * values[] is indexed by the hole's id; HOLE_KERNEL takes the kernel
 * symbol's address the stencil carries.
 */
#include <synthos/errno.h>
#include "stencil.h"

/* Unaligned stores, inline (the kernel's memcpy is a call). */
struct __attribute__((packed)) una64 { uint64_t v; };
struct __attribute__((packed)) una32 { uint32_t v; };

int stencil_patch(uint8_t *w, uint64_t code, const struct stencil *st, const uint64_t *values,
		  bool smap)
{
	/* The copy of copy-and-patch, at string-instruction speed. */
	void *d = w;
	const void *src = st->code;
	uint64_t q = st->size / 8, rest = st->size % 8;
	__asm__ __volatile__("rep movsq\n\tmovq %3, %%rcx\n\trep movsb"
			     : "+D"(d), "+S"(src), "+c"(q) : "r"(rest) : "memory");
	for (int i = 0; i < st->nholes; i++) {
		const struct stencil_hole *h = &st->holes[i];
		uint64_t v = h->id == HOLE_KERNEL ? h->kaddr : values[h->id];
		uint32_t width = h->kind == HOLE_ABS64 ? 8u : h->kind == HOLE_SMAP ? 3u : 4u;
		if (h->offset + width > st->size || h->offset + width < h->offset)
			return -EINVAL;
		if (h->kind == HOLE_SMAP) {
			if (w[h->offset] != 0x0f || w[h->offset + 1] != 0x01 ||
			    (w[h->offset + 2] != 0xcb && w[h->offset + 2] != 0xca))
				return -EINVAL;         /* not the stac/clac the site names */
			if (!smap) {            /* stac/clac -> nopl (%rax) */
				w[h->offset + 1] = 0x1f;
				w[h->offset + 2] = 0x00;
			}
		} else if (h->kind == HOLE_ABS64) {
			((struct una64 *)(w + h->offset))->v = v + (uint64_t)h->addend;
		} else if (h->kind == HOLE_ABS32S) {
			int64_t a = (int64_t)(v + (uint64_t)h->addend);
			if (a != (int32_t)a)
				return -ERANGE;         /* not in the top or bottom 2 GiB */
			((struct una32 *)(w + h->offset))->v = (uint32_t)a;
		} else if (h->kind == HOLE_REL32) {
			int64_t rel = (int64_t)(v + (uint64_t)h->addend - (code + h->offset));
			if (rel != (int32_t)rel)
				return -ERANGE;         /* out of rel32 reach */
			((struct una32 *)(w + h->offset))->v = (uint32_t)rel;
		} else {
			return -EINVAL;                 /* a kind this patcher does not know */
		}
	}
	return 0;
}
