/*
 * arch/boot.h - constants shared by boot.S and C.
 */
#ifndef ARCH_BOOT_H
#define ARCH_BOOT_H

#define KERNEL_VMA       0xffffffff80000000
#define BOOT_STACK_SIZE  16384

#define MB1_BOOT_MAGIC   0x2BADB002
#define MB2_BOOT_MAGIC   0x36d76289

#endif
