/* errno_name: symbolic names for the error codes slotvisor returns. */
#include "lib/errno.h"
#include "compiler.h"

static const char *const names[] = {
	[EPERM] = "EPERM",   [ENOENT] = "ENOENT", [EIO] = "EIO",
	[E2BIG] = "E2BIG",   [ENOEXEC] = "ENOEXEC", [ENOMEM] = "ENOMEM", [EFAULT] = "EFAULT",
	[EBUSY] = "EBUSY",   [EEXIST] = "EEXIST", [ENODEV] = "ENODEV",
	[EINVAL] = "EINVAL", [ENOSPC] = "ENOSPC", [ERANGE] = "ERANGE",
	[ENOSYS] = "ENOSYS", [ELOOP] = "ELOOP",   [ENOTSUP] = "ENOTSUP",
	[ETIMEDOUT] = "ETIMEDOUT",
};

const char *errno_name(int err)
{
	if (err < 0)
		err = -err;
	if ((unsigned int)err < ARRAY_SIZE(names) && names[err])
		return names[err];
	return "E?";
}
