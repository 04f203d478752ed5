/*
 * arch/acpi.h - the few ACPI facts synthos needs (arch/x86_64/acpi.c):
 * where the interrupt controllers are (MADT) and how to power off (FADT
 * and the \_S5 object of the DSDT).
 */
#ifndef ARCH_ACPI_H
#define ARCH_ACPI_H

#include <synthos/types.h>

#define ACPI_MAX_ISO 16

struct acpi_info {
	bool found;
	char oem[7];
	int revision;
	uint64_t lapic_phys;           /* from the MADT (or 0xfee00000) */
	int ncpus;                     /* enabled local APICs */
	uint64_t ioapic_phys;          /* first I/O APIC, 0 if none */
	uint32_t ioapic_gsi_base;
	struct { uint8_t irq; uint32_t gsi; uint16_t flags; } iso[ACPI_MAX_ISO];
	int niso;
	bool has_8259;                 /* MADT PCAT_COMPAT */
	/* power-off */
	uint32_t pm1a_cnt, pm1b_cnt;   /* I/O ports, 0 if absent */
	uint32_t smi_cmd;
	uint8_t acpi_enable;
	bool s5_valid;
	uint16_t slp_typa, slp_typb;
};

extern struct acpi_info acpi;

void acpi_init(void);
/* ISA IRQ -> global system interrupt, with polarity/trigger flags. */
uint32_t acpi_irq_to_gsi(uint8_t irq, uint16_t *flags);
/* Enter S5. Returns only if that failed. */
void acpi_poweroff(void);

#endif
