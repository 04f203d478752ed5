/*
 * hello - the smallest useful static program: prints one line and exits 0.
 * usertests execs it (exec, vfork, posix_spawn, threads, exec-100 tests),
 * so its output is fixed: "hello, world\n".
 */
#include <stdio.h>

int main(void)
{
	printf("hello, world\n");
	return 0;
}
