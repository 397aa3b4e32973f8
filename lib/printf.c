/*
 * kvsnprintf: the one formatter behind every console line.  Written for
 * clarity over speed; no floating point (the kernel has no SSE).
 */
#include "lib/printf.h"
#include "types.h"

struct out {
	char *buf;
	size_t size;
	size_t len;	/* characters the full output needs */
};

struct spec {
	bool left;	/* '-' */
	bool zero;	/* '0' */
	bool alt;	/* '#' */
	bool plus;	/* '+' */
	bool space;	/* ' ' */
	int width;
	int prec;	/* -1: none */
	int length;	/* 0, 'h', 'H' (hh), 'l', 'L' (ll), 'z' */
};

static void out_char(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void out_pad(struct out *o, char c, int n)
{
	while (n-- > 0)
		out_char(o, c);
}

static void out_str(struct out *o, const struct spec *s, const char *str)
{
	int len = 0;

	if (!str)
		str = "(null)";
	while (str[len] && (s->prec < 0 || len < s->prec))
		len++;
	if (!s->left)
		out_pad(o, ' ', s->width - len);
	for (int i = 0; i < len; i++)
		out_char(o, str[i]);
	if (s->left)
		out_pad(o, ' ', s->width - len);
}

/* Emit an integer: sign or prefix, precision zeros, digits, width padding. */
static void out_num(struct out *o, const struct spec *s, u64 val, bool neg,
		    unsigned int base, bool upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	const char *prefix = "";
	int n = 0, zeros, pad;

	do {
		tmp[n++] = digits[val % base];
		val /= base;
	} while (val);
	if (s->prec == 0 && n == 1 && tmp[0] == '0')
		n = 0;

	if (neg)
		prefix = "-";
	else if (s->plus)
		prefix = "+";
	else if (s->space)
		prefix = " ";
	else if (s->alt && base == 16 && n)
		prefix = upper ? "0X" : "0x";
	else if (s->alt && base == 8 && (n == 0 || tmp[n - 1] != '0'))
		prefix = "0";

	int plen = 0;
	while (prefix[plen])
		plen++;
	zeros = s->prec > n ? s->prec - n : 0;
	pad = s->width - plen - zeros - n;
	if (s->zero && !s->left && s->prec < 0) {
		zeros += pad > 0 ? pad : 0;
		pad = 0;
	}
	if (!s->left)
		out_pad(o, ' ', pad);
	for (int i = 0; i < plen; i++)
		out_char(o, prefix[i]);
	out_pad(o, '0', zeros);
	while (n)
		out_char(o, tmp[--n]);
	if (s->left)
		out_pad(o, ' ', pad);
}

static const char *parse_spec(const char *fmt, struct spec *s, va_list *ap)
{
	*s = (struct spec){ .prec = -1 };
	for (;; fmt++) {
		if (*fmt == '-')
			s->left = true;
		else if (*fmt == '0')
			s->zero = true;
		else if (*fmt == '#')
			s->alt = true;
		else if (*fmt == '+')
			s->plus = true;
		else if (*fmt == ' ')
			s->space = true;
		else
			break;
	}
	if (*fmt == '*') {
		s->width = va_arg(*ap, int);
		if (s->width < 0) {
			s->left = true;
			s->width = -s->width;
		}
		fmt++;
	}
	while (*fmt >= '0' && *fmt <= '9')
		s->width = s->width * 10 + (*fmt++ - '0');
	if (*fmt == '.') {
		fmt++;
		s->prec = 0;
		if (*fmt == '*') {
			s->prec = va_arg(*ap, int);
			if (s->prec < 0)
				s->prec = -1;
			fmt++;
		}
		while (*fmt >= '0' && *fmt <= '9')
			s->prec = s->prec * 10 + (*fmt++ - '0');
	}
	if (fmt[0] == 'h' && fmt[1] == 'h') {
		s->length = 'H';
		fmt += 2;
	} else if (fmt[0] == 'l' && fmt[1] == 'l') {
		s->length = 'L';
		fmt += 2;
	} else if (*fmt == 'h' || *fmt == 'l' || *fmt == 'z') {
		s->length = *fmt++;
	}
	return fmt;
}

static u64 arg_unsigned(const struct spec *s, va_list *ap)
{
	switch (s->length) {
	case 'H': return (unsigned char)va_arg(*ap, unsigned int);
	case 'h': return (unsigned short)va_arg(*ap, unsigned int);
	case 'l': return va_arg(*ap, unsigned long);
	case 'L': return va_arg(*ap, unsigned long long);
	case 'z': return va_arg(*ap, size_t);
	default: return va_arg(*ap, unsigned int);
	}
}

static s64 arg_signed(const struct spec *s, va_list *ap)
{
	switch (s->length) {
	case 'H': return (signed char)va_arg(*ap, int);
	case 'h': return (short)va_arg(*ap, int);
	case 'l': return va_arg(*ap, long);
	case 'L': return va_arg(*ap, long long);
	case 'z': return (s64)va_arg(*ap, size_t);
	default: return va_arg(*ap, int);
	}
}

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { .buf = buf, .size = size };
	struct spec s;
	va_list args;

	va_copy(args, ap);
	while (*fmt) {
		if (*fmt != '%') {
			out_char(&o, *fmt++);
			continue;
		}
		fmt = parse_spec(fmt + 1, &s, &args);
		switch (*fmt) {
		case 'd':
		case 'i': {
			s64 v = arg_signed(&s, &args);
			out_num(&o, &s, v < 0 ? -(u64)v : (u64)v, v < 0, 10, false);
			break;
		}
		case 'u':
			out_num(&o, &s, arg_unsigned(&s, &args), false, 10, false);
			break;
		case 'x':
		case 'X':
			out_num(&o, &s, arg_unsigned(&s, &args), false, 16, *fmt == 'X');
			break;
		case 'o':
			out_num(&o, &s, arg_unsigned(&s, &args), false, 8, false);
			break;
		case 'p':
			s.alt = true;
			s.length = 'l';
			out_num(&o, &s, (u64)(uintptr_t)va_arg(args, void *), false, 16,
				false);
			break;
		case 's':
			out_str(&o, &s, va_arg(args, const char *));
			break;
		case 'c': {
			char c[2] = { (char)va_arg(args, int), 0 };
			s.prec = 1;
			out_str(&o, &s, c);
			break;
		}
		case '%':
			out_char(&o, '%');
			break;
		case '\0':
			fmt--;	/* a lone '%' at the end: print nothing */
			break;
		default:	/* unknown conversion: show it, don't guess */
			out_char(&o, '%');
			out_char(&o, *fmt);
			break;
		}
		fmt++;
	}
	va_end(args);
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
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
