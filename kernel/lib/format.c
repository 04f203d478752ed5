/*
 * format.c - the kernel's printf engine (API and conversions in
 * <synthos/format.h>).
 *
 * kvformat() walks the format once. Literal text between conversions goes
 * to the sink as one piece; each conversion is parsed into a struct spec
 * (flags, width, precision, length) and printed as
 *
 *     [spaces] [sign or 0x prefix] [zeros] digits-or-text [spaces]
 *
 * with the C standard's rules for which of those parts exist. Numbers are
 * widened to a 64-bit magnitude plus a sign before printing, so INT64_MIN
 * and UINT64_MAX need no special cases. Arguments are only ever read with
 * the type gcc's -Wformat checked against, so a call that compiles cleanly
 * reads exactly the arguments it passed.
 *
 * Called by kernel/log.c (klog, kprintf, panic) and by anything that needs
 * ksnprintf. Pure code: no locks, no allocation, no static mutable state,
 * so it is safe in interrupt and panic context and may be re-entered from
 * inside a sink.
 */
#include <synthos/format.h>
#include <synthos/string.h>

#define FMT_INT_MAX __INT_MAX__

enum {
	F_LEFT  = 1 << 0,       /* '-': pad on the right */
	F_ZERO  = 1 << 1,       /* '0': pad numbers with zeros */
	F_PLUS  = 1 << 2,       /* '+': always print a sign */
	F_SPACE = 1 << 3,       /* ' ': a space where '+' would go */
	F_ALT   = 1 << 4,       /* '#': 0x prefix, leading octal 0 */
};

enum length { LEN_NONE, LEN_HH, LEN_H, LEN_L, LEN_LL, LEN_Z, LEN_T, LEN_J };

struct spec {
	unsigned flags;
	size_t width;           /* 0: none */
	int prec;               /* -1: none */
	enum length len;
};

struct out {
	format_sink_t sink;
	void *ctx;
	size_t count;           /* characters produced so far */
};

static void emit(struct out *o, const char *s, size_t n)
{
	if (n) {
		o->sink(o->ctx, s, n);
		o->count += n;
	}
}

/* Padding goes out in chunks of a constant string, never byte by byte. */
static void pad(struct out *o, char c, size_t n)
{
	static const char spaces[] = "                                ";
	static const char zeros[]  = "00000000000000000000000000000000";
	const char *src = c == '0' ? zeros : spaces;
	const size_t chunk = sizeof(spaces) - 1;

	while (n) {
		size_t k = n < chunk ? n : chunk;
		emit(o, src, k);
		n -= k;
	}
}

/* Text (%s, %c, "(nil)"): only width and '-' apply. */
static void put_text(struct out *o, const struct spec *sp, const char *s, size_t n)
{
	size_t fill = sp->width > n ? sp->width - n : 0;

	if (!(sp->flags & F_LEFT))
		pad(o, ' ', fill);
	emit(o, s, n);
	if (sp->flags & F_LEFT)
		pad(o, ' ', fill);
}

/*
 * One integer. mag is the magnitude, neg its sign (only for signed
 * conversions); prefix is "0x"/"0X" when it applies, else "".
 */
static void put_number(struct out *o, const struct spec *sp, uint64_t mag,
		       bool neg, bool is_signed, unsigned base, bool upper,
		       const char *prefix)
{
	const char *digit = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char buf[24];           /* 22 octal digits hold 64 bits */
	size_t nd = 0, plen = 0, zeros = 0, len;
	char pre[3];

	/* The C rule: precision 0 and value 0 print no digits at all. */
	if (!(mag == 0 && sp->prec == 0)) {
		do {
			buf[sizeof(buf) - ++nd] = digit[mag % base];
			mag /= base;
		} while (mag);
	}
	const char *digits = buf + sizeof(buf) - nd;

	if (is_signed) {
		if (neg)
			pre[plen++] = '-';
		else if (sp->flags & F_PLUS)
			pre[plen++] = '+';
		else if (sp->flags & F_SPACE)
			pre[plen++] = ' ';
	}
	for (; *prefix; prefix++)
		pre[plen++] = *prefix;

	if (sp->prec > 0 && (size_t)sp->prec > nd)
		zeros = (size_t)sp->prec - nd;
	/* '#' with %o: the first digit printed must be a 0. */
	if ((sp->flags & F_ALT) && base == 8 && zeros == 0 &&
	    (nd == 0 || digits[0] != '0'))
		zeros = 1;

	len = plen + zeros + nd;
	/* '0' pads between the sign/prefix and the digits, but a precision
	 * or '-' turns it off. */
	if ((sp->flags & (F_ZERO | F_LEFT)) == F_ZERO && sp->prec < 0 &&
	    sp->width > len) {
		zeros += sp->width - len;
		len = sp->width;
	}

	if (!(sp->flags & F_LEFT) && sp->width > len)
		pad(o, ' ', sp->width - len);
	emit(o, pre, plen);
	pad(o, '0', zeros);
	emit(o, digits, nd);
	if ((sp->flags & F_LEFT) && sp->width > len)
		pad(o, ' ', sp->width - len);
}

/* Decimal digits at *pp, saturating at INT_MAX instead of overflowing. */
static int parse_num(const char **pp)
{
	const char *p = *pp;
	int v = 0;

	while (*p >= '0' && *p <= '9') {
		int d = *p++ - '0';
		v = v > (FMT_INT_MAX - d) / 10 ? FMT_INT_MAX : v * 10 + d;
	}
	*pp = p;
	return v;
}

/*
 * The argument readers take a va_list pointer to a va_copy: the va_list
 * parameter of kvformat is an array type on x86-64, and &parameter would
 * have the wrong type.
 */
static int64_t arg_signed(va_list *ap, enum length len)
{
	switch (len) {
	case LEN_HH: return (signed char)va_arg(*ap, int);
	case LEN_H:  return (short)va_arg(*ap, int);
	case LEN_L:  return va_arg(*ap, long);
	case LEN_LL: return va_arg(*ap, long long);
	case LEN_Z:  return va_arg(*ap, ssize_t);
	case LEN_T:  return va_arg(*ap, ptrdiff_t);
	case LEN_J:  return va_arg(*ap, intmax_t);
	default:     return va_arg(*ap, int);
	}
}

static uint64_t arg_unsigned(va_list *ap, enum length len)
{
	switch (len) {
	case LEN_HH: return (unsigned char)va_arg(*ap, unsigned int);
	case LEN_H:  return (unsigned short)va_arg(*ap, unsigned int);
	case LEN_L:  return va_arg(*ap, unsigned long);
	case LEN_LL: return va_arg(*ap, unsigned long long);
	case LEN_Z:  return va_arg(*ap, size_t);
	case LEN_T:  return (uint64_t)va_arg(*ap, ptrdiff_t);
	case LEN_J:  return va_arg(*ap, uintmax_t);
	default:     return va_arg(*ap, unsigned int);
	}
}

int kvformat(format_sink_t sink, void *ctx, const char *fmt, va_list ap_in)
{
	struct out o = { sink, ctx, 0 };
	va_list ap;
	const char *p = fmt;

	va_copy(ap, ap_in);
	while (*p) {
		if (*p != '%') {
			const char *run = p;
			while (*p && *p != '%')
				p++;
			emit(&o, run, (size_t)(p - run));
			continue;
		}

		const char *start = p++;
		struct spec sp = { 0, 0, -1, LEN_NONE };

		for (;; p++) {
			if (*p == '-')       sp.flags |= F_LEFT;
			else if (*p == '0')  sp.flags |= F_ZERO;
			else if (*p == '+')  sp.flags |= F_PLUS;
			else if (*p == ' ')  sp.flags |= F_SPACE;
			else if (*p == '#')  sp.flags |= F_ALT;
			else if (*p == '\'') { }   /* grouping: none in the C locale */
			else break;
		}

		if (*p == '*') {
			int w = va_arg(ap, int);
			p++;
			/* A negative '*' width means '-' and its absolute value;
			 * the unsigned negation is right even for INT_MIN. */
			if (w < 0) {
				sp.flags |= F_LEFT;
				sp.width = -(unsigned int)w;
			} else {
				sp.width = (size_t)w;
			}
		} else {
			sp.width = (size_t)parse_num(&p);
		}

		if (*p == '.') {
			p++;
			if (*p == '*') {
				int pr = va_arg(ap, int);
				p++;
				sp.prec = pr < 0 ? -1 : pr;  /* negative: as if none */
			} else {
				sp.prec = parse_num(&p);     /* "%.d" means 0 */
			}
		}

		switch (*p) {
		case 'h':
			sp.len = LEN_H;
			if (*++p == 'h') {
				sp.len = LEN_HH;
				p++;
			}
			break;
		case 'l':
			sp.len = LEN_L;
			if (*++p == 'l') {
				sp.len = LEN_LL;
				p++;
			}
			break;
		case 'q': case 'L': sp.len = LEN_LL; p++; break;
		case 'z': sp.len = LEN_Z; p++; break;
		case 't': sp.len = LEN_T; p++; break;
		case 'j': sp.len = LEN_J; p++; break;
		}

		char conv = *p;
		if (conv)
			p++;

		switch (conv) {
		case 'd':
		case 'i': {
			int64_t v = arg_signed(&ap, sp.len);
			uint64_t mag = v < 0 ? -(uint64_t)v : (uint64_t)v;
			put_number(&o, &sp, mag, v < 0, true, 10, false, "");
			break;
		}
		case 'u':
		case 'x':
		case 'X':
		case 'o': {
			uint64_t v = arg_unsigned(&ap, sp.len);
			unsigned base = conv == 'u' ? 10 : conv == 'o' ? 8 : 16;
			const char *prefix = "";
			if ((sp.flags & F_ALT) && base == 16 && v != 0)
				prefix = conv == 'X' ? "0X" : "0x";
			put_number(&o, &sp, v, false, false, base, conv == 'X', prefix);
			break;
		}
		case 'p': {
			uintptr_t v = (uintptr_t)va_arg(ap, void *);
			if (v == 0)
				put_text(&o, &sp, "(nil)", 5);
			else
				put_number(&o, &sp, v, false, false, 16, false, "0x");
			break;
		}
		case 'c': {
			char c = (char)va_arg(ap, int);
			put_text(&o, &sp, &c, 1);
			break;
		}
		case 's': {
			const char *s = va_arg(ap, const char *);
			if (!s)
				s = "(null)";
			/* With a precision, s need not be terminated: never
			 * look past prec bytes. */
			size_t n = sp.prec >= 0 ? strnlen(s, (size_t)sp.prec) : strlen(s);
			put_text(&o, &sp, s, n);
			break;
		}
		case 'n':
			/* Writing through a format argument is an exploit
			 * primitive with no use in a kernel: consume, ignore. */
			(void)va_arg(ap, void *);
			break;
		case '%':
			emit(&o, "%", 1);
			break;
		default:
			/* Unknown, or fmt ended inside the conversion: show it
			 * as written, so the mistake is visible in the log. */
			emit(&o, start, (size_t)(p - start));
			break;
		}
	}
	va_end(ap);
	return o.count > (size_t)FMT_INT_MAX ? FMT_INT_MAX : (int)o.count;
}

struct strbuf {
	char *buf;
	size_t size;            /* > 0 */
	size_t pos;             /* < size: room for the NUL is kept */
};

static void strbuf_sink(void *ctx, const char *s, size_t n)
{
	struct strbuf *b = ctx;
	size_t room = b->size - 1 - b->pos;

	if (n > room)
		n = room;
	memcpy(b->buf + b->pos, s, n);
	b->pos += n;
}

static void null_sink(void *ctx, const char *s, size_t n)
{
}

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct strbuf b = { buf, size, 0 };
	int n;

	if (size == 0)
		return kvformat(null_sink, NULL, fmt, ap);
	n = kvformat(strbuf_sink, &b, fmt, ap);
	buf[b.pos] = '\0';
	return n;
}

int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
