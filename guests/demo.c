/*
 * demo: the guest of `make run`.  It reads and writes three memslots (data,
 * read-only, dirty-logged) and says what it sees; between its steps the VMM
 * deletes, re-creates and moves the data slot (console/demo.c).
 */
#include "guest.h"

#define DATA_GPA 0x1000000ULL
#define MOVED_GPA 0x1800000ULL
#define RO_GPA 0x2000000ULL
#define LOG_GPA 0x3000000ULL
#define PAGE 4096

void guest_main(void)
{
	volatile uint64_t *data = (volatile uint64_t *)DATA_GPA;
	volatile uint64_t *moved = (volatile uint64_t *)MOVED_GPA;
	volatile uint64_t *ro = (volatile uint64_t *)RO_GPA;
	volatile uint8_t *log = (volatile uint8_t *)LOG_GPA;

	guest_printf("data slot holds %lx; writing 1111\n", *data);
	*data = 0x1111;
	guest_printf("data slot now holds %lx\n", *data);
	guest_printf("read-only slot holds %lx; writing 0\n", *ro);
	*ro = 0;
	guest_printf("read-only slot still holds %lx\n", *ro);
	log[0 * PAGE] = 1;
	log[2 * PAGE] = 1;
	log[5 * PAGE] = 1;
	guest_printf("wrote pages 0, 2 and 5 of the dirty-logged slot\n");
	GUEST_SYNC(1);
	guest_printf("after the delete, the data slot reads %lx\n", *data);
	GUEST_SYNC(2);
	guest_printf("after re-creating it, the data slot reads %lx; writing 2222\n", *data);
	*data = 0x2222;
	GUEST_SYNC(3);
	guest_printf("after the move, the old address reads %lx, the new one %lx\n", *data,
		     *moved);
}
