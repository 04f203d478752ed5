/* bench-true - the smallest static program: exit(0) with no libc. The
 * program bench's exec_tiny_static execs, so that operation measures the
 * kernel's execve, not a C library's start-up. */
void _start(void) __attribute__((noreturn));
void _start(void)
{
	__asm__ __volatile__("mov $60, %eax\n\txor %edi, %edi\n\tsyscall");
	__builtin_unreachable();
}
