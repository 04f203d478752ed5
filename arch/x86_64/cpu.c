/*
 * cpu.c - find out what this CPU can do, and turn on what synthos uses.
 *
 * Every feature is checked with CPUID before use, so the kernel runs on
 * QEMU's default qemu64 model (no SMEP/SMAP/PCID/FSGSBASE) and on -cpu max
 * alike. Turned on when present: NX (EFER.NXE; paging.c then marks data
 * non-executable), SMEP and SMAP (the kernel can neither run nor touch
 * user pages by accident), PCID, FSGSBASE, UMIP, global pages, and SSE
 * state for user programs (the kernel itself never uses vector registers).
 */
#include <synthos/log.h>
#include <synthos/string.h>
#include <arch/cpu.h>

struct cpu_features cpu_features;

void cpu_init(void)
{
	struct cpu_features *f = &cpu_features;
	uint32_t a, b, c, d, max, maxext;

	cpuid_count(0, 0, &max, &b, &c, &d);
	memcpy(f->vendor + 0, &b, 4);
	memcpy(f->vendor + 4, &d, 4);
	memcpy(f->vendor + 8, &c, 4);

	cpuid_count(1, 0, &a, &b, &c, &d);
	f->family = (a >> 8) & 0xf;
	f->model = (a >> 4) & 0xf;
	f->stepping = a & 0xf;
	if (f->family == 0xf)
		f->family += (a >> 20) & 0xff;
	if (f->family >= 6)
		f->model |= ((a >> 16) & 0xf) << 4;
	f->tsc = d & (1 << 4);
	f->apic = d & (1 << 9);
	f->pge = d & (1 << 13);
	f->pcid = c & (1 << 17);
	f->x2apic = c & (1 << 21);
	f->tsc_deadline = c & (1 << 24);
	f->hypervisor = c & (1u << 31);

	if (max >= 7) {
		cpuid_count(7, 0, &a, &b, &c, &d);
		f->fsgsbase = b & (1 << 0);
		f->smep = b & (1 << 7);
		f->invpcid = b & (1 << 10);
		f->smap = b & (1 << 20);
		f->umip = c & (1 << 2);
	}
	if (max >= 0x15) {
		cpuid_count(0x15, 0, &a, &b, &c, &d);
		if (a && b && c)
			f->tsc_khz_cpuid = (uint32_t)((uint64_t)c * b / a / 1000);
	}

	cpuid_count(0x80000000, 0, &maxext, &b, &c, &d);
	if (maxext >= 0x80000001) {
		cpuid_count(0x80000001, 0, &a, &b, &c, &d);
		f->nx = d & (1 << 20);
		f->pdpe1gb = d & (1 << 26);
	}
	if (maxext >= 0x80000004) {
		uint32_t *brand = (uint32_t *)f->brand;
		for (uint32_t i = 0; i < 3; i++)
			cpuid_count(0x80000002 + i, 0, &brand[i * 4], &brand[i * 4 + 1],
				    &brand[i * 4 + 2], &brand[i * 4 + 3]);
		f->brand[48] = 0;
	}
	if (maxext >= 0x80000007) {
		cpuid_count(0x80000007, 0, &a, &b, &c, &d);
		f->invariant_tsc = d & (1 << 8);
	}

	if (f->nx)
		wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);

	uint64_t cr4 = read_cr4() | CR4_OSFXSR | (1UL << 10);   /* OSXMMEXCPT */
	if (f->smep)
		cr4 |= CR4_SMEP;
	if (f->smap) {
		extern bool smap_enabled;
		cr4 |= CR4_SMAP;
		smap_enabled = true;
	}
	if (f->fsgsbase)
		cr4 |= CR4_FSGSBASE;
	if (f->umip)
		cr4 |= CR4_UMIP;
	if (f->pcid && !(read_cr3() & 0xfff))
		cr4 |= CR4_PCIDE;
	write_cr4(cr4);
	/* SSE for user mode: MP on, EM off. */
	write_cr0((read_cr0() | (1UL << 1)) & ~(1UL << 2));

	const char *brand = f->brand;
	while (*brand == ' ')
		brand++;
	pr_info("cpu: %s family %u model %u stepping %u: %s\n", f->vendor, f->family,
		f->model, f->stepping, *brand ? brand : "(no brand string)");
	pr_info("cpu: features:%s%s%s%s%s%s%s%s%s\n",
		f->nx ? " nx" : "", f->smep ? " smep" : "", f->smap ? " smap" : "",
		f->pcid ? " pcid" : "", f->fsgsbase ? " fsgsbase" : "", f->umip ? " umip" : "",
		f->pge ? " pge" : "", f->invariant_tsc ? " invariant-tsc" : "",
		f->hypervisor ? " hypervisor" : "");
}
