/* Offsets into struct guest_gprs for assembly (checked in vmx/run.c). */
#pragma once

#define GPRS_RAX 0
#define GPRS_RCX 8
#define GPRS_RDX 16
#define GPRS_RBX 24
#define GPRS_RBP 40
#define GPRS_RSI 48
#define GPRS_RDI 56
#define GPRS_R8 64
#define GPRS_R9 72
#define GPRS_R10 80
#define GPRS_R11 88
#define GPRS_R12 96
#define GPRS_R13 104
#define GPRS_R14 112
#define GPRS_R15 120
#define GPRS_CR2 128
