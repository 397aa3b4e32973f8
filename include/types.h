/* Fixed-width types and address types shared by every layer. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
/* long long, as in Linux, so that %llx prints a u64 without a cast. */
typedef unsigned long long u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef long long s64;

/* Host physical address: what the frame allocator hands out and EPT points at. */
typedef u64 hpa_t;
/* Host virtual address: a pointer into the hypervisor's direct map or image. */
typedef u64 hva_t;
