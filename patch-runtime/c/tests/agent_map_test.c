/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The C update agent's MAP records against the vector the Java agent pins
 * (UpdateAgentMapLogTest): the agent log after a format-3 relocated patch's map has arrived,
 * HEADER x5, BEGIN and the map section exactly as the payload carries it. Checks that the C agent
 * writes the same bytes (the whole map at once and a byte at a time), that it resumes from that log
 * to the new image, and that MAP records holding an earlier Java agent's expanded map start the
 * update again rather than apply another map. On a RAM flash with NOR rules, the QEMU board's
 * layout. Usage: fwd_agent_map_test VECTOR_DIR
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fwdelta/fwd_device.h"
#include "vector_file.h"

#define VECTOR "compact-relocation-a64"
#define MAX_FILE 4096u
#define FLASH_SIZE (1024u * 1024u)

static int failures;
static int checks;

#define EXPECT(cond, what) do { checks++; if (!(cond)) { failures++; \
    fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, what); } } while (0)

static uint8_t flash[FLASH_SIZE];

static int ram_read(void *user, uint32_t offset, uint8_t *buf, uint32_t len) {
    (void) user;
    if (offset > FLASH_SIZE || len > FLASH_SIZE - offset) {
        return -1;
    }
    memcpy(buf, flash + offset, len);
    return 0;
}

/* Programming only clears bits (an erased byte is 0xFF). */
static int ram_program(void *user, uint32_t offset, const uint8_t *buf, uint32_t len) {
    uint32_t i;
    (void) user;
    if (offset > FLASH_SIZE || len > FLASH_SIZE - offset || offset % 4u != 0 || len % 4u != 0) {
        return -1;
    }
    for (i = 0; i < len; i++) {
        flash[offset + i] &= buf[i];
    }
    return 0;
}

static fwd_layout layout;

static int ram_erase(void *user, uint32_t sector) {
    (void) user;
    memset(flash + fwd_sector_start(&layout, sector), 0xFF, fwd_sector_size(&layout, sector));
    return 0;
}

/* examples/qemu-m4's board: 4 x 16K, 1 x 64K, 7 x 128K. */
static void init_layout(void) {
    static const fwd_sector_group groups[] = {{4, 16384}, {1, 65536}, {7, 131072}};
    memset(&layout, 0, sizeof layout);
    layout.name = "test";
    layout.flash.read = ram_read;
    layout.flash.program = ram_program;
    layout.flash.erase = ram_erase;
    memcpy(layout.groups, groups, sizeof groups);
    layout.group_count = 3;
    layout.program_unit = 4;
    layout.erased_value = 0xFF;
    layout.agent_log.offset = 0x4000;
    layout.agent_log.size = 0x4000;
    layout.boot_log.offset = 0x8000;
    layout.boot_log.size = 0x4000;
    layout.active.offset = 0x20000;
    layout.active.size = 0x60000;
    layout.staging.offset = 0x80000;
    layout.staging.size = 0x60000;
    layout.scratch.offset = 0xE0000;
    layout.scratch.size = 0x20000;
}

static uint8_t old_buf[MAX_FILE], new_buf[MAX_FILE], patch_buf[MAX_FILE], log_buf[MAX_FILE];
static uint32_t old_size, new_size, patch_size, log_size;
static uint8_t work[65536];
static fwd_agent agent;
static fwd_policy policy;

static uint32_t load(const char *dir, const char *ext, uint8_t *buf) {
    return load_vector_file(dir, VECTOR, ext, buf, MAX_FILE);
}

/* A device holding the old image in its active slot and, if given, these agent log bytes. */
static void provision(const uint8_t *log, uint32_t len) {
    memset(flash, 0xFF, sizeof flash);
    memcpy(flash + layout.active.offset, old_buf, old_size);
    if (log != NULL) {
        memcpy(flash + layout.agent_log.offset, log, len);
    }
    EXPECT(fwd_agent_init(&agent, &layout, &policy, work, sizeof work) == 0, "agent init");
}

/* Bytes of the agent log up to its first erased record. */
static uint32_t log_length(void) {
    uint32_t n = 0;
    while (n < layout.agent_log.size && flash[layout.agent_log.offset + n] == 'F') {
        n += FWD_RECORD;
    }
    return n;
}

static void expect_staged(const char *what) {
    EXPECT(agent.state == FWD_AGENT_STAGED, what);
    EXPECT(memcmp(flash + layout.staging.offset, new_buf, new_size) == 0, what);
}

/* The agent takes the header and the map, chunk bytes at a time: its log is the vector. */
static void test_writes_the_vector(uint32_t map_end, uint32_t chunk) {
    uint32_t from = 0;
    uint32_t at;
    provision(NULL, 0);
    EXPECT(fwd_agent_begin(&agent, patch_buf, patch_size, &from) == 0, "begin");
    for (at = from; at < map_end; at += chunk) {
        EXPECT(fwd_agent_receive(&agent, patch_buf + at, at + chunk < map_end ? chunk : map_end - at) == 0, "map");
    }
    EXPECT(log_length() == log_size, "records after the map");
    EXPECT(memcmp(flash + layout.agent_log.offset, log_buf, log_size) == 0, "the log after the map is the vector");
}

/* A reset with the vector in the agent log: the map is not sent again, and the patch completes. */
static void test_resumes_from_the_vector(uint32_t map_end) {
    uint32_t from = 0;
    provision(log_buf, log_size);
    EXPECT(agent.state == FWD_AGENT_RECEIVING && agent.offset == map_end, "resumes after the logged map");
    EXPECT(fwd_agent_begin(&agent, patch_buf, patch_size, &from) == 0 && from == map_end, "begin resumes");
    EXPECT(fwd_agent_receive(&agent, patch_buf + from, patch_size - from) == 0, "rest of the patch");
    EXPECT(fwd_agent_finish(&agent) == 0, "finish");
    expect_staged("staged from the vector's log");
}

/*
 * An earlier Java agent logged this map expanded (u32 image_base, transforms, 3 zero bytes, then
 * u32 start and i32 shift an entry), and all blocks after it: the applier refuses those bytes as
 * this patch's section, so the update starts again at the payload start and still ends right.
 */
static void test_expanded_map_starts_again(uint32_t header_size) {
    static const uint8_t expanded[24] = {0x00, 0x0F, 0x40, 0x00, 0x1C, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                         0xF0, 0, 0, 0, 16, 0, 0, 0};
    uint8_t p[FWD_RECORD_PAYLOAD];
    uint8_t log[MAX_FILE];
    uint32_t len;
    uint32_t from = 0;
    fwd_log l;
    provision(NULL, 0);
    EXPECT(fwd_agent_begin(&agent, patch_buf, patch_size, &from) == 0, "begin");
    EXPECT(fwd_agent_receive(&agent, patch_buf + from, patch_size - from) == 0, "the whole payload");
    len = log_length();
    EXPECT(len > log_size && flash[layout.agent_log.offset + log_size + 2] == FWD_REC_BLOCK, "blocks after the map");
    /* the same log with the expanded map in place of the MAP record */
    memcpy(log, flash + layout.agent_log.offset, len);
    memset(flash + layout.agent_log.offset, 0xFF, layout.agent_log.size);
    memcpy(flash + layout.agent_log.offset, log, log_size - FWD_RECORD);
    fwd_log_open(&l, &layout, layout.agent_log);
    memset(p, 0, sizeof p);
    memcpy(p + 1, expanded, sizeof expanded);
    EXPECT(fwd_log_append(&l, FWD_REC_MAP, p) == 0, "expanded MAP record");
    memcpy(flash + layout.agent_log.offset + log_size, log + log_size, len - log_size);
    memcpy(log, flash + layout.agent_log.offset, len);
    provision(log, len);
    EXPECT(fwd_agent_begin(&agent, patch_buf, patch_size, &from) == 0, "begin after the reset");
    EXPECT(from == header_size, "sent again from the payload start");
    EXPECT(fwd_agent_receive(&agent, patch_buf + from, patch_size - from) == 0, "the payload again");
    EXPECT(fwd_agent_finish(&agent) == 0, "finish");
    expect_staged("staged after starting again");
}

int main(int argc, char **argv) {
    fwd_header h;
    uint32_t header_size;
    uint32_t map_end;
    if (argc != 2) {
        fprintf(stderr, "usage: %s VECTOR_DIR\n", argv[0]);
        return 2;
    }
    init_layout();
    old_size = load(argv[1], "old", old_buf);
    new_size = load(argv[1], "new", new_buf);
    patch_size = load(argv[1], "fwd", patch_buf);
    log_size = load(argv[1], "agent-log", log_buf);
    if (fwd_header_prefix(patch_buf, &header_size) != FWD_OK || fwd_header_parse(patch_buf, header_size, &h) != FWD_OK
            || h.map_count == 0) {
        fprintf(stderr, "%s is not a relocated patch\n", VECTOR);
        return 2;
    }
    policy.ram_budget = sizeof work;
    policy.hardware_id = h.hardware_id;
    map_end = header_size + h.map_bytes;
    test_writes_the_vector(map_end, patch_size);
    test_writes_the_vector(map_end, 1);
    test_resumes_from_the_vector(map_end);
    test_expanded_map_starts_again(header_size);
    printf("%d checks, %d failures\n", checks, failures);
    return failures == 0 ? 0 : 1;
}
