/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The C update agent's MAP records against the vectors the Java agent pins
 * (UpdateAgentMapLogTest): the agent log after a format-3 relocated patch's map has arrived,
 * HEADER x5, BEGIN and the map section exactly as the payload carries it, for
 * compact-relocation-a64 (one MAP part) and compact-relocation-long-map (three parts, a varint
 * across each part boundary, a short last part). Checks that the C agent writes the same bytes
 * (the whole map at once, a byte and 7 bytes at a time), that it resumes from that log to the new
 * image, that MAP records holding an earlier Java agent's expanded map start the update again
 * rather than apply another map, and, with the long map's middle part lost (never logged, or its
 * CRC failing), what docs/DEVICE.md says: before any BLOCK the map is received again into the same
 * log; with BLOCK records after it the update begins again at the payload start, in a new log; and
 * that resumes during the map do not log its parts again. On a RAM flash with NOR rules, the QEMU
 * board's layout. Usage: fwd_agent_map_test VECTOR_DIR
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fwdelta/fwd_device.h"
#include "ram_flash.h"
#include "vector_file.h"

#define A64 "compact-relocation-a64"
#define LONG_MAP "compact-relocation-long-map"
#define MAX_FILE 4096u

static int failures;
static int checks;

/* The vector under test: its name, its patch's header size and the end of its map section. */
static const char *vector = "";
static uint32_t header_size, map_end;

#define EXPECT(cond, what) do { checks++; if (!(cond)) { failures++; \
    fprintf(stderr, "FAIL %s:%d: %s: %s\n", __FILE__, __LINE__, vector, what); } } while (0)

static uint8_t old_buf[MAX_FILE], new_buf[MAX_FILE], patch_buf[MAX_FILE], log_buf[MAX_FILE];
static uint32_t old_size, new_size, patch_size, log_size;
static uint8_t work[65536];
static fwd_agent agent;
static fwd_policy policy;

/* A reset: a new agent on the flash as it is. */
static void reset(void) {
    EXPECT(fwd_agent_init(&agent, &layout, &policy, work, sizeof work) == 0, "agent init");
}

/* A device holding the old image in its active slot and, if given, these agent log bytes. */
static void provision(const uint8_t *log, uint32_t len) {
    memset(flash, 0xFF, sizeof flash);
    memcpy(flash + layout.active.offset, old_buf, old_size);
    if (log != NULL) {
        memcpy(flash + layout.agent_log.offset, log, len);
    }
    reset();
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
static void test_writes_the_vector(uint32_t chunk) {
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
static void test_resumes_from_the_vector(void) {
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
static void test_expanded_map_starts_again(void) {
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

/* A middle MAP part lost: never logged (the records after it moved up a slot), or torn (its CRC fails). */
enum loss { MISSING, BAD_CRC };

/* log (len bytes) with MAP part part lost, into out; returns the new length. */
static uint32_t lose(const uint8_t *log, uint32_t len, uint32_t part, enum loss loss, uint8_t *out) {
    uint32_t r = (6u + part) * FWD_RECORD;
    EXPECT(log[r + 2] == FWD_REC_MAP && log[r + 4] == part, "the record to lose is that MAP part");
    if (loss == MISSING) {
        memcpy(out, log, r);
        memcpy(out + r, log + r + FWD_RECORD, len - r - FWD_RECORD);
        return len - FWD_RECORD;
    }
    memcpy(out, log, len);
    out[r + 5 + 10] ^= 0x01; /* a section byte changed, the CRC left as it was */
    return len;
}

/*
 * MAP part 1 lost and no BLOCK logged: nothing was written yet, so the map is received again from
 * the payload start, its parts from part 1 on logged again after the records there (part 0, logged,
 * is not: a resume costs no slot for it); at the next reset the last record of each part wins and
 * the update resumes after the map.
 */
static void test_lost_part_before_any_block(enum loss loss) {
    uint8_t damaged[MAX_FILE];
    uint32_t len = lose(log_buf, log_size, 1, loss, damaged);
    uint32_t maps = log_size - 6u * FWD_RECORD;
    uint32_t from = 0;
    provision(damaged, len);
    EXPECT(agent.state == FWD_AGENT_RECEIVING && agent.offset == header_size, "the map is received again");
    EXPECT(fwd_agent_begin(&agent, patch_buf, patch_size, &from) == 0 && from == header_size, "begin at the payload start");
    EXPECT(fwd_agent_receive(&agent, patch_buf + from, map_end - from) == 0, "the map again");
    EXPECT(log_length() == len + maps - FWD_RECORD, "the same log and parts 1 and 2 again");
    EXPECT(memcmp(flash + layout.agent_log.offset, damaged, len) == 0, "the records before are kept");
    EXPECT(memcmp(flash + layout.agent_log.offset + len, log_buf + 7u * FWD_RECORD, maps - FWD_RECORD) == 0,
           "the parts logged again as the vector has them");
    reset();
    EXPECT(agent.state == FWD_AGENT_RECEIVING && agent.offset == map_end, "now the map is logged");
    EXPECT(fwd_agent_begin(&agent, patch_buf, patch_size, &from) == 0 && from == map_end, "begin after the map");
    EXPECT(fwd_agent_receive(&agent, patch_buf + from, patch_size - from) == 0, "rest of the patch");
    EXPECT(fwd_agent_finish(&agent) == 0, "finish");
    expect_staged("staged after the map was received again");
}

/*
 * MAP part 1 lost with BLOCK records after it: the agent begins the update again at the payload
 * start in a new log (HEADER x5, BEGIN), not at the last block; the map it logs then is the vector.
 */
static void test_lost_part_with_blocks_after(enum loss loss) {
    static uint8_t staged[MAX_FILE];
    uint8_t log[MAX_FILE];
    uint8_t damaged[MAX_FILE];
    uint32_t len;
    uint32_t from = 0;
    provision(NULL, 0);
    EXPECT(fwd_agent_begin(&agent, patch_buf, patch_size, &from) == 0, "begin");
    EXPECT(fwd_agent_receive(&agent, patch_buf + from, patch_size - 40u - from) == 0, "cut inside the last block");
    len = log_length();
    EXPECT(len == log_size + 2u * FWD_RECORD && flash[layout.agent_log.offset + log_size + 2] == FWD_REC_BLOCK,
           "two of the three blocks logged after the map");
    memcpy(log, flash + layout.agent_log.offset, len);
    memcpy(staged, flash + layout.staging.offset, new_size);
    len = lose(log, len, 1, loss, damaged);
    provision(damaged, len);
    memcpy(flash + layout.staging.offset, staged, new_size); /* what the first attempt staged */
    EXPECT(agent.state == FWD_AGENT_RECEIVING && agent.offset == header_size, "resume point: the payload start");
    EXPECT(fwd_agent_begin(&agent, patch_buf, patch_size, &from) == 0 && from == header_size, "sent again from the payload start");
    EXPECT(log_length() == 6u * FWD_RECORD && memcmp(flash + layout.agent_log.offset, log_buf, 6u * FWD_RECORD) == 0,
           "a new log: HEADER x5, BEGIN");
    EXPECT(fwd_agent_receive(&agent, patch_buf + from, map_end - from) == 0, "the map again");
    EXPECT(log_length() == log_size && memcmp(flash + layout.agent_log.offset, log_buf, log_size) == 0,
           "the map logged again as the vector has it");
    EXPECT(fwd_agent_receive(&agent, patch_buf + map_end, patch_size - map_end) == 0, "the rest of the payload");
    EXPECT(fwd_agent_finish(&agent) == 0, "finish");
    expect_staged("staged after beginning again");
}

/*
 * docs/DEVICE.md: the map counts as logged only if no part index past the section's end has a
 * record. A MAP record of part 60 after this map's three parts says the logged map is not this
 * patch's: before any BLOCK the map is received again into the same log; with BLOCK records after
 * it the update begins again at the payload start in a new log. The Java agent does the same
 * (UpdateAgentMapLogTest.aMapPartPastTheSectionEndMeansTheLoggedMapIsNotThisPatchs).
 */
static void test_part_past_the_end(int blocks_after) {
    static uint8_t staged[MAX_FILE];
    uint8_t log[MAX_FILE];
    uint8_t with_part60[MAX_FILE];
    uint8_t p[FWD_RECORD_PAYLOAD];
    uint32_t len = log_size;
    uint32_t from = 0;
    fwd_log l;
    memcpy(log, log_buf, log_size);
    if (blocks_after) {
        provision(NULL, 0);
        EXPECT(fwd_agent_begin(&agent, patch_buf, patch_size, &from) == 0, "begin");
        EXPECT(fwd_agent_receive(&agent, patch_buf + from, patch_size - 40u - from) == 0, "cut inside the last block");
        len = log_length();
        EXPECT(len > log_size && flash[layout.agent_log.offset + log_size + 2] == FWD_REC_BLOCK, "blocks after the map");
        memcpy(log, flash + layout.agent_log.offset, len);
        memcpy(staged, flash + layout.staging.offset, new_size);
    }
    /* the log with a MAP record of part 60 (52 zero bytes) after the map's parts */
    memset(flash + layout.agent_log.offset, 0xFF, layout.agent_log.size);
    memcpy(flash + layout.agent_log.offset, log, log_size);
    fwd_log_open(&l, &layout, layout.agent_log);
    memset(p, 0, sizeof p);
    p[0] = 60;
    EXPECT(fwd_log_append(&l, FWD_REC_MAP, p) == 0, "MAP record of part 60");
    memcpy(with_part60, flash + layout.agent_log.offset, log_size + FWD_RECORD);
    memcpy(with_part60 + log_size + FWD_RECORD, log + log_size, len - log_size);
    len += FWD_RECORD;
    provision(with_part60, len);
    if (blocks_after) {
        memcpy(flash + layout.staging.offset, staged, new_size); /* what the first attempt staged */
    }
    EXPECT(agent.state == FWD_AGENT_RECEIVING && agent.offset == header_size, "the logged map is not this patch's");
    EXPECT(fwd_agent_begin(&agent, patch_buf, patch_size, &from) == 0 && from == header_size,
           "sent again from the payload start");
    if (blocks_after) {
        EXPECT(log_length() == 6u * FWD_RECORD && memcmp(flash + layout.agent_log.offset, log_buf, 6u * FWD_RECORD) == 0,
               "a new log: HEADER x5, BEGIN");
    } else {
        EXPECT(log_length() == len && memcmp(flash + layout.agent_log.offset, with_part60, len) == 0, "the log as it was");
    }
    EXPECT(fwd_agent_receive(&agent, patch_buf + from, patch_size - from) == 0, "the payload again");
    EXPECT(fwd_agent_finish(&agent) == 0, "finish");
    expect_staged("staged after the map part past the end");
}

/* Loads a vector (old, new, patch, agent log) and its header; 0 if it is not a relocated patch. */
static int load(const char *dir, const char *name) {
    fwd_header h;
    vector = name;
    old_size = load_vector_file(dir, name, "old", old_buf, MAX_FILE);
    new_size = load_vector_file(dir, name, "new", new_buf, MAX_FILE);
    patch_size = load_vector_file(dir, name, "fwd", patch_buf, MAX_FILE);
    log_size = load_vector_file(dir, name, "agent-log", log_buf, MAX_FILE);
    if (fwd_header_prefix(patch_buf, &header_size) != FWD_OK || fwd_header_parse(patch_buf, header_size, &h) != FWD_OK
            || h.map_count == 0) {
        fprintf(stderr, "%s is not a relocated patch\n", name);
        return 0;
    }
    policy.ram_budget = sizeof work;
    policy.hardware_id = h.hardware_id;
    map_end = header_size + h.map_bytes;
    return 1;
}

/* A BEGIN of the same patch (a host that reconnected) after 4 bytes of map part 0: the agent goes on
 * where it was and the part's record still holds the section (UpdateAgentMapLogTest's
 * aBeginInsideAMapPartLeavesTheLogAsThePinnedOne: the Java agent's BEGIN overwrote the part). */
static void test_begin_inside_a_map_part(void) {
    uint32_t from = 0;
    provision(NULL, 0);
    EXPECT(fwd_agent_begin(&agent, patch_buf, patch_size, &from) == 0, "begin");
    EXPECT(fwd_agent_receive(&agent, patch_buf + from, 4) == 0, "4 bytes of the map");
    EXPECT(fwd_agent_begin(&agent, patch_buf, patch_size, &from) == 0 && from == header_size + 4u,
           "the same patch again: on at the next expected byte");
    EXPECT(fwd_agent_receive(&agent, patch_buf + from, map_end - from) == 0, "the rest of the map");
    EXPECT(log_length() == log_size && memcmp(flash + layout.agent_log.offset, log_buf, log_size) == 0,
           "the log after a BEGIN inside part 0 is the vector");
    reset();
    EXPECT(agent.offset == map_end, "after a reset the map is not sent again");
}

/* The checks every vector gets: the log it pins, written at three chunk sizes, and a resume from it. */
static void test_vector(void) {
    test_writes_the_vector(patch_size);
    test_writes_the_vector(1);
    test_writes_the_vector(7);
    test_begin_inside_a_map_part();
    test_resumes_from_the_vector();
}

/*
 * Resumes during the map (docs/DEVICE.md "Torn records"; UpdateAgentMapLogTest's
 * resumesDuringTheMapDoNotLogItsPartsAgain): 200 resets during the map's last part, each after
 * parts 0 and 1 were logged; the map is received again from the payload start, but only the parts
 * not logged yet are logged, so the log stays HEADER x5, BEGIN, MAP 0, MAP 1 and the update stages.
 * open_resumed reset map_seen to 0 and logged parts 0 and 1 again on every resume: the 16 KiB log
 * was full after some 125, after which every resume ended FAILED.
 */
static void test_resumes_during_the_map(void) {
    uint32_t cut = map_end - 4u; /* inside part 2 (section bytes 104..110) */
    uint32_t from = 0;
    int i;
    int ok = 1;
    provision(NULL, 0);
    EXPECT(fwd_agent_begin(&agent, patch_buf, patch_size, &from) == 0, "begin");
    EXPECT(fwd_agent_receive(&agent, patch_buf + from, cut - from) == 0, "the map up to its last part");
    for (i = 0; i < 200 && ok; i++) {
        reset();
        ok = fwd_agent_begin(&agent, patch_buf, patch_size, &from) == 0 && from == header_size
             && fwd_agent_receive(&agent, patch_buf + from, cut - from) == 0
             && log_length() == 8u * FWD_RECORD && memcmp(flash + layout.agent_log.offset, log_buf, 8u * FWD_RECORD) == 0;
    }
    EXPECT(ok, "every resume: the map from the payload start, the log still HEADER x5, BEGIN, MAP 0, MAP 1");
    reset();
    EXPECT(fwd_agent_begin(&agent, patch_buf, patch_size, &from) == 0 && from == header_size, "begin");
    EXPECT(fwd_agent_receive(&agent, patch_buf + from, patch_size - from) == 0, "the whole payload");
    EXPECT(fwd_agent_finish(&agent) == 0, "finish");
    EXPECT(memcmp(flash + layout.agent_log.offset, log_buf, log_size) == 0, "the map logged once, part by part");
    expect_staged("staged after 200 resumes during the map");
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s VECTOR_DIR\n", argv[0]);
        return 2;
    }
    init_layout();
    if (!load(argv[1], A64)) {
        return 2;
    }
    test_vector();
    test_expanded_map_starts_again();
    if (!load(argv[1], LONG_MAP)) {
        return 2;
    }
    /* what the vector is for: three parts, a varint across each part boundary */
    EXPECT(map_end - header_size == 111u && log_size == (6u + 3u) * FWD_RECORD, "three MAP parts");
    EXPECT((patch_buf[header_size + FWD_HEADER_PART - 1u] & 0x80u) != 0
           && (patch_buf[header_size + 2u * FWD_HEADER_PART - 1u] & 0x80u) != 0, "a varint across each part boundary");
    test_vector();
    test_lost_part_before_any_block(MISSING);
    test_lost_part_before_any_block(BAD_CRC);
    test_lost_part_with_blocks_after(MISSING);
    test_lost_part_with_blocks_after(BAD_CRC);
    test_part_past_the_end(0);
    test_part_past_the_end(1);
    test_resumes_during_the_map();
    printf("%d checks, %d failures\n", checks, failures);
    return failures == 0 ? 0 : 1;
}
