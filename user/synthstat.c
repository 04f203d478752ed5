/*
 * synthstat - summarize the kernel's synthesized code (/proc/synth).
 *
 *   synthstat          per system call: live regions, calls, average
 *                      synthesis cost, invalidations; then totals
 *                      (from /proc/synth/regions)
 *   synthstat -r       the raw /proc/synth/regions listing
 *   synthstat -i ID    region ID's record (/proc/synth/ID/info)
 *   synthstat -c ID    region ID's machine code as raw bytes on stdout
 *                      (/proc/synth/ID/code)
 *   synthstat -x ID    the same as hex text, 32 bytes a line (safe through
 *                      a serial console): `xxd -r -p` turns it back into
 *                      bytes on the host
 *
 * The cost column is in TSC ticks: guest instructions when the machine runs
 * under -icount, CPU cycles otherwise. On a kernel without /proc/synth
 * (Linux) it says so and exits 1; a region that does not exist (never did,
 * or was retired) is an error too (exit 1). With synth=off the listing's
 * first line says so and there are no regions.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct row {
	char name[32];
	long regions;
	unsigned long long calls, cost, inval;
};

static int usage(void)
{
	fprintf(stderr, "usage: synthstat [-r | -i ID | -c ID | -x ID]\n");
	return 2;
}

/* Region ID's file NAME (code or info) copied to stdout, as hex if asked. */
static int region_file(const char *id, const char *name, int hex)
{
	char *end;
	long n = strtol(id, &end, 10);
	if (!*id || *end || n <= 0) {
		fprintf(stderr, "synthstat: bad region id '%s'\n", id);
		return 2;
	}
	char path[64];
	snprintf(path, sizeof(path), "/proc/synth/%ld/%s", n, name);
	FILE *f = fopen(path, "r");
	if (!f) {
		if (errno == ENOENT)
			fprintf(stderr, "synthstat: no region %ld\n", n);
		else
			fprintf(stderr, "synthstat: %s: %s\n", path, strerror(errno));
		return 1;
	}
	unsigned char buf[4096];
	size_t k, col = 0;
	while ((k = fread(buf, 1, sizeof(buf), f)) > 0) {
		if (!hex) {
			fwrite(buf, 1, k, stdout);
			continue;
		}
		for (size_t i = 0; i < k; i++) {
			printf("%02x", buf[i]);
			if (++col == 32) {
				putchar('\n');
				col = 0;
			}
		}
	}
	if (hex && col)
		putchar('\n');
	fclose(f);
	return 0;
}

int main(int argc, char **argv)
{
	if (access("/proc/synth", F_OK) != 0) {
		printf("synthstat: no /proc/synth: this kernel does not synthesize code\n");
		return 1;
	}
	if (argc == 3 && strcmp(argv[1], "-i") == 0)
		return region_file(argv[2], "info", 0);
	if (argc == 3 && strcmp(argv[1], "-c") == 0)
		return region_file(argv[2], "code", 0);
	if (argc == 3 && strcmp(argv[1], "-x") == 0)
		return region_file(argv[2], "code", 1);
	if (argc > 2 || (argc == 2 && strcmp(argv[1], "-r") != 0))
		return usage();

	FILE *f = fopen("/proc/synth/regions", "r");
	if (!f) {
		fprintf(stderr, "synthstat: /proc/synth/regions: %s\n", strerror(errno));
		return 1;
	}
	char line[4096];
	if (argc == 2) {                        /* -r */
		while (fgets(line, sizeof(line), f))
			fputs(line, stdout);
		return 0;
	}
	/* The columns are found by their names in the listing's second line,
	 * so that columns added to it do not break this. */
	char header[sizeof(line)] = "";
	int col_sys = -1, col_calls = -1, col_cost = -1, col_inval = -1, ncols = 0;
	if (fgets(line, sizeof(line), f))
		snprintf(header, sizeof(header), "%s", line);
	if (fgets(line, sizeof(line), f)) {
		for (char *save, *t = strtok_r(line, " \t\n", &save); t;
		     t = strtok_r(NULL, " \t\n", &save), ncols++) {
			if (!strcmp(t, "syscall"))
				col_sys = ncols;
			else if (!strcmp(t, "calls"))
				col_calls = ncols;
			else if (!strcmp(t, "cost"))
				col_cost = ncols;
			else if (!strcmp(t, "inval"))
				col_inval = ncols;
		}
	}
	if (col_sys < 0 || col_calls < 0 || col_cost < 0 || col_inval < 0) {
		fprintf(stderr, "synthstat: /proc/synth/regions: unknown format\n");
		return 1;
	}
	struct row rows[64];
	int nrows = 0;
	for (int at_start = 1; fgets(line, sizeof(line), f);) {
		/* Only whole region lines count: not code lines, nor the rest
		 * of a line longer than the buffer. */
		int start = at_start;
		at_start = strchr(line, '\n') != NULL;
		if (!start || line[0] < '0' || line[0] > '9')
			continue;
		char *tok[32];
		int n = 0;
		for (char *save, *t = strtok_r(line, " \t\n", &save); t && n < 32;
		     t = strtok_r(NULL, " \t\n", &save))
			tok[n++] = t;
		if (n <= col_sys || n <= col_calls || n <= col_cost || n <= col_inval)
			continue;
		const char *sys = tok[col_sys];
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
		rows[k].calls += strtoull(tok[col_calls], NULL, 10);
		rows[k].cost += strtoull(tok[col_cost], NULL, 10);
		rows[k].inval += strtoull(tok[col_inval], NULL, 10);
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
