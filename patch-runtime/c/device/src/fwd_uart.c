/* SPDX-License-Identifier: Apache-2.0 */
/* The UART framing and the transfer session of docs/PROTOCOL.md (UartDevice.java, TransferSession.java). */
#include <string.h>

#include "fwd_bytes.h"
#include "fwdelta/fwd_checksum.h"
#include "fwdelta/fwd_uart.h"

/* fwd_uart's RAM budget (fwd_uart.h): the build of any 32-bit target fails here when the session
 * state outgrows it (64-bit hosts have wider pointers). */
typedef char fwd_uart_fits_its_ram_budget[(sizeof(void *) > 4u || sizeof(fwd_uart) <= FWD_UART_RAM_MAX) ? 1 : -1];

#define RESULT_OK 0u
#define RESULT_OTHER 0xFFFFu
#define NAK_GAP 1u
#define NAK_CORRUPT 2u
#define NAK_RESTARTED 3u
#define NAK_CUT 4u

uint32_t fwd_crc16_ccitt(const uint8_t *b, uint32_t len) {
    uint32_t crc = 0xFFFFu;
    uint32_t i;
    for (i = 0; i < len; i++) {
        int bit;
        crc ^= (uint32_t) b[i] << 8;
        for (bit = 0; bit < 8; bit++) {
            crc = (crc & 0x8000u) ? ((crc << 1) ^ 0x1021u) & 0xFFFFu : (crc << 1) & 0xFFFFu;
        }
    }
    return crc;
}

int fwd_uart_init(fwd_uart *u, fwd_agent *agent, fwd_uart_write_fn write, void *user, const char *board) {
    if (u == NULL) {
        return FWD_ERR_BAD_ARGUMENT;
    }
    memset(u, 0, sizeof *u);
    if (agent == NULL || write == NULL) {
        return FWD_ERR_BAD_ARGUMENT; /* left without them: the session ignores the line */
    }
    u->agent = agent;
    u->write = write;
    u->user = user;
    u->board = board != NULL ? board : "";
    return FWD_OK;
}

/* A session fwd_uart_init set up (a static one before it is all zero). */
static int set_up(const fwd_uart *u) {
    return u != NULL && u->agent != NULL && u->write != NULL;
}

static void send(fwd_uart *u, uint32_t type, const uint8_t *payload, uint32_t len) {
    uint8_t *f = u->reply;
    uint32_t crc;
    f[0] = FWD_FRAME_SOF;
    f[1] = (uint8_t) type;
    f[2] = u->seq++;
    f[3] = (uint8_t) len;
    f[4] = (uint8_t) (len >> 8);
    crc = fwd_crc16_ccitt(f, 5);
    f[5] = (uint8_t) crc;
    f[6] = (uint8_t) (crc >> 8);
    memcpy(f + FWD_FRAME_HEADER, payload, len);
    fwd_wr32(f + FWD_FRAME_HEADER + len, fwd_crc32_update(0, f, FWD_FRAME_HEADER + len));
    u->write(u->user, f, FWD_FRAME_OVERHEAD + len);
}

static void send_offset(fwd_uart *u, uint32_t type, uint32_t offset) {
    uint8_t p[4];
    fwd_wr32(p, offset);
    send(u, type, p, 4);
}

static void send_nak(fwd_uart *u, uint32_t offset, uint32_t reason) {
    uint8_t p[5];
    fwd_wr32(p, offset);
    p[4] = (uint8_t) reason;
    send(u, FWD_F_NAK, p, 5);
}

/* RESULT: status, then a short ASCII message (the error's name). */
static void send_result(fwd_uart *u, uint32_t status) {
    uint8_t p[2 + 48];
    const char *m = status == RESULT_OK ? "staged and verified"
            : status == FWD_AGENT_ON_TRIAL ? "the running image is on trial: confirm it before the next update"
            : status == RESULT_OTHER ? "refused" : fwd_error_name((int) status);
    uint32_t n = (uint32_t) strlen(m);
    if (n > sizeof p - 2u) {
        n = sizeof p - 2u;
    }
    if (status > 0xFFFFu || status == FWD_AGENT_ON_TRIAL || status == FWD_AGENT_NOT_RECEIVING
            || status == FWD_ERR_BAD_ARGUMENT || status == FWD_ERR_NOT_YET_SUPPORTED) {
        status = RESULT_OTHER;
    }
    p[0] = (uint8_t) status;
    p[1] = (uint8_t) (status >> 8);
    memcpy(p + 2, m, n);
    send(u, FWD_F_RESULT, p, 2 + n);
    u->open = 0;
#if FWD_UART_HOLD_BYTES > 0
    u->hold_count = 0;
#endif
}

#if FWD_UART_HOLD_BYTES > 0
/* Merges [s, e) into the held ranges (HeldData.java); 0 if that would make too many. */
static int add_range(fwd_uart *u, uint32_t s, uint32_t e) {
    uint32_t i = 0;
    uint32_t j;
    while (i < u->hold_count && u->hold_end[i] < s) {
        i++;
    }
    j = i;
    while (j < u->hold_count && u->hold_start[j] <= e) {
        j++;
    }
    if (j == i) {
        if (u->hold_count == FWD_UART_HOLD_RANGES) {
            return 0;
        }
        memmove(u->hold_start + i + 1, u->hold_start + i, (u->hold_count - i) * sizeof u->hold_start[0]);
        memmove(u->hold_end + i + 1, u->hold_end + i, (u->hold_count - i) * sizeof u->hold_end[0]);
        u->hold_start[i] = s;
        u->hold_end[i] = e;
        u->hold_count++;
        return 1;
    }
    if (s < u->hold_start[i]) {
        u->hold_start[i] = s;
    }
    u->hold_end[i] = e > u->hold_end[j - 1] ? e : u->hold_end[j - 1];
    memmove(u->hold_start + i + 1, u->hold_start + j, (u->hold_count - j) * sizeof u->hold_start[0]);
    memmove(u->hold_end + i + 1, u->hold_end + j, (u->hold_count - j) * sizeof u->hold_end[0]);
    u->hold_count -= j - i - 1;
    return 1;
}

/* Keeps a DATA payload after the gap if it ends within the ring and the ranges allow. */
static void hold(fwd_uart *u, uint32_t offset, const uint8_t *b, uint32_t len) {
    uint32_t at;
    uint32_t first;
    if (len == 0 || len > FWD_UART_HOLD_BYTES || offset <= u->expected
            || offset - u->expected > FWD_UART_HOLD_BYTES - len || !add_range(u, offset, offset + len)) {
        return;
    }
    at = offset % FWD_UART_HOLD_BYTES;
    first = len < FWD_UART_HOLD_BYTES - at ? len : FWD_UART_HOLD_BYTES - at;
    memcpy(u->hold + at, b, first);
    memcpy(u->hold, b + first, len - first);
}

/* SACK: the next expected offset and the held range that holds `offset` (0, 0 if none). */
static void send_sack(fwd_uart *u, uint32_t offset) {
    uint8_t p[12];
    uint32_t i;
    memset(p, 0, sizeof p);
    fwd_wr32(p, u->expected);
    for (i = 0; i < u->hold_count; i++) {
        if (u->hold_start[i] <= offset && offset < u->hold_end[i]) {
            fwd_wr32(p + 4, u->hold_start[i]);
            fwd_wr32(p + 8, u->hold_end[i]);
        }
    }
    send(u, FWD_F_SACK, p, sizeof p);
}

/* Applies the held bytes that follow on from the expected offset. */
static int release(fwd_uart *u) {
    while (u->hold_count > 0 && u->hold_start[0] <= u->expected) {
        uint32_t end = u->hold_end[0];
        memmove(u->hold_start, u->hold_start + 1, (u->hold_count - 1) * sizeof u->hold_start[0]);
        memmove(u->hold_end, u->hold_end + 1, (u->hold_count - 1) * sizeof u->hold_end[0]);
        u->hold_count--;
        while (end > u->expected) {
            uint32_t at = u->expected % FWD_UART_HOLD_BYTES;
            uint32_t n = end - u->expected < FWD_UART_HOLD_BYTES - at ? end - u->expected : FWD_UART_HOLD_BYTES - at;
            int e = fwd_agent_receive(u->agent, u->hold + at, n);
            if (e != FWD_OK) {
                return e;
            }
            u->expected += n;
        }
    }
    return FWD_OK;
}
#endif

static uint32_t resume_offset(const fwd_uart *u) {
    return u->open ? u->expected : u->agent->offset;
}

static void info(fwd_uart *u) {
    uint8_t p[24 + 1 + 32 + 3];
    uint32_t n = (uint32_t) strlen(u->board);
    const fwd_policy *pol = &u->agent->policy;
    int i;
    if (n > 32u) {
        n = 32u;
    }
    p[0] = 1;
    p[1] = (uint8_t) FWD_FRAME_MAX_PAYLOAD;
    p[2] = (uint8_t) (FWD_FRAME_MAX_PAYLOAD >> 8);
    fwd_wr32(p + 3, pol->ram_budget);
    for (i = 0; i < 8; i++) {
        p[7 + i] = (uint8_t) (pol->installed_version >> (8 * i));
    }
    fwd_wr32(p + 15, pol->hardware_id);
    p[19] = (uint8_t) u->agent->state;
    fwd_wr32(p + 20, resume_offset(u));
    p[24] = (uint8_t) n;
    memcpy(p + 25, u->board, n);
#if FWD_UART_HOLD_BYTES > 0
    p[25 + n] = FWD_CAP_SELECTIVE_REPEAT; /* then the ring's size */
    p[26 + n] = (uint8_t) FWD_UART_HOLD_BYTES;
    p[27 + n] = (uint8_t) (FWD_UART_HOLD_BYTES >> 8);
    n += 3;
#endif
    send(u, FWD_F_INFO, p, 25 + n);
}

/* Whether BEGIN's u32 length differs from header_size + payload_length of a header that parses:
 * checked before fwd_agent_begin, which replaces (erases) a staged update. A header that does not
 * parse is left to fwd_agent_begin, which refuses it with its code. */
static int length_disagrees(const uint8_t *p, uint32_t size) {
    fwd_header h;
    return fwd_header_parse(p + 4, size, &h) == FWD_OK && fwd_rd32(p) != (uint32_t) h.header_size + h.payload_length;
}

static void begin(fwd_uart *u, const uint8_t *p, uint32_t len) {
    uint32_t size;
    uint32_t from = 0;
    int e;
    u->open = 0;
#if FWD_UART_HOLD_BYTES > 0
    u->hold_count = 0;
#endif
    if (len < 4u + 8u || fwd_header_prefix(p + 4, &size) != FWD_OK || len - 4u != size) {
        send_result(u, RESULT_OTHER); /* BEGIN must carry a u32 length and the whole header */
        return;
    }
    if (length_disagrees(p, size)) {
        send_result(u, RESULT_OTHER); /* nothing written: a staged update stays */
        return;
    }
    if (u->agent->state == FWD_AGENT_FAILED) {
        fwd_policy pol = u->agent->policy;
        fwd_agent_init(u->agent, u->agent->layout, &pol, u->agent->work, u->agent->work_size);
    }
    e = fwd_agent_begin(u->agent, p + 4, size, &from);
    if (e != FWD_OK) {
        u->refused++;
        send_result(u, (uint32_t) e);
        return;
    }
    u->open = 1;
    u->patch_length = fwd_rd32(p);
    u->expected = from;
    send_offset(u, FWD_F_READY, from);
}

/* The agent began the same patch again (FWD_AGENT_RESTARTED: a torn ECC unit): NAK reason 3 carries
 * the offset it expects, below what was acknowledged; the frames held past it come again. */
static void restarted(fwd_uart *u) {
    u->expected = u->agent->offset;
#if FWD_UART_HOLD_BYTES > 0
    u->hold_count = 0;
#endif
    send_nak(u, u->expected, NAK_RESTARTED);
}

static void data(fwd_uart *u, const uint8_t *p, uint32_t len) {
    uint32_t offset;
    int e;
    if (!u->open || len < 4u) {
        return; /* no transfer: the host times out and reconnects with BEGIN */
    }
    offset = fwd_rd32(p);
    len -= 4u;
    if (offset < u->expected) {
        send_offset(u, FWD_F_ACK, u->expected);
        return;
    }
    if (offset > u->expected || len > u->patch_length - offset) {
#if FWD_UART_HOLD_BYTES > 0
        if (u->selective) {
            if (offset <= u->patch_length && len <= u->patch_length - offset) {
                hold(u, offset, p + 4, len);
            }
            send_sack(u, offset);
            return;
        }
#endif
        send_nak(u, u->expected, NAK_GAP);
        return;
    }
    e = fwd_agent_receive(u->agent, p + 4, len);
    if (e == FWD_OK) {
        u->expected += len;
#if FWD_UART_HOLD_BYTES > 0
        e = release(u);
#endif
    }
    if (e == FWD_AGENT_RESTARTED) {
        restarted(u);
        return;
    }
    if (e != FWD_OK) {
        send_result(u, (uint32_t) e);
        return;
    }
    send_offset(u, FWD_F_ACK, u->expected);
}

static void done(fwd_uart *u) {
    int e;
    if (u->agent->state == FWD_AGENT_STAGED) {
        send_result(u, RESULT_OK);
        u->staged = 1;
        return;
    }
    if (!u->open || u->expected != u->patch_length) {
        send_nak(u, resume_offset(u), NAK_GAP);
        return;
    }
    e = fwd_agent_finish(u->agent);
    if (e == FWD_AGENT_RESTARTED) {
        restarted(u);
        return;
    }
    send_result(u, (uint32_t) e);
    u->staged = e == FWD_OK;
}

static void on_frame(fwd_uart *u, uint32_t type, const uint8_t *p, uint32_t len) {
    switch (type) {
    case FWD_F_HELLO:
        u->selective = FWD_UART_HOLD_BYTES > 0 && len >= 2u && (p[1] & FWD_CAP_SELECTIVE_REPEAT) != 0;
#if FWD_UART_HOLD_BYTES > 0
        u->hold_count = 0;
#endif
        info(u);
        break;
    case FWD_F_BEGIN: begin(u, p, len); break;
    case FWD_F_DATA: data(u, p, len); break;
    case FWD_F_DONE: done(u); break;
    case FWD_F_ABORT:
        if (fwd_agent_abort(u->agent) == FWD_AGENT_ON_TRIAL) {
            send_result(u, FWD_AGENT_ON_TRIAL); /* refused: the install or trial goes on */
            break;
        }
        u->open = 0;
#if FWD_UART_HOLD_BYTES > 0
        u->hold_count = 0;
#endif
        break;
    default: break; /* frames a device never receives are ignored */
    }
}

/* Drops the SOF at frame[0] and moves the next SOF in what was buffered after it to the front. */
static void resync(fwd_uart *u) {
    uint32_t i = 1;
    while (i < u->filled && u->frame[i] != FWD_FRAME_SOF) {
        i++;
    }
    memmove(u->frame, u->frame + i, u->filled - i);
    u->filled -= i;
}

/* Looks at what is buffered: a bad header or frame resyncs, a whole good frame is handled.
 * Returns 1 if it should be called again (the buffer changed and may hold more). */
static int scan(fwd_uart *u) {
    uint32_t length;
    if (u->filled < FWD_FRAME_HEADER) {
        return 0;
    }
    length = fwd_rd16(u->frame + 3);
    /* Every type of the protocol is a frame, those a device never receives too (on_frame ignores
     * them): refusing one would hunt for frames inside its payload, as Java's FrameDecoder does not. */
    if (fwd_crc16_ccitt(u->frame, 5) != fwd_rd16(u->frame + 5) || length > FWD_FRAME_MAX_PAYLOAD
            || u->frame[1] < FWD_F_HELLO || u->frame[1] > FWD_F_SACK) {
        resync(u);
        return 1;
    }
    if (u->filled < FWD_FRAME_OVERHEAD + length) {
        return 0;
    }
    if (fwd_crc32_update(0, u->frame, FWD_FRAME_HEADER + length) != fwd_rd32(u->frame + FWD_FRAME_HEADER + length)) {
        u->bad_frames++;
        resync(u);
        send_nak(u, resume_offset(u), NAK_CORRUPT); /* also outside a transfer: a broken HELLO or BEGIN */
        return 1;
    }
    on_frame(u, u->frame[1], u->frame + FWD_FRAME_HEADER, length);
    u->filled -= FWD_FRAME_OVERHEAD + length;
    memmove(u->frame, u->frame + FWD_FRAME_OVERHEAD + length, u->filled);
    return 1;
}

void fwd_uart_receive(fwd_uart *u, const uint8_t *b, uint32_t len) {
    uint32_t i;
    if (!set_up(u) || b == NULL) {
        return;
    }
    for (i = 0; i < len; i++) {
        if (u->filled == 0 && b[i] != FWD_FRAME_SOF) {
            continue;
        }
        u->frame[u->filled++] = b[i];
        /* Only the header, then only the whole frame, can change anything. */
        if (u->filled == FWD_FRAME_HEADER
                || (u->filled > FWD_FRAME_HEADER && u->filled == FWD_FRAME_OVERHEAD + fwd_rd16(u->frame + 3))) {
            while (scan(u)) {
            }
        }
    }
}

void fwd_uart_idle(fwd_uart *u) {
    if (set_up(u) && u->filled > 0) {
        u->bad_frames++;
        send_nak(u, resume_offset(u), NAK_CUT); /* a cut frame: the host sends it again at once */
        resync(u);
        while (scan(u)) {
        }
    }
}
