/*
 * stencil - turn compiled template objects into stencils: copy-and-patch's
 * build-time half (see docs/SYNTHESIS.md).
 *
 *   stencil OUT.h TEMPLATE.o...
 *
 * Every global function in a template object's .text becomes a stencil:
 * its machine code bytes and its holes. A hole is a relocation against an
 * undefined symbol named HOLE_<name>: the template took the symbol's
 * *address* as a value, so the relocation marks exactly the bytes the
 * synthesizer patches with the run-time constant. Supported relocations:
 *   R_X86_64_64                 a 64-bit immediate (movabs; -mcmodel=large)
 *   R_X86_64_PC32, _PLT32       a rel32 call/jump/rip-relative operand
 *                               (continuations and calls into the kernel)
 *   R_X86_64_32S                a 32-bit absolute the CPU sign-extends (an
 *                               indexed jump through a table in the top
 *                               2 GiB: `jmp *HOLE_table(,%rax,8)`)
 * Anything else -- a second section (.rodata, .data, jump tables, string
 * literals), a relocation against a defined symbol, an unknown type -- is
 * an error: the stencil would not be position-independent in the way the
 * patcher assumes. Fast bodies (functions named fastc_*) run with R8-R11
 * holding user registers and may not call anything: a rel32 hole against
 * a kernel symbol in one is an error too (a rel32 hole against a HOLE_,
 * such as the gauge's RIP-relative counter, is data and fine).
 *
 * Two more things are read from the object:
 *   labels synth_site_stac_N / synth_site_clac_N (template.h USER_BEGIN,
 *     USER_END) become HOLE_SMAP sites: 3-byte instructions the patcher
 *     turns into nops on a CPU without SMAP;
 *   the non-allocated section .synth_assumes (template.h ASSUMES): the
 *     assumptions each template relies on and the events that break them,
 *     copied into its stencil for the synthesizer and /proc/synth.
 *
 * The output header is generated, never edited: code bytes, a hole table
 * (offset, kind, hole name, addend) and, as comments, the disassembly that
 * objdump gives for the object, so a reader sees what will be copied.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_FUNCS 64
#define MAX_HOLES 32

struct hole {
	unsigned long offset;
	const char *kind;
	char name[64];
	long addend;
};

struct func {
	char name[64];
	unsigned long start, size;
	struct hole holes[MAX_HOLES];
	int nholes;
	char assumes[512];
};


static void die(const char *obj, const char *fmt, const char *arg)
{
	fprintf(stderr, "stencil: %s: ", obj);
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	exit(1);
}

static struct hole *add_hole(const char *obj, struct func *f)
{
	if (f->nholes == MAX_HOLES)
		die(obj, "%s", "too many holes");
	return &f->holes[f->nholes++];
}

static void emit_disassembly(FILE *out, const char *obj, const char *func)
{
	char cmd[1024];
	snprintf(cmd, sizeof(cmd), "objdump -d -r --no-show-raw-insn --disassemble=%s '%s' 2>/dev/null", func, obj);
	FILE *p = popen(cmd, "r");
	if (!p)
		return;
	char line[512];
	int started = 0;
	while (fgets(line, sizeof(line), p)) {
		if (!started) {
			if (strstr(line, ">:"))
				started = 1;
			else
				continue;
		}
		line[strcspn(line, "\n")] = 0;
		if (!line[0])
			continue;
		/* Keep comments safe: no comment terminators inside. */
		for (char *s = line; (s = strstr(s, "*/")); )
			s[1] = '|';
		fprintf(out, " *   %s\n", line);
	}
	pclose(p);
}

static void process(FILE *out, const char *obj)
{
	int fd = open(obj, O_RDONLY);
	if (fd < 0)
		die(obj, "cannot open: %s", strerror(errno));
	Elf *e = elf_begin(fd, ELF_C_READ, NULL);
	if (!e || elf_kind(e) != ELF_K_ELF)
		die(obj, "%s", "not an ELF object");
	GElf_Ehdr eh;
	if (!gelf_getehdr(e, &eh) || eh.e_machine != EM_X86_64 || eh.e_type != ET_REL)
		die(obj, "%s", "not an x86-64 relocatable object");
	size_t shstrndx;
	elf_getshdrstrndx(e, &shstrndx);

	Elf_Scn *scn = NULL, *text = NULL, *symtab = NULL, *rela = NULL, *assumes = NULL;
	size_t text_index = 0;
	while ((scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;
		gelf_getshdr(scn, &sh);
		const char *name = elf_strptr(e, shstrndx, sh.sh_name);
		if (sh.sh_type == SHT_SYMTAB)
			symtab = scn;
		else if (strcmp(name, ".text") == 0) {
			text = scn;
			text_index = elf_ndxscn(scn);
		} else if (strcmp(name, ".rela.text") == 0)
			rela = scn;
		else if (strcmp(name, ".synth_assumes") == 0)
			assumes = scn;
		else if ((sh.sh_flags & SHF_ALLOC) && sh.sh_size > 0 && strcmp(name, ".note.GNU-stack") != 0)
			die(obj, "section %s: templates may only have .text (make data a hole)", name);
		else if (sh.sh_type == SHT_RELA && strcmp(name, ".rela.text") != 0 && (sh.sh_flags & SHF_ALLOC))
			die(obj, "relocations for %s", name);
	}
	if (!text || !symtab)
		die(obj, "%s", "no .text or no symbol table");

	GElf_Shdr symsh;
	gelf_getshdr(symtab, &symsh);
	Elf_Data *syms = elf_getdata(symtab, NULL);
	size_t nsyms = symsh.sh_size / symsh.sh_entsize;

	struct func funcs[MAX_FUNCS];
	int nfuncs = 0;
	for (size_t i = 0; i < nsyms; i++) {
		GElf_Sym s;
		gelf_getsym(syms, (int)i, &s);
		if (GELF_ST_TYPE(s.st_info) != STT_FUNC || s.st_shndx != text_index ||
		    GELF_ST_BIND(s.st_info) != STB_GLOBAL)
			continue;
		if (nfuncs == MAX_FUNCS)
			die(obj, "%s", "too many functions");
		struct func *f = &funcs[nfuncs++];
		memset(f, 0, sizeof(*f));
		snprintf(f->name, sizeof(f->name), "%s", elf_strptr(e, symsh.sh_link, s.st_name));
		f->start = s.st_value;
		f->size = s.st_size;
	}

	/* USER_BEGIN/USER_END sites: local labels inside a function. */
	for (size_t i = 0; i < nsyms; i++) {
		GElf_Sym s;
		gelf_getsym(syms, (int)i, &s);
		const char *sname = elf_strptr(e, symsh.sh_link, s.st_name);
		if (s.st_shndx != text_index || strncmp(sname, "synth_site_", 11) != 0)
			continue;
		struct func *f = NULL;
		for (int k = 0; k < nfuncs; k++)
			if (s.st_value >= funcs[k].start && s.st_value < funcs[k].start + funcs[k].size)
				f = &funcs[k];
		if (!f)
			die(obj, "site %s outside any function", sname);
		const unsigned char *c = (const unsigned char *)elf_getdata(text, NULL)->d_buf + s.st_value;
		if (c[0] != 0x0f || c[1] != 0x01 || (c[2] != 0xcb && c[2] != 0xca))
			die(obj, "site %s is not a stac/clac", sname);
		struct hole *h = add_hole(obj, f);
		h->offset = s.st_value - f->start;
		h->kind = "HOLE_SMAP";
		snprintf(h->name, sizeof(h->name), "smap");
		h->addend = 0;
	}
	if (assumes) {
		Elf_Data *ad = elf_getdata(assumes, NULL);
		const char *a = ad->d_buf, *end = a + ad->d_size;
		for (; a < end; a += strlen(a) + 1) {
			const char *c1 = strchr(a, ':');
			const char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
			if (!c2)
				die(obj, "bad ASSUMES entry \"%s\" (want fn:assumption:events)", a);
			struct func *f = NULL;
			for (int k = 0; k < nfuncs; k++)
				if (strlen(funcs[k].name) == (size_t)(c1 - a) &&
				    strncmp(funcs[k].name, a, (size_t)(c1 - a)) == 0)
					f = &funcs[k];
			if (!f)
				die(obj, "ASSUMES names no function of this object: %s", a);
			size_t len = strlen(f->assumes);
			snprintf(f->assumes + len, sizeof(f->assumes) - len, "%s%.*s (%s)",
				 len ? "; " : "", (int)(c2 - c1 - 1), c1 + 1, c2 + 1);
		}
	}
	if (rela) {
		GElf_Shdr rsh;
		gelf_getshdr(rela, &rsh);
		Elf_Data *rd = elf_getdata(rela, NULL);
		size_t nrel = rsh.sh_size / rsh.sh_entsize;
		for (size_t i = 0; i < nrel; i++) {
			GElf_Rela r;
			gelf_getrela(rd, (int)i, &r);
			GElf_Sym s;
			gelf_getsym(syms, (int)GELF_R_SYM(r.r_info), &s);
			const char *sname = elf_strptr(e, symsh.sh_link, s.st_name);
			const char *kind;
			switch (GELF_R_TYPE(r.r_info)) {
			case R_X86_64_64:    kind = "HOLE_ABS64"; break;
			case R_X86_64_PC32:
			case R_X86_64_PLT32: kind = "HOLE_REL32"; break;
			case R_X86_64_32S:   kind = "HOLE_ABS32S"; break;
			default: die(obj, "unsupported relocation against %s", sname);
			}
			if (s.st_shndx != SHN_UNDEF)
				die(obj, "relocation against the defined symbol %s (string literal? jump table?)", sname);
			struct func *f = NULL;
			for (int k = 0; k < nfuncs; k++)
				if (r.r_offset >= funcs[k].start && r.r_offset < funcs[k].start + funcs[k].size)
					f = &funcs[k];
			if (!f)
				die(obj, "relocation outside any function (%s)", sname);
			if (strncmp(f->name, "fastc_", 6) == 0 && strcmp(kind, "HOLE_REL32") == 0 &&
			    strncmp(sname, "HOLE_", 5) != 0)
				die(obj, "fast body calls or jumps to %s: fastc_ bodies may not call out", sname);
			struct hole *h = add_hole(obj, f);
			h->offset = r.r_offset - f->start;
			h->kind = kind;
			h->addend = r.r_addend;
			if (strncmp(sname, "HOLE_", 5) == 0)
				snprintf(h->name, sizeof(h->name), "%s", sname + 5);
			else    /* a call into the kernel: the symbol's address is the hole */
				snprintf(h->name, sizeof(h->name), "&%s", sname);
		}
	}

	Elf_Data *td = elf_getdata(text, NULL);
	const unsigned char *code = td->d_buf;
	for (int k = 0; k < nfuncs; k++) {
		struct func *f = &funcs[k];
		fprintf(out, "/*\n * stencil %s (from %s)\n", f->name, obj);
		emit_disassembly(out, obj, f->name);
		fprintf(out, " */\n");
		fprintf(out, "static const uint8_t stencil_%s_code[%lu] = {", f->name, f->size);
		for (unsigned long i = 0; i < f->size; i++)
			fprintf(out, "%s0x%02x,", i % 12 ? " " : "\n\t", code[f->start + i]);
		fprintf(out, "\n};\n");
		for (int h = 0; h < f->nholes; h++)
			if (f->holes[h].name[0] == '&')
				fprintf(out, "extern char stencil_ksym_%s[] __asm__(\"%s\");\n",
					f->holes[h].name + 1, f->holes[h].name + 1);
		fprintf(out, "static const struct stencil_hole stencil_%s_holes[] = {\n", f->name);
		for (int h = 0; h < f->nholes; h++) {
			struct hole *x = &f->holes[h];
			if (x->name[0] == '&')
				fprintf(out, "\t{ %lu, %s, HOLE_KERNEL, \"%s\", %ld, (uint64_t)stencil_ksym_%s },\n",
					x->offset, x->kind, x->name + 1, x->addend, x->name + 1);
			else
				fprintf(out, "\t{ %lu, %s, HOLE_%s, \"%s\", %ld, 0 },\n",
					x->offset, x->kind, x->name, x->name, x->addend);
		}
		fprintf(out, "\t{ 0, 0, 0, 0, 0, 0 }\n};\n");
		fprintf(out, "static const struct stencil stencil_%s = {\n\t\"%s\", stencil_%s_code, %lu,\n\tstencil_%s_holes, %d,\n\t\"%s\"\n};\n\n",
			f->name, f->name, f->name, f->size, f->name, f->nholes, f->assumes);
	}
	elf_end(e);
	close(fd);
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: stencil OUT.h TEMPLATE.o...\n");
		return 2;
	}
	if (elf_version(EV_CURRENT) == EV_NONE) {
		fprintf(stderr, "stencil: libelf too old\n");
		return 1;
	}
	char tmp[4096];
	snprintf(tmp, sizeof(tmp), "%s.tmp", argv[1]);
	FILE *out = fopen(tmp, "w");
	if (!out) {
		perror(tmp);
		return 1;
	}
	fprintf(out, "/* generated by tools/stencil from the template objects - do not edit */\n");
	for (int i = 2; i < argc; i++)
		process(out, argv[i]);
	fclose(out);
	if (rename(tmp, argv[1])) {
		perror(argv[1]);
		return 1;
	}
	return 0;
}
