/*
 * boot.S - the first instructions: multiboot headers, 32-bit entry, switch
 * to long mode, jump to the higher half, call kmain().
 *
 * Entry contract (multiboot v1 from QEMU -kernel, multiboot2 from GRUB):
 * 32-bit protected mode, paging off, flat segments, interrupts off,
 * EAX = loader magic, EBX = physical address of the boot information.
 * We do not trust the loader's stack or GDT.
 *
 * Early page tables (in .bss, zeroed by the loader) map the first 4 GiB
 * three times with 2 MiB pages: identity (for the jump out of this file),
 * the direct map at DIRECT_MAP_BASE, and the kernel image at KERNEL_VMA
 * (first 1 GiB). arch/x86_64/paging.c replaces them with the real tables.
 */
#include <arch/boot.h>

#define MB1_MAGIC      0x1BADB002
#define MB1_FLAGS      ((1 << 1) | (1 << 16))  /* want memory map; address fields valid */
#define MB2_MAGIC      0xE85250D6
#define MB2_ARCH_I386  0

#define PHYS(sym)      ((sym) - KERNEL_VMA)

	.section .multiboot, "a"
	.balign 4
mb1_header:
	.long MB1_MAGIC
	.long MB1_FLAGS
	.long -(MB1_MAGIC + MB1_FLAGS)
	.long mb1_header          /* header_addr: .boot runs at its load address */
	.long __boot_phys_start   /* load_addr */
	.long __load_end_phys     /* load_end_addr */
	.long __bss_end_phys      /* bss_end_addr */
	.long _start32            /* entry_addr */

	.balign 8
mb2_header:
	.long MB2_MAGIC
	.long MB2_ARCH_I386
	.long mb2_header_end - mb2_header
	.long -(MB2_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))
	/* information request: cmdline, modules, memory map, ACPI RSDPs */
	.balign 8
	.word 1, 0
	.long 8 + 4 * 6
	.long 1, 3, 6, 14, 15, 2
	.balign 8
	/* end tag */
	.word 0, 0
	.long 8
mb2_header_end:

	.section .boot.text, "ax"
	.code32
	.globl _start32
_start32:
	cli
	cld
	movl $PHYS(boot_stack_top), %esp
	movl %eax, PHYS(boot_magic)
	movl %ebx, PHYS(boot_info_phys)

	/* Long mode available? (CPUID 0x80000001 EDX bit 29) */
	movl $0x80000000, %eax
	cpuid
	cmpl $0x80000001, %eax
	jb no_long_mode
	movl $0x80000001, %eax
	cpuid
	testl $(1 << 29), %edx
	jz no_long_mode

	/* PD entries: 2048 x 2 MiB = 4 GiB, present | writable | large. */
	movl $PHYS(boot_pd), %edi
	xorl %ecx, %ecx
1:	movl %ecx, %eax
	shll $21, %eax
	orl $0x83, %eax
	movl %eax, (%edi,%ecx,8)
	movl %ecx, %eax
	shrl $11, %eax                 /* bits 32.. of the physical address */
	movl %eax, 4(%edi,%ecx,8)
	incl %ecx
	cmpl $2048, %ecx
	jb 1b

	/* PDPT for the low 4 GiB: four PDs. */
	movl $PHYS(boot_pdpt_low), %edi
	movl $PHYS(boot_pd) + 0x003, 0(%edi)
	movl $PHYS(boot_pd) + 0x1003, 8(%edi)
	movl $PHYS(boot_pd) + 0x2003, 16(%edi)
	movl $PHYS(boot_pd) + 0x3003, 24(%edi)

	/* PDPT for the top 512 GiB: entry 510 = KERNEL_VMA -> first GiB. */
	movl $PHYS(boot_pdpt_high), %edi
	movl $PHYS(boot_pd) + 0x003, 510*8(%edi)

	/* PML4: identity (0), direct map (256), kernel (511). */
	movl $PHYS(boot_pml4), %edi
	movl $PHYS(boot_pdpt_low) + 0x003, 0(%edi)
	movl $PHYS(boot_pdpt_low) + 0x003, 256*8(%edi)
	movl $PHYS(boot_pdpt_high) + 0x003, 511*8(%edi)

	movl %edi, %cr3
	movl %cr4, %eax
	orl $(1 << 5), %eax            /* PAE */
	movl %eax, %cr4
	movl $0xC0000080, %ecx         /* EFER */
	rdmsr
	orl $(1 << 8), %eax            /* LME */
	wrmsr
	movl %cr0, %eax
	orl $0x80010001, %eax          /* PG | WP | PE */
	movl %eax, %cr0

	lgdt boot_gdt_desc
	ljmp $0x08, $start64_low

no_long_mode:
	/* Say why on COM1, then stop: there is nothing else we can do. */
	movl $no_lm_msg, %esi
2:	movb (%esi), %al
	testb %al, %al
	jz 4f
	movw $0x3fd, %dx
3:	inb %dx, %al
	testb $0x20, %al
	jz 3b
	movb (%esi), %al
	movw $0x3f8, %dx
	outb %al, %dx
	incl %esi
	jmp 2b
4:	hlt
	jmp 4b

	.code64
start64_low:
	movabsq $start64_high, %rax
	jmp *%rax

	.section .boot.data, "a"
no_lm_msg:
	.asciz "synthos: this CPU has no long mode (x86-64); cannot boot\r\n"
	.balign 8
boot_gdt:
	.quad 0
	.quad 0x00af9a000000ffff       /* 0x08: kernel code, 64-bit */
	.quad 0x00cf92000000ffff       /* 0x10: kernel data */
boot_gdt_end:
boot_gdt_desc:
	.word boot_gdt_end - boot_gdt - 1
	.long boot_gdt

	.text
start64_high:
	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	xorw %ax, %ax
	movw %ax, %fs
	movw %ax, %gs
	movabsq $boot_stack_top, %rsp
	xorl %ebp, %ebp
	movl boot_magic(%rip), %edi
	movl boot_info_phys(%rip), %esi
	call kmain
5:	cli
	hlt
	jmp 5b

	.bss
	.balign 4096
	.globl boot_pml4
boot_pml4:      .skip 4096
boot_pdpt_low:  .skip 4096
boot_pdpt_high: .skip 4096
boot_pd:        .skip 4096 * 4
	.globl boot_stack_bottom, boot_stack_top
boot_stack_bottom:
	.skip BOOT_STACK_SIZE
boot_stack_top:
	.balign 8
boot_magic:     .long 0
boot_info_phys: .long 0
