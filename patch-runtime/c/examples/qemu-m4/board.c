/* SPDX-License-Identifier: Apache-2.0 */
/* The board support of board.h: hardware registers, and the semihosting flash (emulation glue). */
#include <string.h>

#include "board.h"
#include "semihosting.h"

/* ---- CMSDK APB UART0 (real hardware registers of the MPS2 FPGA images) ---- */
#define UART0 ((volatile uint32_t *) 0x40004000u)
#define UART_DATA 0
#define UART_STATE 1 /* bit 0 TX full, bit 1 RX full */
#define UART_CTRL 2  /* bit 0 TX enable, bit 1 RX enable */
#define UART_BAUDDIV 4

/* ---- SysTick and SCB ---- */
#define SYST_CSR (*(volatile uint32_t *) 0xE000E010u)
#define SYST_RVR (*(volatile uint32_t *) 0xE000E014u)
#define SYST_CVR (*(volatile uint32_t *) 0xE000E018u)
#define SCB_AIRCR (*(volatile uint32_t *) 0xE000ED0Cu)
#define CPU_HZ 25000000u

static uint32_t millis;

void board_uart_write(void *user, const uint8_t *b, uint32_t len) {
    (void) user;
    while (len-- > 0) {
        while (UART0[UART_STATE] & 1u) {
        }
        UART0[UART_DATA] = *b++;
    }
}

int board_uart_read(uint8_t *b) {
    if ((UART0[UART_STATE] & 2u) == 0) {
        return 0;
    }
    *b = (uint8_t) UART0[UART_DATA];
    return 1;
}

void board_uart_flush(void) {
    while (UART0[UART_STATE] & 1u) {
    }
}

uint32_t board_millis(void) {
    if (SYST_CSR & (1u << 16)) { /* COUNTFLAG: a millisecond passed since the last look */
        millis++;
    }
    return millis;
}

void board_reset(void) {
    board_uart_flush();
    SCB_AIRCR = 0x05FA0004u; /* SYSRESETREQ */
    for (;;) {
    }
}

/* ---- Semihosting (emulation glue: the ARM semihosting calls QEMU implements) ---- */
void board_log(const char *s) {
    semihost(SYS_WRITE0, s);
}

void board_log_u32(const char *label, uint32_t v) {
    char buf[80];
    char digits[11];
    int n = 0;
    size_t l = strlen(label);
    if (l > 60) {
        l = 60;
    }
    memcpy(buf, label, l);
    do {
        digits[n++] = (char) ('0' + v % 10u);
        v /= 10u;
    } while (v != 0);
    while (n > 0) {
        buf[l++] = digits[--n];
    }
    buf[l++] = '\n';
    buf[l] = 0;
    board_log(buf);
}

/* The power-cut plan and the operation counter live in RAM the loader never writes, so that they
 * survive the reset between the application and the bootloader (QEMU starts with zeroed RAM). */
typedef struct {
    uint32_t magic;
    uint32_t ops;
} persist_t;
#define PERSIST ((volatile persist_t *) 0x203FFF00u)
#define PERSIST_MAGIC 0x50435554u

static int handle = -1;
static uint32_t cut_at; /* 0: no cut */
static int tear;
static uint8_t io[256];

/* The command line: "FLASH-FILE [cut=N] [tear]" (qemu -semihosting-config arg=...). */
static void parse_cmdline(char *path, uint32_t size) {
    static char cmd[256];
    uint32_t args[2];
    char *p;
    char *tok;
    args[0] = (uint32_t) (uintptr_t) cmd;
    args[1] = sizeof cmd - 1u;
    if (semihost(SYS_GET_CMDLINE, args) != 0) {
        board_log("board: no semihosting command line (qemu -semihosting-config enable=on,arg=FLASH)\n");
        semihost(SYS_EXIT, (const void *) ADP_STOPPED_RUNTIME_ERROR);
    }
    cmd[args[1]] = 0;
    p = cmd;
    tok = p;
    while (*p != 0 && *p != ' ') {
        p++;
    }
    if ((uint32_t) (p - tok) >= size) {
        board_log("board: flash file path too long\n");
        semihost(SYS_EXIT, (const void *) ADP_STOPPED_RUNTIME_ERROR);
    }
    memcpy(path, tok, (size_t) (p - tok));
    path[p - tok] = 0;
    while (*p == ' ') {
        p++;
        if (strncmp(p, "cut=", 4) == 0) {
            uint32_t v = 0;
            p += 4;
            while (*p >= '0' && *p <= '9') {
                v = v * 10u + (uint32_t) (*p++ - '0');
            }
            cut_at = v;
        } else if (strncmp(p, "tear", 4) == 0) {
            tear = 1;
            p += 4;
        }
        while (*p != 0 && *p != ' ') {
            p++;
        }
    }
}

static void die(const char *why) {
    board_log(why);
    semihost(SYS_EXIT, (const void *) ADP_STOPPED_RUNTIME_ERROR);
}

static void file_seek(uint32_t offset) {
    uint32_t a[2];
    a[0] = (uint32_t) handle;
    a[1] = offset;
    if (semihost(SYS_SEEK, a) != 0) {
        die("board: flash file seek failed\n");
    }
}

static int file_read(uint32_t offset, uint8_t *b, uint32_t len) {
    uint32_t a[3];
    file_seek(offset);
    a[0] = (uint32_t) handle;
    a[1] = (uint32_t) (uintptr_t) b;
    a[2] = len;
    return semihost(SYS_READ, a) == 0 ? 0 : -1;
}

static int file_write(uint32_t offset, const uint8_t *b, uint32_t len) {
    uint32_t a[3];
    file_seek(offset);
    a[0] = (uint32_t) handle;
    a[1] = (uint32_t) (uintptr_t) b;
    a[2] = len;
    return semihost(SYS_WRITE, a) == 0 ? 0 : -1;
}

#define FLASH_SIZE 0x100000u

static int flash_read(void *user, uint32_t offset, uint8_t *b, uint32_t len) {
    (void) user;
    if (offset > FLASH_SIZE || len > FLASH_SIZE - offset) {
        return -1;
    }
    return file_read(offset, b, len);
}

/* Counts an operation; at the planned one, cuts the power (after tearing it, if asked). */
static int power_cut_now(void) {
    PERSIST->ops++;
    return cut_at != 0 && PERSIST->ops == cut_at;
}

static void power_cut(void) {
    board_log_u32("board: power cut before the end of flash operation ", PERSIST->ops);
    semihost(SYS_EXIT, (const void *) ADP_STOPPED_RUNTIME_ERROR);
}

/* NOR program: whole aligned units; bits only go from 1 to 0 (a 0 -> 1 is refused, the cell unchanged). */
static int flash_program(void *user, uint32_t offset, const uint8_t *b, uint32_t len) {
    uint32_t done = 0;
    int cut = power_cut_now();
    uint32_t limit;
    (void) user;
    if (offset % 4u != 0 || len % 4u != 0 || offset > FLASH_SIZE || len > FLASH_SIZE - offset) {
        board_log_u32("board: NOR rule: unaligned program at ", offset);
        return -1;
    }
    limit = cut ? (tear ? (len / 8u) * 4u : 0u) : len; /* torn: half the units */
    while (done < limit) {
        uint32_t n = limit - done < sizeof io ? limit - done : sizeof io;
        uint32_t i;
        if (file_read(offset + done, io, n) != 0) {
            return -1;
        }
        for (i = 0; i < n; i++) {
            if ((io[i] & b[done + i]) != b[done + i]) {
                board_log_u32("board: NOR rule: program sets a 0 bit to 1 at ", offset + done + i);
                return -1;
            }
            io[i] = b[done + i];
        }
        if (file_write(offset + done, io, n) != 0) {
            return -1;
        }
        done += n;
    }
    if (cut) {
        power_cut();
    }
    return 0;
}

static int flash_erase(void *user, uint32_t sector) {
    const fwd_layout *l = (const fwd_layout *) user;
    uint32_t start;
    uint32_t size;
    uint32_t at;
    int cut = power_cut_now();
    if (sector >= fwd_sector_count(l)) {
        return -1;
    }
    start = fwd_sector_start(l, sector);
    size = fwd_sector_size(l, sector);
    if (cut) {
        size = tear ? size / 2u : 0u; /* torn: half the sector */
    }
    memset(io, 0xFF, sizeof io);
    for (at = 0; at < size; at += sizeof io) {
        if (file_write(start + at, io, sizeof io) != 0) {
            return -1;
        }
    }
    if (cut) {
        power_cut();
    }
    return 0;
}

const fwd_layout board_layout = {
    "qemu-mps2-an386",
    { flash_read, flash_program, flash_erase, (void *) &board_layout },
    { { 4, 16u * 1024u }, { 1, 64u * 1024u }, { 7, 128u * 1024u }, { 0, 0 } },
    3,
    4,
    0xFF,
    { 0x20000u, 384u * 1024u },  /* active */
    { 0x80000u, 384u * 1024u },  /* staging */
    { 0xE0000u, 128u * 1024u },  /* scratch */
    { 0x4000u, 16u * 1024u },    /* agent log */
    { 0x8000u, 16u * 1024u },    /* boot log */
    0x00000000u,                 /* flash base: the MPS2's flash is at address 0 */
    0                            /* ecc_units: a host file, no ECC (as the layout file says) */
};

uint32_t board_flash_ops(void) {
    return PERSIST->ops;
}

void board_init(void) {
    static char path[200];
    uint32_t a[3];
    if (PERSIST->magic != PERSIST_MAGIC) {
        PERSIST->magic = PERSIST_MAGIC;
        PERSIST->ops = 0;
    }
    UART0[UART_BAUDDIV] = CPU_HZ / 115200u;
    UART0[UART_CTRL] = 3u;
    SYST_RVR = CPU_HZ / 1000u - 1u;
    SYST_CVR = 0;
    SYST_CSR = 5u; /* processor clock, enabled, no interrupt */
    parse_cmdline(path, sizeof path);
    a[0] = (uint32_t) (uintptr_t) path;
    a[1] = 3; /* "r+b": the file must exist (made by run-qemu or the test) */
    a[2] = (uint32_t) strlen(path);
    handle = (int) semihost(SYS_OPEN, a);
    if (handle < 0) {
        die("board: cannot open the flash file\n");
    }
}
