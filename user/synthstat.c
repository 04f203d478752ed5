/*
 * synthstat - summarize the kernel's synthesized code (/proc/synth).
 *
 *   synthstat          per system call: live regions, calls, average
 *                      synthesis cost, invalidations; then totals
 *   synthstat -r       the raw /proc/synth listing
 *   synthstat -c ID    region ID's machine code as raw bytes on stdout
 *   synthstat -x ID    the same as hex text (safe through a serial console):
 *                      `xxd -r -p` turns it back into bytes on the host
 *
 * The cost column is in TSC ticks: guest instructions when the machine runs
 * under -icount, CPU cycles otherwise. On a kernel without /proc/synth
 * (Linux, or synthos with synth=off) it says so and exits 1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct row {
	char name[32];
	long regions;
	unsigned long long calls, cost, inval;
};

int main(int argc, char **argv)
{
	FILE *f = fopen("/proc/synth", "r");
	if (!f) {
		printf("synthstat: no /proc/synth: this kernel does not synthesize code\n");
		return 1;
	}
	char line[1024];
	if (argc > 1 && strcmp(argv[1], "-r") == 0) {
		while (fgets(line, sizeof(line), f))
			fputs(line, stdout);
		return 0;
	}
	if (argc > 2 && (strcmp(argv[1], "-c") == 0 || strcmp(argv[1], "-x") == 0)) {
		int want = atoi(argv[2]), found = 0, hex = argv[1][1] == 'x';
		while (fgets(line, sizeof(line), f)) {
			int id;
			if (sscanf(line, "%d", &id) == 1 && id == want && line[0] != ' ') {
				found = 1;
				continue;
			}
			if (found && strncmp(line, "  code:", 7) == 0) {
				for (char *p = line + 7; *p;) {
					char *end;
					long b = strtol(p, &end, 16);
					if (end == p)
						break;
					if (hex)
						printf("%02lx", b);
					else
						putchar((int)b);
					p = end;
				}
				if (hex)
					putchar('\n');
				return 0;
			}
		}
		fprintf(stderr, "synthstat: no region %d\n", want);
		return 1;
	}
	struct row rows[64];
	int nrows = 0;
	char header[1024] = "";
	if (fgets(line, sizeof(line), f))
		snprintf(header, sizeof(header), "%s", line);
	while (fgets(line, sizeof(line), f)) {
		int id, tid;
		char sys[32], tpl[32], var[32], code[32];
		unsigned size, inval;
		unsigned long long calls, cost;
		if (sscanf(line, "%d %d %31s %31s %31s %31s %u %llu %llu %u",
			   &id, &tid, sys, tpl, var, code, &size, &calls, &cost, &inval) != 10)
			continue;
		int k;
		for (k = 0; k < nrows && strcmp(rows[k].name, sys); k++)
			;
		if (k == nrows) {
			if (nrows == 64)
				continue;
			memset(&rows[k], 0, sizeof(rows[k]));
			snprintf(rows[k].name, sizeof(rows[k].name), "%s", sys);
			nrows++;
		}
		rows[k].regions++;
		rows[k].calls += calls;
		rows[k].cost += cost;
		rows[k].inval += inval;
	}
	fputs(header, stdout);
	printf("%-12s %8s %12s %12s %6s\n", "syscall", "regions", "calls", "avg cost", "inval");
	long tr = 0;
	unsigned long long tc = 0;
	for (int k = 0; k < nrows; k++) {
		printf("%-12s %8ld %12llu %12llu %6llu\n", rows[k].name, rows[k].regions, rows[k].calls,
		       rows[k].regions ? rows[k].cost / (unsigned long long)rows[k].regions : 0, rows[k].inval);
		tr += rows[k].regions;
		tc += rows[k].calls;
	}
	printf("%-12s %8ld %12llu\n", "total", tr, tc);
	return 0;
}
