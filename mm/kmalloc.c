/*
 * kmalloc: power-of-two size classes of 16..2048 bytes carved from single
 * 4 KiB frames ("slabs"), and whole frame blocks for anything larger.
 *
 * A slab starts with a header naming its class and holding one "live" bit
 * per object, so kfree can tell a double free or a pointer that is not an
 * object start from a real object without trusting the object's contents.
 * A large block starts with a 16-byte header holding its order; its payload
 * therefore sits at offset 16 of a frame, where no slab object can be.
 * kmalloc(0) gets a 16-byte block like any other small request.
 */
#include "mm/kmalloc.h"
#include "mm/frame.h"
#include "arch/memory.h"
#include "compiler.h"
#include "lib/panic.h"
#include "lib/spinlock.h"
#include "lib/string.h"

#define KMALLOC_MIN_SHIFT 4	/* 16 bytes, the alignment of every block */
#define KMALLOC_NR_CLASSES 8	/* 16, 32, ..., 2048 */
#define KMALLOC_MAX_SMALL (1UL << (KMALLOC_MIN_SHIFT + KMALLOC_NR_CLASSES - 1))

#define SLAB_MAGIC 0x51ab0b1eU
#define LARGE_MAGIC 0x1a76eb10U

/* The first bytes of a slab frame; objects follow at SLAB_HDR_SIZE. */
struct slab {
	u32 magic;
	u16 class;
	u16 inuse;
	struct free_obj *free;		/* free objects of this slab */
	struct slab *next, *prev;	/* in its class's list of slabs with free objects */
	u64 live[4];			/* one bit per object, set while allocated */
};

#define SLAB_HDR_SIZE 64

_Static_assert(sizeof(struct slab) <= SLAB_HDR_SIZE, "slab header too big");
_Static_assert((FRAME_SIZE - SLAB_HDR_SIZE) / 16 <= 64 * ARRAY_SIZE(((struct slab *)0)->live),
	       "live bitmap too small");

/* A free object's first bytes. */
struct free_obj {
	struct free_obj *next;
};

/* The first 16 bytes of a large block; the payload follows. */
struct large {
	u32 magic;
	u32 order;
	u64 unused;
};

#define LARGE_HDR_SIZE 16

_Static_assert(sizeof(struct large) == LARGE_HDR_SIZE, "large header size");

/* All kmalloc state: zero is a valid empty state, so no init is needed. */
static struct {
	struct slab *partial[KMALLOC_NR_CLASSES];	/* slabs with a free object */
} km;

/*
 * Several CPUs allocate at once (rmap descriptors in vCPUs' fault paths on
 * APs, slot structures on the BSP).  Taken before frame_lock(), never after.
 */
static spinlock_t kmalloc_spinlock;

static void kmalloc_lock(void)
{
	spin_lock(&kmalloc_spinlock);
}

static void kmalloc_unlock(void)
{
	spin_unlock(&kmalloc_spinlock);
}

static size_t class_size(unsigned int class)
{
	return (size_t)1 << (KMALLOC_MIN_SHIFT + class);
}

static unsigned int class_objects(unsigned int class)
{
	return (FRAME_SIZE - SLAB_HDR_SIZE) / class_size(class);
}

static unsigned int size_class(size_t size)
{
	unsigned int class = 0;

	while (class_size(class) < size)
		class++;
	return class;
}

static void slab_link(struct slab *s)
{
	s->prev = NULL;
	s->next = km.partial[s->class];
	if (s->next) {
		s->next->prev = s;
	}
	km.partial[s->class] = s;
}

static void slab_unlink(struct slab *s)
{
	if (s->prev) {
		s->prev->next = s->next;
	} else {
		km.partial[s->class] = s->next;
	}
	if (s->next) {
		s->next->prev = s->prev;
	}
}

/* A fresh slab of class with every object on its free list, or NULL. */
static struct slab *slab_new(unsigned int class)
{
	struct slab *s = frame_alloc(0);
	char *obj;
	unsigned int i;

	if (!s) {
		return NULL;
	}
	memset(s, 0, SLAB_HDR_SIZE);
	s->magic = SLAB_MAGIC;
	s->class = (u16)class;
	/* Thread the list backwards so objects go out in address order. */
	obj = (char *)s + SLAB_HDR_SIZE;
	for (i = class_objects(class); i-- > 0;) {
		struct free_obj *o = (struct free_obj *)(obj + i * class_size(class));

		o->next = s->free;
		s->free = o;
	}
	slab_link(s);
	return s;
}

static void *slab_alloc(unsigned int class)
{
	struct slab *s = km.partial[class];
	struct free_obj *o;
	unsigned int idx;

	if (!s) {
		s = slab_new(class);
		if (!s) {
			return NULL;
		}
	}
	o = s->free;
	s->free = o->next;
	s->inuse++;
	idx = ((char *)o - ((char *)s + SLAB_HDR_SIZE)) / class_size(class);
	s->live[idx / 64] |= 1ULL << (idx % 64);
	if (!s->free) {
		slab_unlink(s);
	}
	return o;
}

static void *large_alloc(size_t size)
{
	unsigned int order = 0;
	struct large *l;

	if (size > (FRAME_SIZE << FRAME_MAX_ORDER) - LARGE_HDR_SIZE) {
		return NULL;
	}
	while ((FRAME_SIZE << order) < size + LARGE_HDR_SIZE)
		order++;
	l = frame_alloc(order);
	if (!l) {
		return NULL;
	}
	l->magic = LARGE_MAGIC;
	l->order = order;
	return (char *)l + LARGE_HDR_SIZE;
}

void *kmalloc(size_t size)
{
	void *p;

	kmalloc_lock();
	if (size > KMALLOC_MAX_SMALL) {
		p = large_alloc(size);
	} else {
		p = slab_alloc(size_class(size));
	}
	kmalloc_unlock();
	return p;
}

void *kzalloc(size_t size)
{
	void *p = kmalloc(size);

	if (p) {
		memset(p, 0, size);
	}
	return p;
}

void *kcalloc(size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size) {
		return NULL;
	}
	return kzalloc(n * size);
}

/* What kfree found at a pointer. */
enum kfree_result {
	KFREE_OK,
	KFREE_DOUBLE,
	KFREE_FOREIGN,
};

/* Free the object at offset off of slab s, giving the frame back once it is empty. */
static enum kfree_result slab_free(struct slab *s, void *p, u64 off)
{
	size_t size = class_size(s->class);
	unsigned int idx = (off - SLAB_HDR_SIZE) / size;
	u64 bit = 1ULL << (idx % 64);
	struct free_obj *o = p;

	if ((off - SLAB_HDR_SIZE) % size != 0 || idx >= class_objects(s->class)) {
		return KFREE_FOREIGN;
	}
	if (!(s->live[idx / 64] & bit)) {
		return KFREE_DOUBLE;
	}
	s->live[idx / 64] &= ~bit;
	if (!s->free) {
		slab_link(s);
	}
	o->next = s->free;
	s->free = o;
	if (--s->inuse == 0) {
		slab_unlink(s);
		s->magic = 0;
		frame_free(s);
	}
	return KFREE_OK;
}

static enum kfree_result kfree_locked(void *p)
{
	hpa_t pa = virt_to_phys(p);
	u64 off = pa & (FRAME_SIZE - 1);
	void *frame = phys_to_virt(pa - off);
	struct slab *s = frame;
	struct large *l = frame;

	if (off == LARGE_HDR_SIZE && l->magic == LARGE_MAGIC) {
		/* Clear the magic so a second kfree of p cannot pass for a live block. */
		l->magic = 0;
		frame_free(l);
		return KFREE_OK;
	}
	if (off >= SLAB_HDR_SIZE && s->magic == SLAB_MAGIC) {
		return slab_free(s, p, off);
	}
	return KFREE_FOREIGN;
}

void kfree(void *p)
{
	enum kfree_result r;

	if (!p) {
		return;
	}
	kmalloc_lock();
	r = kfree_locked(p);
	kmalloc_unlock();
	if (r == KFREE_DOUBLE) {
		panic("kfree: double free of %p", p);
	}
	if (r == KFREE_FOREIGN) {
		panic("kfree: %p is not a live kmalloc block (foreign pointer or double free)", p);
	}
}
