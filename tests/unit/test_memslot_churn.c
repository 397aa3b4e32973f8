/*
 * Randomized churn against a reference model: CREATE, DELETE, MOVE,
 * FLAGS_ONLY, unchanged and malformed requests, faults and dirty-log reads,
 * on two address spaces.  The model predicts every return value, the
 * generations, each fault's level and translation, and each dirty log.
 * After every operation:
 *   - the MMU audit holds (every leaf in a live slot, on the right frame,
 *     in exactly one rmap; every rmap entry a present leaf);
 *   - no translation a CPU may still hold is stale: a model TLB per EPTP
 *     collects every leaf the tables had since that EPTP's last INVEPT
 *     (watched through the fake INVEPT), and each must still be in the
 *     tables; so a zap not followed by a flush before the call returns
 *     fails, and so does a flush issued before the zap;
 *   - after a DELETE or MOVE no leaf is left at all (every root zapped).
 * Destroying the VM must return every frame.  Two negative controls run
 * the same churn with the flush, then the zap, switched off (in a child
 * process, as the VM they leave behind cannot be torn down): each must be
 * caught.  SLOTVISOR_CHURN_OPS sets the operations over all seeds (make stress:
 * 10^6; make test: 6000).
 */
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "memslot_test.h"
#include "arch/invept.h"
#include "ept/iter.h"

#define NR_IDS 6
#define BACKING MiB(16)
#define BACKING_PAGES (BACKING >> GFN_SHIFT)
#define LOW_GFNS (MiB(64) >> GFN_SHIFT)		/* where most slots go */
#define HIGH_GFN (GiB(512) >> GFN_SHIFT)	/* another PML4 entry */
#define NR_SEEDS 4
#define DEFAULT_OPS 6000	/* over all seeds */
#define MAX_CTX 64

struct mslot {
	bool live;
	u32 flags;
	gfn_t gfn;
	u64 npages;
	u64 off;	/* page offset of the backing */
	u64 *dirty;	/* pages written since the last dirty-log read */
};

struct tlb_entry {
	gfn_t gfn;
	u64 hpa;
	u8 level;
	bool writable;
};

/* What a CPU may cache for one EPTP: every leaf seen since its last INVEPT. */
struct tlb_ctx {
	u64 eptp;
	u32 n, cap;
	struct tlb_entry *e;	/* sorted by gfn, level, hpa, writable */
};

struct churn {
	struct kvm *kvm;
	hva_t base;
	u64 rng;
	struct mslot m[2][NR_IDS];
	u64 gen[2];
	struct tlb_ctx ctx[MAX_CTX];
	u32 nctx;
	struct tlb_entry *scratch;	/* one root's leaves */
	u32 scratch_cap;
	bool failed;
	char why[1024];
	u64 done[8];
};

enum op { OP_CREATE, OP_DELETE, OP_MOVE, OP_FLAGS, OP_SAME, OP_BAD, OP_FAULT, OP_DIRTY };

static const char *const op_names[] = { "create", "delete", "move", "flags", "unchanged",
					"malformed", "fault", "dirty-log" };

static __printf(2, 3) bool churn_fail(struct churn *c, const char *fmt, ...)
{
	va_list ap;

	if (!c->failed) {
		va_start(ap, fmt);
		vsnprintf(c->why, sizeof(c->why), fmt, ap);
		va_end(ap);
		c->failed = true;
	}
	return false;
}

static u64 rnd(struct churn *c, u64 n)
{
	c->rng ^= c->rng >> 12;
	c->rng ^= c->rng << 25;
	c->rng ^= c->rng >> 27;
	return ((c->rng * 0x2545f4914f6cdd1dULL) >> 11) % n;
}

/* ---- the model TLB ---- */

static int entry_cmp(const struct tlb_entry *a, const struct tlb_entry *b)
{
	if (a->gfn != b->gfn) {
		return a->gfn < b->gfn ? -1 : 1;
	}
	if (a->level != b->level) {
		return a->level < b->level ? -1 : 1;
	}
	if (a->hpa != b->hpa) {
		return a->hpa < b->hpa ? -1 : 1;
	}
	return (int)a->writable - (int)b->writable;
}

static void reserve(struct tlb_entry **e, u32 *cap, u32 need)
{
	if (need > *cap) {
		*cap = MAX(need, 2 * *cap);
		*e = realloc(*e, *cap * sizeof(**e));
		if (!*e) {
			abort();
		}
	}
}

/* The leaves under root_hpa, in gfn order, into c->scratch; returns how many. */
static u32 collect_leaves(struct churn *c, hpa_t root_hpa)
{
	struct ept_iter it;
	u32 n = 0;

	for_each_ept_pte(it, root_hpa, 0, EPT_MAX_GFN) {
		if (!is_shadow_present_pte(it.old_spte) || !is_last_spte(it.old_spte, it.level)) {
			continue;
		}
		reserve(&c->scratch, &c->scratch_cap, n + 1);
		c->scratch[n++] = (struct tlb_entry){ .gfn = it.gfn, .hpa = spte_to_hpa(it.old_spte),
						      .level = (u8)it.level,
						      .writable = is_writable_pte(it.old_spte) };
	}
	return n;
}

static struct tlb_ctx *ctx_of(struct churn *c, u64 eptp)
{
	u32 i;

	for (i = 0; i < c->nctx; i++) {
		if (c->ctx[i].eptp == eptp) {
			return &c->ctx[i];
		}
	}
	if (c->nctx == MAX_CTX) {
		churn_fail(c, "more than %d EPTPs with cached translations", MAX_CTX);
		return &c->ctx[0];
	}
	c->ctx[c->nctx] = (struct tlb_ctx){ .eptp = eptp };
	return &c->ctx[c->nctx++];
}

/* The root's current leaves (none if there is no such root). */
static u32 current_leaves(struct churn *c, u64 eptp)
{
	struct ept_root *root = ept_find_root(c->kvm, eptp & EPT_ADDR_MASK);

	return root ? collect_leaves(c, root->hpa) : 0;
}

/* An INVEPT of eptp: the CPU now holds only what the tables hold. */
static void ctx_reset(struct churn *c, struct tlb_ctx *x)
{
	u32 n = current_leaves(c, x->eptp);

	reserve(&x->e, &x->cap, n);
	memcpy(x->e, c->scratch, n * sizeof(*x->e));
	x->n = n;
}

static void on_invept(unsigned int type, u64 eptp, void *data)
{
	struct churn *c = data;
	u32 i;

	if (type == INVEPT_SINGLE_CONTEXT) {
		ctx_reset(c, ctx_of(c, eptp & ~(u64)EPTP_AD_ENABLE));
		return;
	}
	for (i = 0; i < c->nctx; i++)
		ctx_reset(c, &c->ctx[i]);
}

/* After an operation, the CPU may cache whatever the tables now hold too. */
static void ctx_add_current(struct churn *c, struct tlb_ctx *x, u32 n)
{
	struct tlb_entry *merged = NULL;
	u32 cap = 0, i = 0, j = 0, k = 0;

	reserve(&merged, &cap, x->n + n + 1);
	while (i < x->n || j < n) {
		int d = i == x->n ? 1 : j == n ? -1 : entry_cmp(&x->e[i], &c->scratch[j]);

		merged[k++] = d <= 0 ? x->e[i] : c->scratch[j];
		i += d <= 0;
		j += d >= 0;
	}
	free(x->e);
	x->e = merged;
	x->cap = cap;
	x->n = k;
}

/* The current leaf (of n in scratch) that maps gfn, or NULL. */
static const struct tlb_entry *leaf_for(const struct churn *c, u32 n, gfn_t gfn)
{
	u32 lo = 0, hi = n;

	while (lo < hi) {
		u32 mid = (lo + hi) / 2;

		if (c->scratch[mid].gfn <= gfn) {
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	if (lo == 0 || gfn >= c->scratch[lo - 1].gfn + ept_level_pages(c->scratch[lo - 1].level)) {
		return NULL;
	}
	return &c->scratch[lo - 1];
}

/* Every translation a CPU may hold for x must still be what the tables say. */
static bool ctx_check(struct churn *c, struct tlb_ctx *x, u32 n)
{
	u32 i;

	for (i = 0; i < x->n; i++) {
		const struct tlb_entry *e = &x->e[i];
		const struct tlb_entry *now = leaf_for(c, n, e->gfn);

		if (now && now->level >= e->level &&
		    now->hpa + ((e->gfn - now->gfn) << GFN_SHIFT) == e->hpa &&
		    (now->writable || !e->writable)) {
			continue;
		}
		return churn_fail(c, "stale translation: EPTP 0x%llx may still map gfn 0x%llx -> 0x%llx "
				  "(level %u, %s) but its tables now %s; no INVEPT after the change",
				  x->eptp, e->gfn, e->hpa, e->level, e->writable ? "writable" : "read-only",
				  now ? "map it differently" : "do not map it");
	}
	return true;
}

static bool tlb_check_and_update(struct churn *c)
{
	struct ept_root *root;
	u32 i, n;

	for_each_tdp_mmu_root(c->kvm, root)
		ctx_of(c, ept_root_eptp(root));
	for (i = 0; i < c->nctx; i++) {
		n = current_leaves(c, c->ctx[i].eptp);
		if (!ctx_check(c, &c->ctx[i], n)) {
			return false;
		}
		ctx_add_current(c, &c->ctx[i], n);
	}
	/* Forget EPTPs that have neither a root nor anything cached. */
	for (i = 0; i < c->nctx;) {
		if (c->ctx[i].n == 0 && !ept_find_root(c->kvm, c->ctx[i].eptp & EPT_ADDR_MASK)) {
			free(c->ctx[i].e);
			c->ctx[i] = c->ctx[--c->nctx];
			c->ctx[c->nctx] = (struct tlb_ctx){ 0 };
		} else {
			i++;
		}
	}
	return true;
}

/* ---- the reference model of kvm_set_memory_region() ---- */

static struct mslot *model_slot(struct churn *c, u32 slot)
{
	u16 as_id = slot >> 16, id = slot & 0xffff;

	return as_id < 2 && id < NR_IDS ? &c->m[as_id][id] : NULL;
}

static bool model_overlaps(struct churn *c, u16 as_id, u16 id, gfn_t gfn, u64 npages)
{
	u16 i;

	for (i = 0; i < NR_IDS; i++) {
		const struct mslot *s = &c->m[as_id][i];

		if (i != id && s->live && gfn < s->gfn + s->npages && s->gfn < gfn + npages) {
			return true;
		}
	}
	return false;
}

static bool backing_ok(struct churn *c, u64 ua, u64 size)
{
	return ua >= c->base && ua + size >= ua && ua + size <= c->base + BACKING;
}

/* KVM's answer to r, and the change it makes. */
static int model_expect(struct churn *c, const struct kvm_userspace_memory_region *r, int *change)
{
	u16 as_id = r->slot >> 16, id = r->slot & 0xffff;
	u64 npages = r->memory_size >> GFN_SHIFT;
	gfn_t gfn = r->guest_phys_addr >> GFN_SHIFT;
	struct mslot *s;

	*change = -1;
	if (id >= KVM_USER_MEM_SLOTS || (r->flags & ~3U) || (r->memory_size | r->guest_phys_addr |
							     r->userspace_addr) % KiB(4)) {
		return -EINVAL;
	}
	if ((r->memory_size && !backing_ok(c, r->userspace_addr, r->memory_size)) || as_id >= 2 ||
	    r->guest_phys_addr + r->memory_size < r->guest_phys_addr) {
		return -EINVAL;
	}
	s = model_slot(c, r->slot);
	if (!r->memory_size) {
		*change = KVM_MR_DELETE;
		return s && s->live ? 0 : -EINVAL;
	}
	*change = KVM_MR_CREATE;
	if (s && s->live) {
		if (r->userspace_addr != c->base + (s->off << GFN_SHIFT) || npages != s->npages ||
		    ((r->flags ^ s->flags) & KVM_MEM_READONLY)) {
			return -EINVAL;
		}
		*change = gfn != s->gfn ? KVM_MR_MOVE : r->flags != s->flags ? KVM_MR_FLAGS_ONLY : -1;
	}
	if ((*change == KVM_MR_CREATE || *change == KVM_MR_MOVE) &&
	    model_overlaps(c, as_id, id, gfn, npages)) {
		return -EEXIST;
	}
	if ((*change == KVM_MR_CREATE || *change == KVM_MR_MOVE) && gfn + npages > (1ULL << 40)) {
		return -EINVAL;
	}
	return 0;
}

static u64 *new_dirty(u64 npages)
{
	u64 *d = calloc((npages + 63) / 64, 8);

	if (!d) {
		abort();
	}
	return d;
}

static void model_apply(struct churn *c, const struct kvm_userspace_memory_region *r, int change)
{
	struct mslot *s = model_slot(c, r->slot);
	u16 as_id = r->slot >> 16;

	if (change == KVM_MR_DELETE) {
		free(s->dirty);
		memset(s, 0, sizeof(*s));
	} else if (change == KVM_MR_CREATE) {
		s->live = true;
		s->npages = r->memory_size >> GFN_SHIFT;
		s->off = (r->userspace_addr - c->base) >> GFN_SHIFT;
	}
	if (change == KVM_MR_CREATE || change == KVM_MR_MOVE) {
		s->gfn = r->guest_phys_addr >> GFN_SHIFT;
	}
	if (change != KVM_MR_DELETE) {
		/* Any change but DELETE takes the request's flags (a MOVE too). */
		if ((r->flags & KVM_MEM_LOG_DIRTY_PAGES) && !s->dirty) {
			s->dirty = new_dirty(s->npages);
		} else if (!(r->flags & KVM_MEM_LOG_DIRTY_PAGES)) {
			free(s->dirty);
			s->dirty = NULL;
		}
		s->flags = r->flags;
	}
	c->gen[as_id] += (change == KVM_MR_DELETE || change == KVM_MR_MOVE) ? 4 : 2;
}

/* ---- operations ---- */

static u64 pick_npages(struct churn *c)
{
	static const u64 sizes[] = { 1, 2, 3, 7, 16, 64, 511, 512, 513, 1024 };

	return sizes[rnd(c, ARRAY_SIZE(sizes))];
}

static gfn_t pick_gfn(struct churn *c, u64 npages)
{
	gfn_t gfn = rnd(c, LOW_GFNS - npages);

	if (rnd(c, 2)) {
		gfn &= ~511ULL;
	}
	return rnd(c, 10) == 0 ? HIGH_GFN + gfn : gfn;
}

static struct mslot *pick_live(struct churn *c, u16 *as_id, u16 *id)
{
	u16 a, i, n = 0, k;

	for (a = 0; a < 2; a++) {
		for (i = 0; i < NR_IDS; i++)
			n += c->m[a][i].live;
	}
	if (!n) {
		return NULL;
	}
	k = rnd(c, n);
	for (a = 0; a < 2; a++) {
		for (i = 0; i < NR_IDS; i++) {
			if (c->m[a][i].live && k-- == 0) {
				*as_id = a;
				*id = i;
				return &c->m[a][i];
			}
		}
	}
	return NULL;
}

static struct kvm_userspace_memory_region request_for(struct churn *c, u16 as_id, u16 id,
						       const struct mslot *s)
{
	return mt_region(MT_SLOT(as_id, id), s->flags, gfn_to_gpa(s->gfn), s->npages << GFN_SHIFT,
			 c->base + (s->off << GFN_SHIFT));
}

/* A request of kind op (a change, or a malformed one). */
static struct kvm_userspace_memory_region make_request(struct churn *c, enum op op)
{
	u16 as_id = rnd(c, 4) == 0, id = rnd(c, NR_IDS);
	struct mslot s = { 0 }, *live = pick_live(c, &as_id, &id);
	struct kvm_userspace_memory_region r;

	if (op == OP_CREATE || op == OP_BAD || !live) {
		as_id = rnd(c, 4) == 0;
		id = rnd(c, NR_IDS);
		s.npages = pick_npages(c);
		s.gfn = pick_gfn(c, s.npages);
		s.off = rnd(c, BACKING_PAGES - s.npages + 1);
		s.off = rnd(c, 2) ? s.off & ~511ULL : s.off;
		s.flags = rnd(c, 4);
		live = &s;
	}
	r = request_for(c, as_id, id, live);
	if (op == OP_DELETE) {
		r.memory_size = 0;
	} else if (op == OP_MOVE) {
		r.guest_phys_addr = rnd(c, 3) ? gfn_to_gpa(pick_gfn(c, live->npages))
					      : r.guest_phys_addr + (rnd(c, 2) ? KiB(4) : -KiB(4));
	} else if (op == OP_FLAGS) {
		r.flags ^= rnd(c, 8) ? KVM_MEM_LOG_DIRTY_PAGES : KVM_MEM_READONLY;
	}
	return r;
}

static void corrupt(struct churn *c, struct kvm_userspace_memory_region *r)
{
	switch (rnd(c, 9)) {
	case 0: r->flags |= 1U << (2 + rnd(c, 30)); break;
	case 1: r->guest_phys_addr |= 0x800; break;
	case 2: r->memory_size += 0x200; break;
	case 3: r->userspace_addr += 8; break;
	case 4: r->userspace_addr = c->base + BACKING - KiB(4) * rnd(c, 2); break;
	case 5: r->slot |= 2U << 16; break;
	case 6: r->slot = (r->slot & ~0xffffU) | (KVM_USER_MEM_SLOTS + rnd(c, 4)); break;
	case 7: r->guest_phys_addr = -KiB(4) * (1 + rnd(c, 2)); break;
	default: r->guest_phys_addr = (1ULL << 52) - KiB(4) * rnd(c, 2); break;
	}
}

static bool check_generations(struct churn *c)
{
	u16 as_id;

	for (as_id = 0; as_id < 2; as_id++) {
		if (mt_gen(c->kvm, as_id) != c->gen[as_id]) {
			return churn_fail(c, "as %u generation: expected %llu, got %llu", as_id,
					  c->gen[as_id], mt_gen(c->kvm, as_id));
		}
	}
	return true;
}

static bool op_request(struct churn *c, enum op op)
{
	struct kvm_userspace_memory_region r = make_request(c, op);
	int change, want, got;

	if (op == OP_BAD) {
		corrupt(c, &r);
	}
	want = model_expect(c, &r, &change);
	got = kvm_set_memory_region(c->kvm, &r);
	if (got != want) {
		return churn_fail(c, "%s: slot 0x%x flags 0x%x gpa 0x%llx size 0x%llx backing +0x%llx: "
				  "expected %d, got %d", op_names[op], r.slot, r.flags, r.guest_phys_addr,
				  r.memory_size, r.userspace_addr - c->base, want, got);
	}
	if (got == 0 && change >= 0) {
		model_apply(c, &r, change);
	}
	if (got == 0 && (change == KVM_MR_DELETE || change == KVM_MR_MOVE) &&
	    c->kvm->stat.leaves[0] + c->kvm->stat.leaves[1] + c->kvm->stat.leaves[2]) {
		return churn_fail(c, "leaves survived a %s", change == KVM_MR_DELETE ? "DELETE" : "MOVE");
	}
	return check_generations(c);
}

static const struct mslot *model_lookup(struct churn *c, u16 as_id, gfn_t gfn)
{
	u16 i;

	for (i = 0; i < NR_IDS; i++) {
		const struct mslot *s = &c->m[as_id][i];

		if (s->live && gfn >= s->gfn && gfn < s->gfn + s->npages) {
			return s;
		}
	}
	return NULL;
}

static hpa_t model_hpa(struct churn *c, const struct mslot *s, gfn_t gfn)
{
	return mt_hpa(c->base) + ((s->off + gfn - s->gfn) << GFN_SHIFT);
}

/* The level KVM's rules give a fault at gfn of s. */
static int model_level(struct churn *c, const struct mslot *s, gfn_t gfn)
{
	int level;

	if (s->flags & KVM_MEM_LOG_DIRTY_PAGES) {
		return PG_LEVEL_4K;
	}
	for (level = PG_LEVEL_1G; level > PG_LEVEL_4K; level--) {
		u64 pages = ept_level_pages(level);
		gfn_t chunk = gfn & ~(pages - 1);

		if (chunk >= s->gfn && chunk + pages <= s->gfn + s->npages &&
		    ((model_hpa(c, s, chunk) >> GFN_SHIFT) & (pages - 1)) == 0) {
			return level;
		}
	}
	return PG_LEVEL_4K;
}

static bool op_fault(struct churn *c)
{
	u16 as_id = rnd(c, 4) == 0, id;
	const struct mslot *s = rnd(c, 5) ? pick_live(c, &as_id, &id) : NULL;
	gfn_t gfn = s ? s->gfn + rnd(c, s->npages) : pick_gfn(c, 1);
	gpa_t gpa = gfn_to_gpa(gfn) + rnd(c, 512) * 8;
	bool write = rnd(c, 2);
	int want, got, level;
	hpa_t hpa;
	bool w;

	s = model_lookup(c, as_id, gfn);
	/* A 4-level EPT cannot map 2^48 and above: MMIO too. */
	want = !s || gfn >= EPT_MAX_GFN ? -EFAULT : (write && (s->flags & KVM_MEM_READONLY)) ? -EPERM : model_level(c, s, gfn);
	got = kvm_tdp_page_fault(c->kvm, as_id, gpa, write ? EPT_ACCESS_WRITE : EPT_ACCESS_READ);
	if (got != want) {
		return churn_fail(c, "fault as %u gpa 0x%llx %s: expected %d, got %d", as_id, gpa,
				  write ? "write" : "read", want, got);
	}
	if (got < 0) {
		return true;
	}
	if (ept_translate(c->kvm, as_id, gpa, &hpa, &level, &w) || level != got ||
	    hpa != model_hpa(c, s, gfn) + (gpa & 0xfff) || (write && !w)) {
		return churn_fail(c, "after a fault as %u gpa 0x%llx: translation wrong", as_id, gpa);
	}
	if (write && s->dirty) {
		s->dirty[(gfn - s->gfn) / 64] |= 1ULL << ((gfn - s->gfn) % 64);
	}
	return true;
}

static bool op_dirty(struct churn *c)
{
	u16 as_id = rnd(c, 4) == 0, id = rnd(c, NR_IDS + 1);
	struct mslot *s;
	u64 bitmap[16], i;
	int want, got;

	if (rnd(c, 5)) {
		pick_live(c, &as_id, &id);
	}
	s = model_slot(c, MT_SLOT(as_id, id));
	want = id >= NR_IDS || !s->live || !s->dirty ? -ENOENT : 0;
	got = kvm_get_dirty_log(c->kvm, MT_SLOT(as_id, id), bitmap);
	if (got != want) {
		return churn_fail(c, "dirty log of slot 0x%x: expected %d, got %d", MT_SLOT(as_id, id),
				  want, got);
	}
	if (got) {
		return true;
	}
	for (i = 0; i < (s->npages + 63) / 64; i++) {
		if (bitmap[i] != s->dirty[i]) {
			return churn_fail(c, "dirty log of slot 0x%x word %llu: expected 0x%llx, got 0x%llx",
					  MT_SLOT(as_id, id), i, s->dirty[i], bitmap[i]);
		}
		s->dirty[i] = 0;
	}
	return true;
}

/* The VM's slots are the model's. */
static bool check_slots(struct churn *c)
{
	u16 as_id, id;

	for (as_id = 0; as_id < 2; as_id++) {
		for (id = 0; id < NR_IDS; id++) {
			const struct mslot *m = &c->m[as_id][id];
			struct kvm_memory_slot *s = id_to_memslot(__kvm_memslots(c->kvm, as_id), id);

			if (!m->live != !s || (s && (s->base_gfn != m->gfn || s->npages != m->npages ||
						      s->flags != m->flags ||
						      s->userspace_addr != c->base + (m->off << GFN_SHIFT)))) {
				return churn_fail(c, "slot %u of as %u: model %s gfn 0x%llx npages %llu "
						  "flags %u off %llu; VM %s gfn 0x%llx npages %llu flags %u "
						  "off %llu", id, as_id, m->live ? "live" : "none", m->gfn,
						  m->npages, m->flags, m->off, s ? "live" : "none",
						  s ? s->base_gfn : 0, s ? s->npages : 0, s ? s->flags : 0,
						  s ? (s->userspace_addr - c->base) >> GFN_SHIFT : 0);
			}
		}
	}
	return true;
}

static bool churn_step(struct churn *c)
{
	static const enum op weights[] = { OP_CREATE, OP_CREATE, OP_CREATE, OP_DELETE, OP_DELETE,
					   OP_MOVE, OP_MOVE, OP_FLAGS, OP_FLAGS, OP_SAME, OP_BAD,
					   OP_BAD, OP_DIRTY, OP_FAULT, OP_FAULT, OP_FAULT, OP_FAULT,
					   OP_FAULT, OP_FAULT, OP_FAULT, OP_FAULT };
	enum op op = weights[rnd(c, ARRAY_SIZE(weights))];
	char why[512];
	bool ok;

	ok = op == OP_FAULT ? op_fault(c) : op == OP_DIRTY ? op_dirty(c) : op_request(c, op);
	c->done[op]++;
	if (!ok) {
		return false;
	}
	if (ept_audit(c->kvm, why, sizeof(why))) {
		return churn_fail(c, "after a %s: %s", op_names[op], why);
	}
	return check_slots(c) && tlb_check_and_update(c);
}

/* Run ops operations from seed; false with c->why at the first failure. */
static bool churn_run(struct churn *c, u64 seed, u64 ops, bool no_flush, bool no_zap)
{
	u64 i;

	memset(c, 0, sizeof(*c));
	c->rng = seed * 0x9e3779b97f4a7c15ULL + 1;
	c->kvm = kvm_create_vm();
	if (!c->kvm || memslot_backing_alloc(c->kvm, BACKING, &c->base)) {
		return churn_fail(c, "no VM");
	}
	c->kvm->debug.no_flush = no_flush;
	c->kvm->debug.no_zap = no_zap;
	c->gen[1] = 1;
	fake_invept_hook = on_invept;
	fake_invept_hook_data = c;
	for (i = 0; i < ops; i++) {
		if (!churn_step(c)) {
			snprintf(c->why + strlen(c->why), sizeof(c->why) - strlen(c->why),
				 " (seed %llu, operation %llu)", seed, i);
			return false;
		}
	}
	return true;
}

static void churn_free(struct churn *c)
{
	u16 as_id, id;
	u32 i;

	fake_invept_hook = NULL;
	kvm_destroy_vm(c->kvm);
	for (as_id = 0; as_id < 2; as_id++) {
		for (id = 0; id < NR_IDS; id++)
			free(c->m[as_id][id].dirty);
	}
	for (i = 0; i < c->nctx; i++)
		free(c->ctx[i].e);
	free(c->scratch);
}

static u64 ops_per_seed(void)
{
	const char *s = getenv("SLOTVISOR_CHURN_OPS");

	return ((s ? strtoull(s, NULL, 0) : DEFAULT_OPS) + NR_SEEDS - 1) / NR_SEEDS;
}

static void churn_matches_the_model_and_leaves_nothing_stale(void **state)
{
	static struct churn c;
	u64 seed, ops = ops_per_seed();
	unsigned int op;

	print_message("# %d seeds, %llu operations each, %llu in all\n", NR_SEEDS, ops, NR_SEEDS * ops);
	for (seed = 1; seed <= NR_SEEDS; seed++) {
		mt_mem_init(MiB(128));
		if (!churn_run(&c, seed, ops, false, false)) {
			mt_fail("%s", c.why);
		}
		print_message("# seed %llu: %llu operations:", seed, ops);
		for (op = 0; op < ARRAY_SIZE(op_names); op++)
			print_message(" %s %llu", op_names[op], c.done[op]);
		print_message("; %llu INVEPTs, %llu roots\n", c.kvm->stat.invept,
			      c.kvm->stat.roots_allocated);
		churn_free(&c);
		mt_expect_frames_back();
	}
}

/*
 * Run the churn with a switch off in a child process; it must fail.  The
 * child reports its verdict by exit status and its message through a pipe.
 */
static void expect_caught(bool no_flush, bool no_zap, const char *what)
{
	static struct churn c;
	char why[1024] = { 0 };
	int fd[2], status;
	pid_t pid;
	ssize_t n;

	assert_int_equal(pipe(fd), 0);
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		bool ok;

		close(fd[0]);
		mt_mem_init(MiB(128));
		ok = churn_run(&c, 7, 5000, no_flush, no_zap);
		n = write(fd[1], c.why, strlen(c.why));
		_exit(ok || n < 0 ? 1 : 0);
	}
	close(fd[1]);
	n = read(fd[0], why, sizeof(why) - 1);
	close(fd[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || n <= 0) {
		mt_fail("with %s switched off the churn test did not fail (status 0x%x)", what, status);
	}
	print_message("# with %s off, caught: %s\n", what, why);
}

static void churn_catches_a_missing_flush(void **state)
{
	expect_caught(true, false, "the flush");
}

static void churn_catches_a_missing_zap(void **state)
{
	expect_caught(false, true, "the zap");
}

#define T(name) cmocka_unit_test_teardown(name, mt_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(churn_matches_the_model_and_leaves_nothing_stale),
		T(churn_catches_a_missing_flush),
		T(churn_catches_a_missing_zap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
