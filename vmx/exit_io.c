/*
 * Port I/O: every IN and OUT exits (unconditional I/O exiting) and goes to
 * the VMM as an IO exit; an IN completes with the data the VMM supplies on
 * the next vcpu_run().  INS and OUTS go one element per exit the same way
 * (vmx/exit_string_io.c).  Exit qualification: SDM Vol. 3C 28.2.1, Table 28-5.
 */
#include "exit_handlers.h"
#include "vcpu_internal.h"
#include "vmx/vmcs.h"

#define IO_QUAL_SIZE(q) (((q) & 7) + 1)
#define IO_QUAL_IN BIT(3)
#define IO_QUAL_STRING BIT(4)
#define IO_QUAL_REP BIT(5)
#define IO_QUAL_PORT(q) ((u16)((q) >> 16))

int vmx_handle_io(struct vcpu *v)
{
	u64 q = vmcs_readnat(EXIT_QUALIFICATION);
	u8 size = IO_QUAL_SIZE(q);

	/* Every I/O instruction exit, string ones too, counts for its port (the histogram). */
	v->io_exit_count[MIN(IO_QUAL_PORT(q), VCPU_IO_PORTS_COUNTED)]++;
	if (q & IO_QUAL_STRING)
		return vmx_handle_string_io(v, IO_QUAL_PORT(q), size, q & IO_QUAL_IN,
					    q & IO_QUAL_REP);
	v->exit.reason = VCPU_EXIT_IO;
	v->exit.io.port = IO_QUAL_PORT(q);
	v->exit.io.size = size;
	v->exit.io.is_write = !(q & IO_QUAL_IN);
	v->exit.io.data = (u32)(v->gprs.rax & (size == 4 ? 0xffffffffULL : (1ULL << (8 * size)) - 1));
	v->io_in_pending = !v->exit.io.is_write;
	vcpu_skip_instruction(v);
	return 0;
}
