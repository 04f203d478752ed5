/*
 * acpi.c - find and read the ACPI tables synthos needs.
 *
 * RSDP: from the multiboot2 loader if it gave one, else the BIOS areas
 * (first KiB of the EBDA, then 0xE0000-0xFFFFF on 16-byte boundaries).
 * RSDT/XSDT -> MADT ("APIC": local APIC address, I/O APIC, ISA interrupt
 * overrides) and FADT ("FACP": PM1 control ports, SMI command, DSDT).
 *
 * Power-off needs SLP_TYPa/b for S5, which only the DSDT's AML knows. We
 * do not interpret AML; we find the "_S5_" name followed by a Package
 * opcode and read its first two integer elements, which is how the object
 * is encoded by every firmware we have seen (QEMU's included). When that
 * fails, power-off falls back to halting.
 *
 * Tables are mapped read-only through ioremap_ro_cached(); every length is
 * checked and every checksum verified before a table is believed.
 */
#include <synthos/bootinfo.h>
#include <synthos/log.h>
#include <synthos/string.h>
#include <arch/acpi.h>
#include <arch/cpu.h>
#include <arch/mm.h>
#include <arch/page.h>

struct acpi_info acpi;

struct __attribute__((packed)) rsdp {
	char sig[8];
	uint8_t checksum;
	char oem[6];
	uint8_t revision;
	uint32_t rsdt;
	uint32_t length;
	uint64_t xsdt;
	uint8_t xchecksum;
	uint8_t reserved[3];
};

struct __attribute__((packed)) sdt_header {
	char sig[4];
	uint32_t length;
	uint8_t revision, checksum;
	char oem[6], oem_table[8];
	uint32_t oem_rev, creator, creator_rev;
};

static bool checksum_ok(const void *p, size_t len)
{
	uint8_t sum = 0;
	for (size_t i = 0; i < len; i++)
		sum += ((const uint8_t *)p)[i];
	return sum == 0;
}

static const struct rsdp *scan_rsdp(phys_addr_t start, size_t len)
{
	const uint8_t *p = ioremap_ro_cached(start, len);
	if (!p)
		return NULL;
	for (size_t off = 0; off + 20 <= len; off += 16)
		if (memcmp(p + off, "RSD PTR ", 8) == 0 && checksum_ok(p + off, 20))
			return (const struct rsdp *)(p + off);
	return NULL;
}

/* Map a whole table: header first for the length, then all of it. */
static const struct sdt_header *map_table(phys_addr_t pa)
{
	const struct sdt_header *h = ioremap_ro_cached(pa, sizeof(*h));
	if (!h || h->length < sizeof(*h) || h->length > (1u << 20))
		return NULL;
	h = ioremap_ro_cached(pa, h->length);
	if (!h || !checksum_ok(h, h->length)) {
		pr_warn("acpi: table at %#llx has a bad checksum, ignored\n",
			(unsigned long long)pa);
		return NULL;
	}
	return h;
}

static void parse_madt(const struct sdt_header *h)
{
	const uint8_t *p = (const uint8_t *)h;
	acpi.lapic_phys = *(const uint32_t *)(p + 36);
	acpi.has_8259 = *(const uint32_t *)(p + 40) & 1;
	for (uint32_t off = 44; off + 2 <= h->length;) {
		uint8_t type = p[off], len = p[off + 1];
		if (len < 2 || off + len > h->length)
			break;
		const uint8_t *e = p + off;
		switch (type) {
		case 0:   /* processor local APIC */
			if (len >= 8 && (*(const uint32_t *)(e + 4) & 1))
				acpi.ncpus++;
			break;
		case 1:   /* I/O APIC */
			if (len >= 12 && !acpi.ioapic_phys) {
				acpi.ioapic_phys = *(const uint32_t *)(e + 4);
				acpi.ioapic_gsi_base = *(const uint32_t *)(e + 8);
			}
			break;
		case 2:   /* interrupt source override */
			if (len >= 10 && acpi.niso < ACPI_MAX_ISO) {
				acpi.iso[acpi.niso].irq = e[3];
				acpi.iso[acpi.niso].gsi = *(const uint32_t *)(e + 4);
				acpi.iso[acpi.niso].flags = *(const uint16_t *)(e + 8);
				acpi.niso++;
			}
			break;
		case 5:   /* 64-bit local APIC address override */
			if (len >= 12)
				acpi.lapic_phys = *(const uint64_t *)(e + 4);
			break;
		}
		off += len;
	}
}

/* An AML integer at p: ZeroOp, OneOp, or Byte/Word/DWord prefix. */
static bool aml_int(const uint8_t *p, const uint8_t *end, uint16_t *v, int *used)
{
	if (p >= end)
		return false;
	switch (p[0]) {
	case 0x00: *v = 0; *used = 1; return true;
	case 0x01: *v = 1; *used = 1; return true;
	case 0x0a: if (p + 2 > end) return false; *v = p[1]; *used = 2; return true;
	case 0x0b: if (p + 3 > end) return false; *v = p[1] | p[2] << 8; *used = 3; return true;
	case 0x0c: if (p + 5 > end) return false; *v = p[1] | p[2] << 8; *used = 5; return true;
	}
	return false;
}

static void find_s5(const struct sdt_header *dsdt)
{
	const uint8_t *p = (const uint8_t *)dsdt, *end = p + dsdt->length;
	for (const uint8_t *q = p + sizeof(*dsdt); q + 8 < end; q++) {
		if (memcmp(q, "_S5_", 4) != 0 || q[4] != 0x12)   /* PackageOp */
			continue;
		const uint8_t *r = q + 5;
		r += ((r[0] >> 6) & 3) + 1;                       /* PkgLength */
		r++;                                              /* NumElements */
		int used;
		if (!aml_int(r, end, &acpi.slp_typa, &used))
			continue;
		r += used;
		if (!aml_int(r, end, &acpi.slp_typb, &used))
			acpi.slp_typb = 0;
		acpi.s5_valid = true;
		return;
	}
}

static void parse_fadt(const struct sdt_header *h)
{
	const uint8_t *p = (const uint8_t *)h;
	if (h->length < 76)
		return;
	uint64_t dsdt = *(const uint32_t *)(p + 40);
	acpi.smi_cmd = *(const uint32_t *)(p + 48);
	acpi.acpi_enable = p[52];
	acpi.pm1a_cnt = *(const uint32_t *)(p + 64);
	acpi.pm1b_cnt = *(const uint32_t *)(p + 68);
	if (h->length >= 148 && *(const uint64_t *)(p + 140))
		dsdt = *(const uint64_t *)(p + 140);
	const struct sdt_header *d = dsdt ? map_table(dsdt) : NULL;
	if (d && memcmp(d->sig, "DSDT", 4) == 0)
		find_s5(d);
}

void acpi_init(void)
{
	const struct rsdp *rsdp = NULL;

	acpi.lapic_phys = 0xfee00000;
	if (boot_info.has_rsdp && memcmp(boot_info.rsdp, "RSD PTR ", 8) == 0)
		rsdp = (const struct rsdp *)boot_info.rsdp;
	if (!rsdp) {
		const uint16_t *ebda_seg = ioremap_ro_cached(0x40e, 2);
		if (ebda_seg && *ebda_seg)
			rsdp = scan_rsdp((phys_addr_t)*ebda_seg << 4, 1024);
	}
	if (!rsdp)
		rsdp = scan_rsdp(0xe0000, 0x20000);
	if (!rsdp) {
		pr_warn("acpi: no RSDP found; no power-off, legacy interrupt routing\n");
		return;
	}
	memcpy(acpi.oem, rsdp->oem, 6);
	acpi.revision = rsdp->revision;

	bool use_xsdt = rsdp->revision >= 2 && rsdp->xsdt;
	const struct sdt_header *root = map_table(use_xsdt ? rsdp->xsdt : rsdp->rsdt);
	if (!root) {
		pr_warn("acpi: root table unreadable\n");
		return;
	}
	size_t entry = use_xsdt ? 8 : 4;
	size_t n = (root->length - sizeof(*root)) / entry;
	const uint8_t *ents = (const uint8_t *)(root + 1);
	for (size_t i = 0; i < n; i++) {
		uint64_t pa = use_xsdt ? *(const uint64_t *)(ents + i * 8)
				       : *(const uint32_t *)(ents + i * 4);
		const struct sdt_header *t = map_table(pa);
		if (!t)
			continue;
		pr_debug("acpi: table %.4s at %#llx, %u bytes\n", t->sig,
			 (unsigned long long)pa, t->length);
		if (memcmp(t->sig, "APIC", 4) == 0)
			parse_madt(t);
		else if (memcmp(t->sig, "FACP", 4) == 0)
			parse_fadt(t);
	}
	acpi.found = true;
	pr_info("acpi: rev %d, OEM '%s', %d CPU(s), I/O APIC %#llx, S5 %s\n",
		acpi.revision, acpi.oem, acpi.ncpus, (unsigned long long)acpi.ioapic_phys,
		acpi.s5_valid ? "found" : "not found");
}

uint32_t acpi_irq_to_gsi(uint8_t irq, uint16_t *flags)
{
	for (int i = 0; i < acpi.niso; i++)
		if (acpi.iso[i].irq == irq) {
			*flags = acpi.iso[i].flags;
			return acpi.iso[i].gsi;
		}
	*flags = 0;
	return irq;
}

void acpi_poweroff(void)
{
	if (!acpi.s5_valid || !acpi.pm1a_cnt)
		return;
	/* ACPI mode on (SCI_EN) if the firmware left it in legacy mode. */
	if (acpi.smi_cmd && acpi.acpi_enable && !(inw(acpi.pm1a_cnt) & 1)) {
		outb(acpi.smi_cmd, acpi.acpi_enable);
		for (int i = 0; i < 1000000 && !(inw(acpi.pm1a_cnt) & 1); i++)
			__asm__ __volatile__("pause");
	}
	outw(acpi.pm1a_cnt, (uint16_t)((acpi.slp_typa << 10) | (1 << 13)));
	if (acpi.pm1b_cnt)
		outw(acpi.pm1b_cnt, (uint16_t)((acpi.slp_typb << 10) | (1 << 13)));
}
