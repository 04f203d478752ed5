/*
 * arch/cpu.h - x86-64 instructions as inline functions: port I/O, MSRs,
 * control registers, CPUID, TSC, TLB.
 */
#ifndef ARCH_CPU_H
#define ARCH_CPU_H

#include <synthos/types.h>

static inline void outb(uint16_t port, uint8_t v) { __asm__ __volatile__("outb %0, %1" :: "a"(v), "Nd"(port)); }
static inline void outw(uint16_t port, uint16_t v) { __asm__ __volatile__("outw %0, %1" :: "a"(v), "Nd"(port)); }
static inline void outl(uint16_t port, uint32_t v) { __asm__ __volatile__("outl %0, %1" :: "a"(v), "Nd"(port)); }
static inline uint8_t inb(uint16_t port) { uint8_t v; __asm__ __volatile__("inb %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline uint16_t inw(uint16_t port) { uint16_t v; __asm__ __volatile__("inw %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline uint32_t inl(uint16_t port) { uint32_t v; __asm__ __volatile__("inl %1, %0" : "=a"(v) : "Nd"(port)); return v; }

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;
	__asm__ __volatile__("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ __volatile__("wrmsr" :: "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)) : "memory");
}

static inline void cpuid_count(uint32_t leaf, uint32_t sub, uint32_t *a, uint32_t *b, uint32_t *c, uint32_t *d)
{
	__asm__ __volatile__("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(sub));
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

#define DEFINE_CR(n)                                                         \
	static inline uint64_t read_cr##n(void)                              \
	{ uint64_t v; __asm__ __volatile__("mov %%cr" #n ", %0" : "=r"(v)); return v; } \
	static inline void write_cr##n(uint64_t v)                           \
	{ __asm__ __volatile__("mov %0, %%cr" #n :: "r"(v) : "memory"); }
DEFINE_CR(0)
DEFINE_CR(2)
DEFINE_CR(3)
DEFINE_CR(4)
#undef DEFINE_CR

static inline void invlpg(uint64_t va) { __asm__ __volatile__("invlpg (%0)" :: "r"(va) : "memory"); }
static inline uint64_t read_rflags(void) { uint64_t f; __asm__ __volatile__("pushfq; popq %0" : "=r"(f)); return f; }
static inline uint64_t read_rbp(void) { uint64_t v; __asm__ __volatile__("mov %%rbp, %0" : "=r"(v)); return v; }
static inline uint64_t read_rsp(void) { uint64_t v; __asm__ __volatile__("mov %%rsp, %0" : "=r"(v)); return v; }

#define MSR_EFER           0xC0000080
#define   EFER_SCE         (1UL << 0)
#define   EFER_LME         (1UL << 8)
#define   EFER_NXE         (1UL << 11)
#define MSR_STAR           0xC0000081
#define MSR_LSTAR          0xC0000082
#define MSR_SFMASK         0xC0000084
#define MSR_FS_BASE        0xC0000100
#define MSR_GS_BASE        0xC0000101
#define MSR_KERNEL_GS_BASE 0xC0000102
#define MSR_APIC_BASE      0x1B
#define MSR_PAT            0x277

#define CR0_WP             (1UL << 16)
#define CR4_PGE            (1UL << 7)
#define CR4_OSFXSR         (1UL << 9)
#define CR4_UMIP           (1UL << 11)
#define CR4_FSGSBASE       (1UL << 16)
#define CR4_PCIDE          (1UL << 17)
#define CR4_SMEP           (1UL << 20)
#define CR4_SMAP           (1UL << 21)

/* CPU features found by cpu_init() (arch/x86_64/cpu.c). */
struct cpu_features {
	char vendor[13];
	char brand[49];
	uint32_t family, model, stepping;
	bool nx, smep, smap, pcid, invpcid, fsgsbase, umip, pge, pdpe1gb;
	bool apic, x2apic, tsc, invariant_tsc, tsc_deadline, hypervisor;
	uint32_t tsc_khz_cpuid;  /* from leaf 0x15/0x16 when present, else 0 */
};
extern struct cpu_features cpu_features;
void cpu_init(void);

#endif
