/*
 * ACPI static tables: just enough to find the FADT and power the machine
 * off (PM1 control ports and the \_S5 sleep type), and to read the MADT's
 * processors and interrupt controllers for SMP bring-up.  The tables are reached
 * only through phys_to_virt(), so host unit tests can lay them out in the
 * fake arena.  Layouts follow the ACPI 6.x specification, chapter 5.2.
 */
#pragma once

#include "compiler.h"
#include "types.h"

#define ACPI_RSDP_SIG		"RSD PTR "
#define ACPI_RSDP_V1_LEN	20
#define ACPI_RSDP_V2_LEN	36
#define ACPI_SDT_HEADER_LEN	36

/* Generic Address Structure address spaces. */
#define ACPI_GAS_SYSTEM_MEMORY	0
#define ACPI_GAS_SYSTEM_IO	1

/* PM1 control register bits. */
#define ACPI_PM1_SCI_EN		BIT(0)
#define ACPI_PM1_SLP_TYP_SHIFT	10
#define ACPI_PM1_SLP_TYP_MASK	(7 << ACPI_PM1_SLP_TYP_SHIFT)
#define ACPI_PM1_SLP_EN		BIT(13)

/* Root System Description Pointer; the fields from length on are rev >= 2. */
struct acpi_rsdp {
	char signature[8];		/* "RSD PTR " */
	u8 checksum;			/* over the first 20 bytes */
	char oem_id[6];
	u8 revision;			/* 0 for ACPI 1.0, 2 for 2.0 and later */
	u32 rsdt_address;
	u32 length;			/* of the whole RSDP */
	u64 xsdt_address;
	u8 extended_checksum;		/* over length bytes */
	u8 reserved[3];
} __packed;
_Static_assert(sizeof(struct acpi_rsdp) == ACPI_RSDP_V2_LEN, "RSDP v2 is 36 bytes");
_Static_assert(__builtin_offsetof(struct acpi_rsdp, length) == ACPI_RSDP_V1_LEN,
	       "RSDP v1 is 20 bytes");
_Static_assert(__builtin_offsetof(struct acpi_rsdp, xsdt_address) == 24, "RSDP xsdt_address");

/* The header every system description table starts with. */
struct acpi_sdt_header {
	char signature[4];
	u32 length;			/* of the whole table, header included */
	u8 revision;
	u8 checksum;			/* makes all length bytes sum to 0 */
	char oem_id[6];
	char oem_table_id[8];
	u32 oem_revision;
	u32 creator_id;
	u32 creator_revision;
} __packed;
_Static_assert(sizeof(struct acpi_sdt_header) == ACPI_SDT_HEADER_LEN, "SDT header is 36 bytes");

/* Generic Address Structure. */
struct acpi_gas {
	u8 address_space_id;		/* ACPI_GAS_* */
	u8 register_bit_width;
	u8 register_bit_offset;
	u8 access_size;
	u64 address;
} __packed;
_Static_assert(sizeof(struct acpi_gas) == 12, "GAS is 12 bytes");

/*
 * Fixed ACPI Description Table ("FACP").  Older firmware supplies a shorter
 * table (ACPI 1.0's ends after flags, at 116 bytes): check header.length
 * before reading a field (acpi_fadt_has()).
 */
struct acpi_fadt {
	struct acpi_sdt_header header;
	u32 firmware_ctrl;
	u32 dsdt;
	u8 reserved0;
	u8 preferred_pm_profile;
	u16 sci_int;
	u32 smi_cmd;
	u8 acpi_enable;
	u8 acpi_disable;
	u8 s4bios_req;
	u8 pstate_cnt;
	u32 pm1a_evt_blk;
	u32 pm1b_evt_blk;
	u32 pm1a_cnt_blk;
	u32 pm1b_cnt_blk;
	u32 pm2_cnt_blk;
	u32 pm_tmr_blk;
	u32 gpe0_blk;
	u32 gpe1_blk;
	u8 pm1_evt_len;
	u8 pm1_cnt_len;
	u8 pm2_cnt_len;
	u8 pm_tmr_len;
	u8 gpe0_blk_len;
	u8 gpe1_blk_len;
	u8 gpe1_base;
	u8 cst_cnt;
	u16 p_lvl2_lat;
	u16 p_lvl3_lat;
	u16 flush_size;
	u16 flush_stride;
	u8 duty_offset;
	u8 duty_width;
	u8 day_alrm;
	u8 mon_alrm;
	u8 century;
	u16 iapc_boot_arch;
	u8 reserved1;
	u32 flags;
	struct acpi_gas reset_reg;
	u8 reset_value;
	u16 arm_boot_arch;
	u8 minor_version;
	u64 x_firmware_ctrl;
	u64 x_dsdt;
	struct acpi_gas x_pm1a_evt_blk;
	struct acpi_gas x_pm1b_evt_blk;
	struct acpi_gas x_pm1a_cnt_blk;
	struct acpi_gas x_pm1b_cnt_blk;
	struct acpi_gas x_pm2_cnt_blk;
	struct acpi_gas x_pm_tmr_blk;
	struct acpi_gas x_gpe0_blk;
	struct acpi_gas x_gpe1_blk;
	struct acpi_gas sleep_control_reg;
	struct acpi_gas sleep_status_reg;
	u64 hypervisor_vendor_id;
} __packed;
#define ACPI_FADT_OFF(f) __builtin_offsetof(struct acpi_fadt, f)
_Static_assert(ACPI_FADT_OFF(dsdt) == 40, "FADT DSDT");
_Static_assert(ACPI_FADT_OFF(smi_cmd) == 48, "FADT SMI_CMD");
_Static_assert(ACPI_FADT_OFF(acpi_enable) == 52, "FADT ACPI_ENABLE");
_Static_assert(ACPI_FADT_OFF(sci_int) == 46, "FADT SCI_INT");
_Static_assert(ACPI_FADT_OFF(pm1a_evt_blk) == 56, "FADT PM1a_EVT_BLK");
_Static_assert(ACPI_FADT_OFF(pm1a_cnt_blk) == 64, "FADT PM1a_CNT_BLK");
_Static_assert(ACPI_FADT_OFF(pm_tmr_blk) == 76, "FADT PM_TMR_BLK");
_Static_assert(ACPI_FADT_OFF(pm1_evt_len) == 88, "FADT PM1_EVT_LEN");
_Static_assert(ACPI_FADT_OFF(pm_tmr_len) == 91, "FADT PM_TMR_LEN");
_Static_assert(ACPI_FADT_OFF(p_lvl2_lat) == 96, "FADT P_LVL2_LAT");
_Static_assert(ACPI_FADT_OFF(pm1b_cnt_blk) == 68, "FADT PM1b_CNT_BLK");
_Static_assert(ACPI_FADT_OFF(pm1_cnt_len) == 89, "FADT PM1_CNT_LEN");
_Static_assert(ACPI_FADT_OFF(flags) == 112, "FADT Flags");
_Static_assert(ACPI_FADT_OFF(reset_reg) == 116, "FADT RESET_REG");
_Static_assert(ACPI_FADT_OFF(x_dsdt) == 140, "FADT X_DSDT");
_Static_assert(ACPI_FADT_OFF(x_firmware_ctrl) == 132, "FADT X_FIRMWARE_CTRL");
_Static_assert(ACPI_FADT_OFF(x_pm1a_evt_blk) == 148, "FADT X_PM1a_EVT_BLK");
_Static_assert(ACPI_FADT_OFF(x_pm1a_cnt_blk) == 172, "FADT X_PM1a_CNT_BLK");
_Static_assert(ACPI_FADT_OFF(x_pm_tmr_blk) == 208, "FADT X_PM_TMR_BLK");
_Static_assert(ACPI_FADT_OFF(x_pm1b_cnt_blk) == 184, "FADT X_PM1b_CNT_BLK");
_Static_assert(ACPI_FADT_OFF(x_gpe1_blk) == 232, "FADT X_GPE1_BLK");
_Static_assert(sizeof(struct acpi_fadt) == 276, "FADT (ACPI 6.x) is 276 bytes");

/* FADT Flags (5.2.9, Table 5.10) that a machine with fixed hardware states. */
#define ACPI_FADT_WBINVD	BIT(0)	/* WBINVD flushes caches: required of every machine */
#define ACPI_FADT_PROC_C1	BIT(2)	/* C1 (HLT) works on every processor */
#define ACPI_FADT_PWR_BUTTON	BIT(4)	/* no fixed-hardware power button */
#define ACPI_FADT_SLP_BUTTON	BIT(5)	/* no fixed-hardware sleep button */
#define ACPI_FADT_HW_REDUCED	BIT(20)	/* no fixed hardware, no SCI */
#define ACPI_FADT_NO_C2_LAT	101	/* P_LVL2_LAT above 100: no C2 (5.2.9) */
#define ACPI_FADT_NO_C3_LAT	1001	/* P_LVL3_LAT above 1000: no C3 */

/*
 * Firmware ACPI Control Structure ("FACS", ACPI 6.5 5.2.10): no checksum,
 * 64-byte aligned; OSPM writes the waking vector firmware jumps to after
 * S3 (real mode at vector >> 4 : vector & 0xf, 16.3).
 */
#define ACPI_FACS_SIG		"FACS"
#define ACPI_FACS_LEN		64
#define ACPI_FACS_ALIGN		64
#define ACPI_FACS_VERSION	2
struct acpi_facs {
	char signature[4];
	u32 length;
	u32 hardware_signature;
	u32 firmware_waking_vector;	/* real-mode address OSPM resumes at */
	u32 global_lock;
	u32 flags;
	u64 x_firmware_waking_vector;	/* 0: use firmware_waking_vector */
	u8 version;
	u8 reserved0[3];
	u32 ospm_flags;
	u8 reserved1[24];
} __packed;
_Static_assert(sizeof(struct acpi_facs) == ACPI_FACS_LEN, "FACS is 64 bytes");
_Static_assert(__builtin_offsetof(struct acpi_facs, firmware_waking_vector) == 12,
	       "FACS Firmware_Waking_Vector");
_Static_assert(__builtin_offsetof(struct acpi_facs, x_firmware_waking_vector) == 24,
	       "FACS X_Firmware_Waking_Vector");
_Static_assert(__builtin_offsetof(struct acpi_facs, version) == 32, "FACS Version");

/* Does the FADT f, as long as its header says, contain the field? */
#define acpi_fadt_has(f, field) \
	((f)->header.length >= ACPI_FADT_OFF(field) + sizeof((f)->field))

/* What powering off through ACPI needs; ports are system I/O ports. */
struct acpi_pm {
	u16 pm1a_cnt;		/* PM1a control block, never 0 on success */
	u16 pm1b_cnt;		/* PM1b control block, 0 if none */
	u32 smi_cmd;		/* 0: the firmware has no SMI command port */
	u8 acpi_enable;		/* written to smi_cmd to enter ACPI mode */
	u16 slp_typa;		/* \_S5 SLP_TYP for PM1a */
	u16 slp_typb;		/* \_S5 SLP_TYP for PM1b */
};

/* The 8-bit sum of len bytes at p; an ACPI structure is valid when it is 0. */
u8 acpi_checksum(const void *p, size_t len);

/* Is the table at pa (mapped at h) well formed: length and checksum?  Prints why not. */
bool acpi_table_valid(const struct acpi_sdt_header *h, hpa_t pa);

/*
 * Validate the RSDP copy at rsdp (rsdp_len bytes readable) and remember its
 * root table: the XSDT for revision >= 2 when present, else the RSDT.
 * Returns 0, -EINVAL (bad RSDP or root table) or -ENOENT (no root table).
 */
int acpi_init(const void *rsdp, unsigned int rsdp_len);

/*
 * The index'th table (from 0) with signature sig whose checksum is good, or
 * NULL; tables with bad checksums are skipped with a message.
 */
const struct acpi_sdt_header *acpi_find_table(const char sig[4], unsigned int index);

/*
 * The ACPI PM timer (ACPI 6.x 4.8.3.3): a free-running counter at
 * 3.579545 MHz, 24 bits wide unless the FADT's TMR_VAL_EXT flag says 32.
 */
#define ACPI_PM_TIMER_HZ	3579545
#define ACPI_FADT_TMR_VAL_EXT	BIT(8)	/* FADT Flags (5.2.9, Table 5.10) */

/*
 * The PM timer's I/O port from the FADT (X_PM_TMR_BLK when it is a system-I/O
 * GAS, else PM_TMR_BLK) and its width in *bits; 0 when there is none.
 */
u16 acpi_pm_timer(unsigned int *bits);

/*
 * Fill pm from the FADT and the \_S5 object of the DSDT.  Returns 0,
 * -ENOENT (no FADT, no PM1a block or no \_S5) or -EINVAL (bad DSDT/FADT).
 */
int acpi_get_pm(struct acpi_pm *pm);

/*
 * Multiple APIC Description Table ("APIC", ACPI 6.x 5.2.12): the local APIC
 * address and flags, then variable-length interrupt controller structures,
 * each starting with a type byte and a length byte.  Only the types that
 * SMP bring-up needs are described; the others are skipped by length.
 */
#define ACPI_MADT_SIG			"APIC"
#define ACPI_MADT_PCAT_COMPAT		BIT(0)	/* dual 8259s are present too */

#define ACPI_MADT_TYPE_LAPIC		0	/* 5.2.12.2 */
#define ACPI_MADT_TYPE_IOAPIC		1	/* 5.2.12.3 */
#define ACPI_MADT_TYPE_LAPIC_OVERRIDE	5	/* 5.2.12.8 */
#define ACPI_MADT_TYPE_X2APIC		9	/* 5.2.12.12 */

/* Local APIC flags (5.2.12.2), shared by the x2APIC structure (5.2.12.12). */
#define ACPI_MADT_ENABLED		BIT(0)
#define ACPI_MADT_ONLINE_CAPABLE	BIT(1)	/* may be enabled later; not usable now */

struct acpi_madt {
	struct acpi_sdt_header header;
	u32 lapic_address;		/* Local Interrupt Controller Address */
	u32 flags;			/* ACPI_MADT_PCAT_COMPAT */
} __packed;
_Static_assert(sizeof(struct acpi_madt) == 44, "MADT header is 44 bytes");
_Static_assert(__builtin_offsetof(struct acpi_madt, lapic_address) == 36, "MADT LAPIC address");

/* The two bytes every interrupt controller structure starts with. */
struct acpi_madt_entry {
	u8 type;
	u8 length;			/* of the whole structure, these 2 bytes included */
} __packed;
_Static_assert(sizeof(struct acpi_madt_entry) == 2, "MADT entry header is 2 bytes");

/* Processor Local APIC Structure (5.2.12.2). */
struct acpi_madt_lapic {
	struct acpi_madt_entry h;
	u8 processor_uid;
	u8 apic_id;
	u32 flags;			/* ACPI_MADT_ENABLED, ACPI_MADT_ONLINE_CAPABLE */
} __packed;
_Static_assert(sizeof(struct acpi_madt_lapic) == 8, "Processor Local APIC is 8 bytes");
_Static_assert(__builtin_offsetof(struct acpi_madt_lapic, flags) == 4, "LAPIC flags");

/* I/O APIC Structure (5.2.12.3). */
struct acpi_madt_ioapic {
	struct acpi_madt_entry h;
	u8 ioapic_id;
	u8 reserved;
	u32 address;
	u32 gsi_base;			/* Global System Interrupt Base */
} __packed;
_Static_assert(sizeof(struct acpi_madt_ioapic) == 12, "I/O APIC is 12 bytes");
_Static_assert(__builtin_offsetof(struct acpi_madt_ioapic, address) == 4, "I/O APIC address");
_Static_assert(__builtin_offsetof(struct acpi_madt_ioapic, gsi_base) == 8, "I/O APIC GSI base");

/* Interrupt Source Override (5.2.12.5): ISA IRQ source_irq arrives at GSI gsi. */
#define ACPI_MADT_TYPE_ISO		2
#define ACPI_MADT_ISO_BUS_ISA		0
/* MPS INTI flags (5.2.12.5, Table 5.50): polarity in bits 1:0, trigger mode in bits 3:2. */
#define ACPI_MPS_POLARITY_MASK		0x3
#define ACPI_MPS_POLARITY_CONFORMS	0x0	/* to the bus: active high for ISA */
#define ACPI_MPS_POLARITY_HIGH		0x1
#define ACPI_MPS_POLARITY_LOW		0x3
#define ACPI_MPS_TRIGGER_SHIFT		2
#define ACPI_MPS_TRIGGER_MASK		(0x3 << ACPI_MPS_TRIGGER_SHIFT)
#define ACPI_MPS_TRIGGER_CONFORMS	(0x0 << ACPI_MPS_TRIGGER_SHIFT)	/* edge for ISA */
#define ACPI_MPS_TRIGGER_EDGE		(0x1 << ACPI_MPS_TRIGGER_SHIFT)
#define ACPI_MPS_TRIGGER_LEVEL		(0x3 << ACPI_MPS_TRIGGER_SHIFT)
#define ACPI_MADT_TYPE_LAPIC_NMI	4	/* 5.2.12.7 */
struct acpi_madt_iso {
	struct acpi_madt_entry h;
	u8 bus;				/* 0: ISA */
	u8 source_irq;
	u32 gsi;
	u16 flags;			/* MPS INTI flags: 0 conforms to the bus */
} __packed;
_Static_assert(sizeof(struct acpi_madt_iso) == 10, "Interrupt Source Override is 10 bytes");
_Static_assert(__builtin_offsetof(struct acpi_madt_iso, gsi) == 4, "ISO GSI");

/* Local APIC NMI (5.2.12.7): which LINT pin of which processors (0xff: all) takes NMIs. */
struct acpi_madt_lapic_nmi {
	struct acpi_madt_entry h;
	u8 processor_uid;
	u16 flags;
	u8 lint;
} __packed;
_Static_assert(sizeof(struct acpi_madt_lapic_nmi) == 6, "Local APIC NMI is 6 bytes");

/* Local APIC Address Override Structure (5.2.12.8); at most one per MADT. */
struct acpi_madt_lapic_override {
	struct acpi_madt_entry h;
	u16 reserved;
	u64 address;
} __packed;
_Static_assert(sizeof(struct acpi_madt_lapic_override) == 12, "LAPIC address override is 12 bytes");
_Static_assert(__builtin_offsetof(struct acpi_madt_lapic_override, address) == 4,
	       "LAPIC address override address");

/* Processor Local x2APIC Structure (5.2.12.12). */
struct acpi_madt_x2apic {
	struct acpi_madt_entry h;
	u16 reserved;
	u32 x2apic_id;
	u32 flags;			/* as struct acpi_madt_lapic's */
	u32 processor_uid;
} __packed;
_Static_assert(sizeof(struct acpi_madt_x2apic) == 16, "Processor Local x2APIC is 16 bytes");
_Static_assert(__builtin_offsetof(struct acpi_madt_x2apic, x2apic_id) == 4, "x2APIC id");
_Static_assert(__builtin_offsetof(struct acpi_madt_x2apic, flags) == 8, "x2APIC flags");

#define ACPI_MAX_CPUS		64
#define ACPI_MAX_IOAPICS	8
#define ACPI_MAX_ISOS		16	/* one per ISA IRQ */

/* One I/O APIC from the MADT (5.2.12.3). */
struct acpi_ioapic_info {
	u8 id;
	u32 addr;		/* physical address of its registers */
	u32 gsi_base;		/* the first Global System Interrupt it serves */
};

/* One Interrupt Source Override from the MADT (5.2.12.5): ISA IRQ irq is wired to GSI gsi. */
struct acpi_iso_info {
	u8 irq;
	u32 gsi;
	u16 flags;		/* ACPI_MPS_POLARITY_* | ACPI_MPS_TRIGGER_* */
};

/* What SMP bring-up and the host I/O APIC (arch/x86/host_ioapic.c) need from the MADT. */
struct acpi_madt_info {
	u32 lapic_base;		/* the header's address, or the override if below 4 GiB */
	u64 lapic_phys;		/* the header's address, or the override (5.2.12.8) */
	unsigned int nr_cpus;
	/*
	 * APIC ids of the Enabled processors (Local APIC and x2APIC
	 * structures), each once, in MADT order: the boot processor first
	 * when the firmware follows 5.2.12.1.
	 */
	u32 apic_id[ACPI_MAX_CPUS];
	unsigned int nr_ioapics;
	struct acpi_ioapic_info ioapic[ACPI_MAX_IOAPICS];
	/* The ISA bus's overrides, each ISA IRQ once (the first wins), in MADT order. */
	unsigned int nr_isos;
	struct acpi_iso_info iso[ACPI_MAX_ISOS];
	bool pcat_compat;	/* ACPI_MADT_PCAT_COMPAT: 8259s to mask */
	unsigned int dropped;	/* Enabled processors beyond ACPI_MAX_CPUS */
};

/*
 * Fill out from the first valid MADT.  Returns 0, -ENOENT (no MADT) or
 * -EINVAL (a malformed one, or one with no enabled processor); on error
 * out is zeroed.
 */
int acpi_get_madt(struct acpi_madt_info *out);

/*
 * Serial Port Console Redirection Table ("SPCR"), after Microsoft's SPCR
 * specification (table revision 4).  Revisions 1 and 2 are 80 bytes;
 * revision 3 puts the UART clock frequency in the last 4 of them (reserved
 * before); revision 4 adds the precise baud rate and a namespace string
 * after byte 80.  Revision 1 knows interface types 0 and 1 only; revision 2
 * on takes the serial port subtypes of the DBG2 specification (table 3).
 */
#define ACPI_SPCR_SIG			"SPCR"
#define ACPI_SPCR_V2_LEN		80	/* revisions 1 to 3 */
#define ACPI_SPCR_V4_FIXED_LEN		88	/* revision 4, before the namespace string */

/* Interface types (SPCR "Interface Type"; DBG2 table 3 from revision 2). */
#define ACPI_SPCR_16550			0x00	/* full 16550 interface */
#define ACPI_SPCR_16450			0x01	/* 16450 subset (must also take FCR writes) */
#define ACPI_SPCR_16550_GAS		0x12	/* 16550-compatible, parameters from the GAS */

/* Configured Baud Rate codes; 0 means the firmware's rate is left as is. */
#define ACPI_SPCR_BAUD_AS_IS		0
#define ACPI_SPCR_BAUD_9600		3
#define ACPI_SPCR_BAUD_19200		4
#define ACPI_SPCR_BAUD_57600		6
#define ACPI_SPCR_BAUD_115200		7

/* GAS Access Size (ACPI 6.x 5.2.3.2). */
#define ACPI_GAS_ACCESS_UNDEFINED	0	/* legacy: go by the register bit width */
#define ACPI_GAS_ACCESS_BYTE		1
#define ACPI_GAS_ACCESS_WORD		2
#define ACPI_GAS_ACCESS_DWORD		3
#define ACPI_GAS_ACCESS_QWORD		4

/* SPCR Interrupt Type bits: which of the Irq and Global System Interrupt fields is valid. */
#define ACPI_SPCR_INT_8259		BIT(0)	/* PC-AT dual-8259 IRQ: the Irq field */
#define ACPI_SPCR_INT_IOAPIC		BIT(1)	/* I/O APIC: the Global System Interrupt field */

struct acpi_spcr {
	struct acpi_sdt_header header;
	u8 interface_type;		/* ACPI_SPCR_16550 ... */
	u8 reserved0[3];
	struct acpi_gas base_address;	/* the register set; address 0: redirection disabled */
	u8 interrupt_type;
	u8 irq;
	u32 gsi;
	u8 baud_rate;			/* ACPI_SPCR_BAUD_* */
	u8 parity;			/* 0: none */
	u8 stop_bits;			/* 1: one stop bit */
	u8 flow_control;
	u8 terminal_type;
	u8 language;			/* reserved, 0 */
	u16 pci_device_id;		/* 0xffff: not a PCI device */
	u16 pci_vendor_id;
	u8 pci_bus;
	u8 pci_device;
	u8 pci_function;
	u32 pci_flags;
	u8 pci_segment;
	u32 uart_clock_freq;		/* revision 3 on (Hz; 0: not given); reserved before */
	/* Revision 4 from here on. */
	u32 precise_baud_rate;		/* when not 0, it overrides baud_rate */
	u16 namespace_string_length;	/* with its NUL */
	u16 namespace_string_offset;	/* from the start of the table */
} __packed;
#define ACPI_SPCR_OFF(f) __builtin_offsetof(struct acpi_spcr, f)
_Static_assert(ACPI_SPCR_OFF(interface_type) == 36, "SPCR Interface Type");
_Static_assert(ACPI_SPCR_OFF(base_address) == 40, "SPCR Base Address");
_Static_assert(ACPI_SPCR_OFF(interrupt_type) == 52, "SPCR Interrupt Type");
_Static_assert(ACPI_SPCR_OFF(gsi) == 54, "SPCR Global System Interrupt");
_Static_assert(ACPI_SPCR_OFF(baud_rate) == 58, "SPCR Configured Baud Rate");
_Static_assert(ACPI_SPCR_OFF(terminal_type) == 62, "SPCR Terminal Type");
_Static_assert(ACPI_SPCR_OFF(pci_device_id) == 64, "SPCR PCI Device ID");
_Static_assert(ACPI_SPCR_OFF(pci_flags) == 71, "SPCR PCI Flags");
_Static_assert(ACPI_SPCR_OFF(pci_segment) == 75, "SPCR PCI Segment");
_Static_assert(ACPI_SPCR_OFF(uart_clock_freq) == 76, "SPCR UART Clock Frequency");
_Static_assert(ACPI_SPCR_OFF(precise_baud_rate) == ACPI_SPCR_V2_LEN, "SPCR Precise Baud Rate");
_Static_assert(ACPI_SPCR_OFF(namespace_string_offset) == 86, "SPCR NamespaceStringOffset");
_Static_assert(sizeof(struct acpi_spcr) == ACPI_SPCR_V4_FIXED_LEN, "SPCR rev 4 fixed part is 88 bytes");

struct uart_desc;

/*
 * The console UART the first valid SPCR describes.  Returns 0; -ENOENT
 * when there is no SPCR (or none with a good checksum: acpi_find_table()
 * said why); -EINVAL or -ENOTSUP for a table that is malformed, names a
 * UART that is not 16550-compatible or an address space other than system
 * memory or I/O, with a "console: ACPI SPCR refused: ..." line saying why.
 */
int acpi_get_spcr(struct uart_desc *out);
