/*
 * guest.image.paging-io: guests/mb1/paging_io.S, a 32-bit guest, under
 * 32-bit and PAE paging.  It fetches an MMIO instruction through the guest's
 * page walk (vmx/page_walk.c) across two pages and does string port I/O
 * (vmx/exit_string_io.c) through a window of pages mapped out of order;
 * this test serves its MMIO page and its port and checks, at every stage
 * the guest reports, the registers, the bytes moved, the guest's memory and
 * the page faults it took (the stage list is in the guest's header).
 * guest.string-io64: the same string I/O from a 64-bit guest.
 */
#include "ktest_vmx.h"
#include "lib/string.h"
#include "loader/load.h"
#include "vmx/exit_reason.h"

#define STR_PORT 0x5f0
#define SYNC_PORT 0x5f4
#define DEBUG_EXIT_PORT 0xf4
#define MMIO_GPA 0xc0001000ULL
#define MMIO_READ_GPA (MMIO_GPA + 0x10)
#define ALIAS 0x40000000ULL
#define WIN_D 0x8000	/* window offsets of pages D and B */
#define WIN_B 0x9000
#define LOW_PATTERN_GPA 0xfff0
#define LAST_STAGE 20
#define OUT_MAX 64
#define PF_WRITE 0x2
#define PF_PRESENT_WRITE 0x3
/* The MMIO value of stage n, and the IN data of its element i. */
#define MMIO_VALUE(n) (0x5a5a0000u | (n))
#define COM1_LINE "paging_io: REP OUTSB through COM1"

struct pio_run {
	struct ktest_ctx *t;
	struct vm *vm;
	struct vcpu *v;
	u32 stage;		/* the last stage reported */
	u64 page_d, page_b, page_r;
	u8 out[OUT_MAX];	/* bytes written to STR_PORT since the last stage */
	unsigned int out_len, ins, mmio;
	u64 walks_before, mmio_walks;
};

/* stage n's assertion: the message names the stage */
#define STAGE_EQ(r, seen, expected)                                                       \
	do {                                                                              \
		u64 __s = (u64)(seen), __e = (u64)(expected);                             \
		KT_ASSERT((r)->t, __s == __e, "stage %u: expected %s == 0x%llx, saw 0x%llx", \
			  (r)->stage, #seen, __e, __s);                                   \
	} while (0)

/* The data for IN element i of stage n (the stage about to be reported). */
static u32 in_data(u32 n, unsigned int i)
{
	switch (n) {
	case 9:
		return 0xa0 + i;
	case 10:
		return 0xb001 + i;
	case 11:
		return 0xc0c1c2c3u + i * 0x10101010u;
	case 12:
		return 0xe1e2e3e4u;
	case 15:
		return 0xf0f0 + i;
	case 18:
		return 0x5a;
	default:
		return 0xeeeeeeeeu;	/* a stage that expects no IN fails on its count */
	}
}

/* len bytes at window offset off (pages D and B), from the guest's memory. */
static void win_read(struct pio_run *r, u64 off, u8 *buf, unsigned int len)
{
	for (unsigned int i = 0; i < len; i++, off++) {
		u64 page = off >= WIN_D && off < WIN_B ? r->page_d :
			   off >= WIN_B && off < WIN_B + 0x1000 ? r->page_b : 0;

		KT_ASSERT(r->t, page, "window offset 0x%llx is not D or B", off);
		KT_ASSERT(r->t, !vcpu_read_guest(r->v, page + (off & 0xfff), buf + i, 1),
			  "expected to read gpa 0x%llx", page + (off & 0xfff));
	}
}

static u32 win_u32(struct pio_run *r, u64 off, unsigned int size)
{
	u8 b[4] = { 0 };

	win_read(r, off, b, size);
	return b[0] | b[1] << 8 | b[2] << 16 | (u32)b[3] << 24;
}

/* The bytes written to the port since the last stage are the elements at these offsets. */
static void expect_out(struct pio_run *r, const u64 *offs, unsigned int n, unsigned int size)
{
	u8 want[OUT_MAX];

	for (unsigned int i = 0; i < n; i++)
		win_read(r, offs[i], want + i * size, size);
	STAGE_EQ(r, r->out_len, n * size);
	for (unsigned int i = 0; i < n * size; i++)
		KT_ASSERT(r->t, r->out[i] == want[i],
			  "stage %u: expected byte %u written to be 0x%x, saw 0x%x", r->stage, i,
			  want[i], r->out[i]);
}

/* A page fault the guest caught: CR2 in EBX, the error code in ESI. */
static void expect_pf(struct pio_run *r, u64 cr2, u32 error)
{
	STAGE_EQ(r, (u32)r->v->gprs.rbx, cr2);
	STAGE_EQ(r, (u32)r->v->gprs.rsi, error);
}

static void check_mmio_stage(struct pio_run *r)
{
	/* PAE was turned on by an emulated MOV to CR0 (vmx/exit_cr.c loads the PDPTEs). */
	if (r->stage == 3)
		KT_ASSERT(r->t, r->v->exit_count[EXIT_REASON_CR_ACCESS] >= 1,
			  "stage 3: expected the MOV to CR0 to exit");
	STAGE_EQ(r, r->mmio, 1);
	STAGE_EQ(r, (u32)r->v->gprs.rbx, MMIO_VALUE(r->stage));
	/*
	 * One walk per page the emulator touched: the two the instruction
	 * straddles, and the one its operand reads (the emulator translates the
	 * operand's linear address itself, to check it against the exit's).
	 */
	STAGE_EQ(r, r->mmio_walks, 3);
}

static void check_outs_stage(struct pio_run *r)
{
	struct guest_gprs *g = &r->v->gprs;
	static const u64 s4[] = { 0x8ffc, 0x8ffd, 0x8ffe, 0x8fff, 0x9000, 0x9001, 0x9002, 0x9003 };
	static const u64 s5[] = { 0x9003, 0x9001, 0x8fff, 0x8ffd };
	static const u64 s7[] = { 0x8ffe, 0x8fff, 0x9000, 0x9001 };
	u8 low[16];

	STAGE_EQ(r, r->ins, 0);
	switch (r->stage) {
	case 4:
		expect_out(r, s4, 8, 1);
		STAGE_EQ(r, (u32)g->rsi, ALIAS + 0x9004);
		STAGE_EQ(r, (u32)g->rcx, 0);
		break;
	case 5:
		expect_out(r, s5, 4, 2);
		STAGE_EQ(r, (u32)g->rsi, ALIAS + 0x8ffb);
		STAGE_EQ(r, (u32)g->rcx, 0);
		break;
	case 6:	/* 16-bit address size: SI wrapped to 0, the upper halves kept */
		KT_ASSERT(r->t, !vcpu_read_guest(r->v, LOW_PATTERN_GPA, low, sizeof(low)),
			  "expected to read the low pattern");
		STAGE_EQ(r, r->out_len, sizeof(low));
		KT_ASSERT(r->t, !memcmp(r->out, low, sizeof(low)),
			  "stage 6: expected the 16 bytes at 0xfff0 written");
		STAGE_EQ(r, (u32)g->rsi, 0x12340000);
		STAGE_EQ(r, (u32)g->rcx, 0xabcd0000);
		break;
	case 7:
		expect_out(r, s7, 4, 1);
		STAGE_EQ(r, (u32)g->rsi, ALIAS + 0x8002);
		break;
	case 8:
		STAGE_EQ(r, r->out_len, 0);
		KT_ASSERT(r->t, !strcmp(r->vm->last_line, COM1_LINE),
			  "stage 8: expected COM1's line \"%s\", saw \"%s\"", COM1_LINE,
			  r->vm->last_line);
		STAGE_EQ(r, (u32)g->rcx, 0);
		break;
	}
}

static void check_ins_stage(struct pio_run *r)
{
	struct guest_gprs *g = &r->v->gprs;

	switch (r->stage) {
	case 9:
		STAGE_EQ(r, r->ins, 5);
		for (unsigned int i = 0; i < 5; i++)
			STAGE_EQ(r, win_u32(r, 0x8ffd + i, 1), in_data(9, i));
		STAGE_EQ(r, (u32)g->rdi, ALIAS + 0x9002);
		STAGE_EQ(r, (u32)g->rcx, 0);
		break;
	case 10:
		STAGE_EQ(r, r->ins, 3);
		STAGE_EQ(r, win_u32(r, 0x9001, 2), in_data(10, 0));
		STAGE_EQ(r, win_u32(r, 0x8fff, 2), in_data(10, 1));
		STAGE_EQ(r, win_u32(r, 0x8ffd, 2), in_data(10, 2));
		STAGE_EQ(r, (u32)g->rdi, ALIAS + 0x8ffb);
		break;
	case 11:
		STAGE_EQ(r, r->ins, 2);
		STAGE_EQ(r, win_u32(r, 0x8ffe, 4), in_data(11, 0));
		STAGE_EQ(r, win_u32(r, 0x9002, 4), in_data(11, 1));
		STAGE_EQ(r, (u32)g->rdi, ALIAS + 0x9006);
		break;
	case 12:	/* no REP: ECX untouched; OUTSB sent back INSD's first byte */
		STAGE_EQ(r, r->ins, 1);
		STAGE_EQ(r, r->out_len, 1);
		STAGE_EQ(r, r->out[0], in_data(12, 0) & 0xff);
		STAGE_EQ(r, (u32)g->rcx, 0x77);
		STAGE_EQ(r, (u32)g->rdi, ALIAS + 0x9104);
		STAGE_EQ(r, (u32)g->rsi, ALIAS + 0x9101);
		break;
	case 13:	/* a count of 0 */
		STAGE_EQ(r, r->ins, 0);
		STAGE_EQ(r, r->out_len, 0);
		STAGE_EQ(r, (u32)g->rsi, ALIAS + 0x9200);
		STAGE_EQ(r, (u32)g->rdi, ALIAS + 0x9200);
		break;
	}
}

static void check_fault_stage(struct pio_run *r)
{
	struct guest_gprs *g = &r->v->gprs;
	u8 r0;

	switch (r->stage) {
	case 14:	/* not present at once: nothing moved */
		STAGE_EQ(r, r->ins, 0);
		expect_pf(r, ALIAS + 0xa000, PF_WRITE);
		STAGE_EQ(r, (u32)g->rcx, 3);
		STAGE_EQ(r, (u32)g->rdi, ALIAS + 0xa000);
		break;
	case 15:	/* two elements done, RCX and RDI say so */
		STAGE_EQ(r, r->ins, 2);
		expect_pf(r, ALIAS + 0xa000, PF_WRITE);
		STAGE_EQ(r, (u32)g->rcx, 2);
		STAGE_EQ(r, (u32)g->rdi, ALIAS + 0xa000);
		STAGE_EQ(r, win_u32(r, 0x9ffc, 2), in_data(15, 0));
		STAGE_EQ(r, win_u32(r, 0x9ffe, 2), in_data(15, 1));
		break;
	case 16:	/* within the element: its first half not written either */
		STAGE_EQ(r, r->ins, 0);
		expect_pf(r, ALIAS + 0xa000, PF_WRITE);
		STAGE_EQ(r, (u32)g->rcx, 1);
		STAGE_EQ(r, (u32)g->rdi, ALIAS + 0x9ffe);
		STAGE_EQ(r, win_u32(r, 0x9ffe, 2), in_data(15, 1));
		break;
	case 17:	/* a read-only page with CR0.WP */
		STAGE_EQ(r, r->ins, 0);
		expect_pf(r, ALIAS + 0xb000, PF_PRESENT_WRITE);
		STAGE_EQ(r, (u32)g->rcx, 1);
		break;
	case 18:	/* ... without CR0.WP: written, no fault */
		STAGE_EQ(r, r->ins, 1);
		STAGE_EQ(r, (u32)g->rbx, 0);
		KT_ASSERT(r->t, !vcpu_read_guest(r->v, r->page_r, &r0, 1), "expected to read R");
		STAGE_EQ(r, r0, in_data(18, 0));
		break;
	case 19:	/* OUTS from a not-present page: a read fault */
		STAGE_EQ(r, r->out_len, 0);
		expect_pf(r, ALIAS + 0xa000, 0);
		STAGE_EQ(r, (u32)g->rcx, 2);
		break;
	}
}

static void check_stage(struct pio_run *r, u32 n)
{
	KT_ASSERT(r->t, n == r->stage + 1, "expected stage %u next, saw %u", r->stage + 1, n);
	r->stage = n;
	if (n == 1) {
		r->page_d = (u32)r->v->gprs.rbx;
		r->page_b = (u32)r->v->gprs.rsi;
		r->page_r = (u32)r->v->gprs.rdi;
	} else if (n == 2 || n == 3 || n == LAST_STAGE) {
		check_mmio_stage(r);
	} else if (n <= 8) {
		check_outs_stage(r);
	} else if (n <= 13) {
		check_ins_stage(r);
	} else {
		check_fault_stage(r);
	}
	r->out_len = 0;
	r->ins = 0;
	r->mmio = 0;
}

/* One exit the guest left for the test: 1 to run on, 0 at its end. */
static int pio_exit(struct pio_run *r)
{
	struct vcpu_exit *e = &r->v->exit;

	if (e->reason == VCPU_EXIT_MMIO) {
		KT_ASSERT(r->t, e->mmio.gpa == MMIO_READ_GPA && !e->mmio.is_write && e->mmio.len == 4,
			  "after stage %u: expected a 4-byte read of 0x%llx, saw %s of %u at 0x%llx",
			  r->stage, MMIO_READ_GPA, e->mmio.is_write ? "a write" : "a read",
			  e->mmio.len, e->mmio.gpa);
		e->mmio.data = MMIO_VALUE(r->stage + 1);
		r->mmio++;
		r->mmio_walks = r->v->gva_walks - r->walks_before;
		return 1;
	}
	KT_ASSERT(r->t, e->reason == VCPU_EXIT_IO, "after stage %u: expected I/O or MMIO, saw a %s exit",
		  r->stage, ktest_exit_name(r->v));
	if (e->io.port == STR_PORT && e->io.is_write) {
		KT_ASSERT(r->t, r->out_len + e->io.size <= OUT_MAX, "too many bytes written");
		for (unsigned int i = 0; i < e->io.size; i++)
			r->out[r->out_len++] = (u8)(e->io.data >> (8 * i));
		return 1;
	}
	if (e->io.port == STR_PORT) {
		e->io.data = in_data(r->stage + 1, r->ins++);
		return 1;
	}
	if (e->io.port == SYNC_PORT && e->io.is_write) {
		check_stage(r, e->io.data);
		return 1;
	}
	KT_ASSERT(r->t, e->io.port == DEBUG_EXIT_PORT && e->io.is_write && e->io.data == 0,
		  "after stage %u: expected the exit code 0 on port 0xf4, saw %s of port 0x%x (0x%x)",
		  r->stage, e->io.is_write ? "an OUT" : "an IN", e->io.port, e->io.data);
	return 0;
}

KTEST(test_guest_image_paging_io, "guest.image.paging-io")
{
	struct vm_kernel_args args = { .mem_size = MiB(16), .cmdline = "mb1_paging_io" };
	struct pio_run r = { .t = t };
	struct ucall uc;
	int cmd;

	r.vm = ktest_load_kernel(t, "mb1_paging_io", &args, &r.v);
	if (!r.vm)
		return;
	do {
		r.walks_before = r.v->gva_walks;
		cmd = vm_run(r.v, 0, &uc);
		KT_ASSERT(t, !cmd, "after stage %u: expected no ucall, saw %d", r.stage, cmd);
	} while (pio_exit(&r));
	STAGE_EQ(&r, r.stage, LAST_STAGE);
	vm_destroy(r.vm);
}

#define STRING_IO64_UNMAPPED 0x0000008000000000ULL
#define STRING_IO64_MMIO 0xc0000000ULL
#define STRING_IO64_RAM_END 0x400000ULL
#define STRING_IO64_RAM_LAST_BYTE 0xa5
#define STRING_IO64_MMIO_MAX 8
#define VECTOR_GP 13
#define VECTOR_PF 14

/* guests/string_io.c's bytes at offset off of its buffer: i * 3 + 1. */
static u8 string_io64_byte(unsigned int off)
{
	return (u8)(off * 3 + 1);
}

/* The byte the test serves at MMIO address gpa. */
static u8 string_io64_mmio_byte(u64 gpa)
{
	return (u8)(gpa ^ 0x5a);
}

/* What the guest did between two ucalls: bytes OUT to the port, INs, MMIO accesses. */
struct string_io64_log {
	u8 out[OUT_MAX];
	unsigned int out_len, ins, nr_mmio;
	struct {
		u64 gpa;
		u8 len;
		bool is_write;
		u64 data;
	} mmio[STRING_IO64_MMIO_MAX];
};

/* An MMIO exit: logged, a read answered with string_io64_mmio_byte(). */
static void string_io64_mmio(struct ktest_ctx *t, struct vcpu_exit *e, struct string_io64_log *l)
{
	KT_ASSERT(t, l->nr_mmio < STRING_IO64_MMIO_MAX, "too many MMIO accesses");
	if (!e->mmio.is_write) {
		e->mmio.data = 0;
		for (unsigned int i = 0; i < e->mmio.len; i++)
			e->mmio.data |= (u64)string_io64_mmio_byte(e->mmio.gpa + i) << (8 * i);
	}
	l->mmio[l->nr_mmio].gpa = e->mmio.gpa;
	l->mmio[l->nr_mmio].len = e->mmio.len;
	l->mmio[l->nr_mmio].is_write = e->mmio.is_write;
	l->mmio[l->nr_mmio++].data = e->mmio.data;
}

/* Run the guest to its next ucall, serving port STR_PORT and the MMIO; what it did in *l. */
static int string_io64_run(struct ktest_ctx *t, struct vcpu *v, struct ucall *uc,
			   struct string_io64_log *l)
{
	int cmd;

	memset(l, 0, sizeof(*l));
	while (!(cmd = vm_run(v, 0, uc))) {
		struct vcpu_exit *e = &v->exit;

		if (e->reason == VCPU_EXIT_MMIO) {
			string_io64_mmio(t, e, l);
			continue;
		}
		KT_ASSERT(t, e->reason == VCPU_EXIT_IO && e->io.port == STR_PORT,
			  "expected I/O to port 0x%x, saw a %s exit (port 0x%x)", STR_PORT,
			  ktest_exit_name(v), e->io.port);
		if (e->io.is_write) {
			KT_ASSERT(t, l->out_len + e->io.size <= OUT_MAX, "too many bytes written");
			for (unsigned int i = 0; i < e->io.size; i++)
				l->out[l->out_len++] = (u8)(e->io.data >> (8 * i));
		} else {
			e->io.data = (l->ins + 1) * 0x11111111u;
			l->ins++;
		}
	}
	KT_ASSERT(t, cmd == UCALL_SYNC || cmd == UCALL_DONE, "expected SYNC, saw ucall %d%s%s",
		  cmd, cmd == UCALL_ABORT ? ": " : "", cmd == UCALL_ABORT ? uc->buffer : "");
	return cmd;
}

/* Access i of the log is an MMIO write of len bytes of data at gpa. */
static void string_io64_expect_write(struct ktest_ctx *t, const struct string_io64_log *l,
				     unsigned int i, u64 gpa, u8 len, u64 data)
{
	KT_ASSERT(t, i < l->nr_mmio && l->mmio[i].is_write && l->mmio[i].gpa == gpa &&
		     l->mmio[i].len == len && l->mmio[i].data == data,
		  "MMIO access %u: expected a write of %u bytes 0x%llx at 0x%llx, saw %s of %u "
		  "bytes 0x%llx at 0x%llx", i, len, data, gpa,
		  i < l->nr_mmio ? (l->mmio[i].is_write ? "a write" : "a read") : "none",
		  i < l->nr_mmio ? l->mmio[i].len : 0, i < l->nr_mmio ? l->mmio[i].data : 0,
		  i < l->nr_mmio ? l->mmio[i].gpa : 0);
}

/* Access i of the log is an MMIO read of len bytes at gpa. */
static void string_io64_expect_read(struct ktest_ctx *t, const struct string_io64_log *l,
				    unsigned int i, u64 gpa, u8 len)
{
	KT_ASSERT(t, i < l->nr_mmio && !l->mmio[i].is_write && l->mmio[i].gpa == gpa &&
		     l->mmio[i].len == len,
		  "MMIO access %u: expected a read of %u bytes at 0x%llx", i, len, gpa);
}

/*
 * Stages 6-8, string I/O with MMIO on its memory side: REP INSW into MMIO
 * (its first element split over two MMIO pages, one 1-byte write each),
 * REP OUTSL from MMIO with DF=1 (the bytes served come out, in order), and
 * OUTSW from RAM's last byte and MMIO's first.
 */
static void string_io64_mmio_stages(struct ktest_ctx *t, struct vcpu *v,
				    struct string_io64_log *l)
{
	struct ucall uc;

	KT_ASSERT_EQ(t, string_io64_run(t, v, &uc, l), UCALL_SYNC);
	KT_ASSERT_EQ(t, uc.args[0], 6);
	KT_ASSERT_EQ(t, l->ins, 3);
	KT_ASSERT_EQ(t, l->out_len, 0);
	KT_ASSERT_EQ(t, l->nr_mmio, 4);
	string_io64_expect_write(t, l, 0, STRING_IO64_MMIO + 0xfff, 1, 0x11);
	string_io64_expect_write(t, l, 1, STRING_IO64_MMIO + 0x1000, 1, 0x11);
	string_io64_expect_write(t, l, 2, STRING_IO64_MMIO + 0x1001, 2, 0x2222);
	string_io64_expect_write(t, l, 3, STRING_IO64_MMIO + 0x1003, 2, 0x3333);

	KT_ASSERT_EQ(t, string_io64_run(t, v, &uc, l), UCALL_SYNC);
	KT_ASSERT_EQ(t, uc.args[0], 7);
	KT_ASSERT_EQ(t, l->nr_mmio, 2);
	string_io64_expect_read(t, l, 0, STRING_IO64_MMIO + 0x10, 4);
	string_io64_expect_read(t, l, 1, STRING_IO64_MMIO + 0xc, 4);
	KT_ASSERT_EQ(t, l->out_len, 8);
	for (unsigned int i = 0; i < 4; i++) {
		KT_ASSERT_EQ(t, l->out[i], string_io64_mmio_byte(STRING_IO64_MMIO + 0x10 + i));
		KT_ASSERT_EQ(t, l->out[4 + i], string_io64_mmio_byte(STRING_IO64_MMIO + 0xc + i));
	}

	KT_ASSERT_EQ(t, string_io64_run(t, v, &uc, l), UCALL_SYNC);
	KT_ASSERT_EQ(t, uc.args[0], 8);
	KT_ASSERT_EQ(t, l->nr_mmio, 1);
	string_io64_expect_read(t, l, 0, STRING_IO64_RAM_END, 1);
	KT_ASSERT_EQ(t, l->out_len, 2);
	KT_ASSERT_EQ(t, l->out[0], STRING_IO64_RAM_LAST_BYTE);
	KT_ASSERT_EQ(t, l->out[1], string_io64_mmio_byte(STRING_IO64_RAM_END));
}

/*
 * guests/string_io.c: string I/O from 64-bit mode, with 64- and 32-bit
 * address sizes, DF=1 across a page, a #PF with CR2 at an unmapped address
 * and #GP at a non-canonical one, and MMIO as the memory side (stages
 * 6-8).  The guest checks its registers and memory itself (GUEST_ASSERT);
 * this test checks the bytes written, the count of INs, the MMIO accesses,
 * CR2 and the vectors.
 */
KTEST(test_guest_string_io64, "guest.string-io64")
{
	struct string_io64_log l;
	struct vcpu *v;
	struct ucall uc;
	struct vm *vm = ktest_guest64(t, "string_io", MiB(4), &v);

	if (!vm)
		return;
	KT_ASSERT_EQ(t, string_io64_run(t, v, &uc, &l), UCALL_SYNC);
	KT_ASSERT_EQ(t, uc.args[0], 1);
	KT_ASSERT_EQ(t, l.out_len, 6);
	for (unsigned int i = 0; i < 6; i++)
		KT_ASSERT_EQ(t, l.out[i], string_io64_byte(4096 - 3 + i));
	KT_ASSERT_EQ(t, string_io64_run(t, v, &uc, &l), UCALL_SYNC);
	KT_ASSERT_EQ(t, uc.args[0], 2);
	KT_ASSERT_EQ(t, l.out_len, 3);
	for (unsigned int i = 0; i < 3; i++)
		KT_ASSERT_EQ(t, l.out[i], string_io64_byte(10 + i));
	KT_ASSERT_EQ(t, string_io64_run(t, v, &uc, &l), UCALL_SYNC);
	KT_ASSERT_EQ(t, uc.args[0], 3);
	KT_ASSERT_EQ(t, l.ins, 3);
	KT_ASSERT_EQ(t, string_io64_run(t, v, &uc, &l), UCALL_SYNC);
	KT_ASSERT_EQ(t, uc.args[0], 4);
	KT_ASSERT_EQ(t, uc.args[1], VECTOR_PF);
	KT_ASSERT_EQ(t, v->gprs.cr2, STRING_IO64_UNMAPPED);
	KT_ASSERT_EQ(t, l.ins, 0);
	KT_ASSERT_EQ(t, string_io64_run(t, v, &uc, &l), UCALL_SYNC);
	KT_ASSERT_EQ(t, uc.args[0], 5);
	KT_ASSERT_EQ(t, uc.args[1], VECTOR_GP);
	KT_ASSERT_EQ(t, l.ins, 0);
	string_io64_mmio_stages(t, v, &l);
	KT_ASSERT_EQ(t, string_io64_run(t, v, &uc, &l), UCALL_DONE);
	vm_destroy(vm);
}
