/*
 * dirty_spin: dirty_log_test's guest for a vCPU that keeps running while
 * the VMM fetches the log from another CPU.  It writes the current round
 * (set by the VMM in the control block) to the first word of
 * pseudo-random pages of the dirty-logged slot and counts its writes, until
 * the VMM sets stop.  Each store is done before its count is (x86 orders
 * stores), so once the VMM sees N more writes, N stores have landed.
 */
#include "guest.h"

#define LOG_GPA 0x10000000ULL
#define LOG_PAGES 1040
#define CTRL_GPA 0x300000ULL
#define PAGE 4096

struct dirty_ctrl {
	volatile uint64_t round;
	volatile uint64_t writes;
	volatile uint64_t stop;
};

void guest_main(void)
{
	struct dirty_ctrl *c = (struct dirty_ctrl *)CTRL_GPA;
	uint64_t x = 88172645463325252ULL;

	while (!c->stop) {
		uint64_t round = c->round;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		*(volatile uint64_t *)(LOG_GPA + (x % LOG_PAGES) * PAGE) = round;
		c->writes++;
	}
	GUEST_DONE();
}
