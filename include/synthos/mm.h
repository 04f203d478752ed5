/*
 * mm.h - memory management bring-up (kernel/meminit.c).
 */
#ifndef SYNTHOS_MM_H
#define SYNTHOS_MM_H

void mm_init(void);

#endif
