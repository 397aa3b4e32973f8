/* Error numbers, as Linux defines them; functions return them negated. */
#pragma once

#define EPERM 1
#define ENOENT 2
#define EIO 5
#define E2BIG 7
#define ENOEXEC 8
#define ENOMEM 12
#define EFAULT 14
#define EBUSY 16
#define EEXIST 17
#define ENODEV 19
#define EINVAL 22
#define ENOSPC 28
#define ERANGE 34
#define ENOSYS 38
#define ELOOP 40
#define ENOTSUP 95
#define ETIMEDOUT 110

/* The symbolic name of an errno value ("EINVAL"), or "E?" if unknown. */
const char *errno_name(int err);
