/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Power cuts on the C device library (fwd_agent, fwd_boot, fwd_log) on every preset layout of the
 * Java runtime and every program unit Java's PowerCutCampaignTest covers: an update of a golden
 * vector received by the agent, installed by fwd_boot, booted on trial and confirmed, with power
 * cut before one flash operation of that whole sequence (or the operation torn); then the device
 * boots again and the host resends the update (fwd_agent_begin says from where) until it ends.
 * Every boot must start a whole image (the active slot the old or the new image byte for byte, as
 * fwd_boot says), no call may break a flash rule, and every run must end with the new image
 * confirmed. Again through a revert (the new image never confirms itself) at each part's own
 * program unit: every run ends on the old image.
 *
 * Usage: fwd_power_cut_campaign VECTOR_DIR MODE [NAME...], MODE one of
 *   count       the operations of an uninterrupted update per layout, unit and vector, and the layouts
 *   all         a cut before every operation, not torn and torn (the exhaustive campaign)
 *   sample:K    K cuts per layout, unit and vector, half of them torn, at seeded points
 * NAME: the vectors (DIR/NAME.old, .new, .fwd; at most MAX_VECTORS, each file shorter than MAX_FILE), by
 * default none-two-blocks, compact-relocation-long-map and the vectors with a codec window below 4096
 * (compact-lzma-window1024, compact-split-window256, lz77-window256); CPowerCutCampaignTest also
 * passes corpus pairs' patches.
 * Exit 0 when every run ended as it should, 1 if not, 2 on a usage error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fwdelta/fwd_device.h"
#include "power_cut_flash.h"
#include "preset_layouts.h"
#include "vector_file.h"

#define MAX_FILE (64u * 1024u)
#define MAX_VECTORS 8
#define MAX_BOOTS 50
/* The host's chunk, as Java's DeviceSimulator sends: the flash operations do not depend on it. */
#define CHUNK 1024u

/* Golden vectors with what the cuts should land in: two blocks (a resume inside the staging
 * writer's sector), a relocation map logged in MAP records with a larger image, and every codec
 * window below 4096 (lzma, split and lz77), whose decoders a resume restarts at a block with a
 * small ring. */
static const char *const default_vectors[] = {"none-two-blocks", "compact-relocation-long-map",
                                              "compact-lzma-window1024", "compact-split-window256",
                                              "lz77-window256"};
static const uint32_t units[] = {1, 4, 8, 16, 32};
#define UNITS (sizeof units / sizeof units[0])

typedef struct {
    const char *name;
    uint8_t old_image[MAX_FILE], new_image[MAX_FILE], patch[MAX_FILE];
    uint32_t old_size, new_size, patch_size, header_size;
    fwd_header header;
} vector;

enum { END_NEW_CONFIRMED, END_OLD_AFTER_REVERT, END_BRICKED, END_REFUSED, END_FLASH_RULE, END_STUCK, ENDINGS };
static const char *const ending_names[ENDINGS] = {"new-confirmed", "old-after-revert", "bricked", "refused",
                                                  "flash-rule-broken", "stuck"};

typedef struct {
    int ending;
    int boots;
    int resends;  /* begins that resumed past the header */
    int restarts; /* FWD_AGENT_RESTARTED: a torn ECC unit, the patch sent again from the payload start */
    char why[240];
} run_result;

static power_cut_flash pcf;
static vector vectors[MAX_VECTORS];
static uint8_t work[65536];
static fwd_agent agent;

static int load(const char *dir, const char *name, vector *v) {
    v->name = name;
    v->old_size = load_vector_file(dir, name, "old", v->old_image, MAX_FILE);
    v->new_size = load_vector_file(dir, name, "new", v->new_image, MAX_FILE);
    v->patch_size = load_vector_file(dir, name, "fwd", v->patch, MAX_FILE);
    /* a file that filled its buffer may have been longer */
    return v->old_size < MAX_FILE && v->new_size < MAX_FILE && v->patch_size < MAX_FILE
           && fwd_header_prefix(v->patch, &v->header_size) == FWD_OK
           && fwd_header_parse(v->patch, v->header_size, &v->header) == FWD_OK;
}

static int active_holds(const uint8_t *image, uint32_t len) {
    return memcmp(pcf.cells + pcf.layout.active.offset, image, len) == 0;
}

enum { GO_ON, POWER_CUT, FAILED };

/* After a call into the device library: a broken flash rule or an error without a power cut ends
 * the run (out says which call); a power cut reboots the device. */
static int settle(int e, const char *what, run_result *out) {
    if (pcf.violations > 0) {
        out->ending = END_FLASH_RULE;
        snprintf(out->why, sizeof out->why, "%s: %s", what, pcf.first_violation);
        return FAILED;
    }
    if (!pcf.powered) {
        return POWER_CUT;
    }
    if (e != 0) {
        out->ending = END_REFUSED;
        snprintf(out->why, sizeof out->why, "%s returned %d without a power cut", what, e);
        return FAILED;
    }
    return GO_ON;
}

/* The application's part of a boot: the host offers the update and sends it from where the agent
 * says; GO_ON once it is staged (the device reboots into the install). */
static int receive_update(const vector *v, run_result *out) {
    fwd_policy policy;
    uint32_t from = 0;
    int s;
    memset(&policy, 0, sizeof policy);
    policy.ram_budget = sizeof work;
    policy.hardware_id = v->header.hardware_id;
    s = settle(fwd_agent_init(&agent, &pcf.layout, &policy, work, sizeof work), "fwd_agent_init", out);
    if (s != GO_ON || agent.state == FWD_AGENT_STAGED) {
        return s;
    }
    s = settle(fwd_agent_begin(&agent, v->patch, v->header_size, &from), "fwd_agent_begin", out);
    if (s != GO_ON) {
        return s;
    }
    out->resends += from > v->header_size;
    for (;;) {
        uint32_t n = v->patch_size - from < CHUNK ? v->patch_size - from : CHUNK;
        int e = n > 0 ? fwd_agent_receive(&agent, v->patch + from, n) : fwd_agent_finish(&agent);
        if (e == FWD_AGENT_RESTARTED && out->restarts++ < MAX_BOOTS) {
            from = agent.offset; /* the host resends from where the agent begins again */
            continue;
        }
        s = settle(e, n > 0 ? "fwd_agent_receive" : "fwd_agent_finish", out);
        if (s != GO_ON || n == 0) {
            return s;
        }
        from += n;
    }
}

/* One update on a freshly provisioned device, power cut before operation cut (-1: none). confirm: the
 * new image confirms itself on its trial boot; else it resets before that, and fwd_boot must revert. */
static run_result run_update(const vector *v, const fwd_layout *l, int confirm, long cut, int tear) {
    run_result out;
    int saw_trial = 0;
    memset(&out, 0, sizeof out);
    pcf_provision(&pcf, l, v->old_image, v->old_size);
    pcf.cut_at = cut;
    pcf.tear = tear;
    for (out.boots = 1; out.boots <= MAX_BOOTS; out.boots++) {
        fwd_boot_result r;
        int holds_old;
        int holds_new;
        int s;
        pcf.powered = 1;
        s = settle(fwd_boot(&pcf.layout, &r), "fwd_boot", &out);
        if (s == FAILED) {
            return out;
        }
        if (s == POWER_CUT) {
            continue;
        }
        holds_old = active_holds(v->old_image, v->old_size);
        holds_new = active_holds(v->new_image, v->new_size);
        if (r.image == FWD_BOOT_UNKNOWN || (r.image == FWD_BOOT_OLD ? !holds_old : !holds_new)) {
            out.ending = END_BRICKED;
            snprintf(out.why, sizeof out.why, "fwd_boot said image %u, trial %d; the active slot holds %s",
                     (unsigned) r.image, r.trial, holds_new ? "the new image" : holds_old ? "the old image"
                                                                               : "neither image");
            return out;
        }
        if (r.trial) {
            saw_trial = 1;
            if (confirm && settle(fwd_boot_confirm(&pcf.layout), "fwd_boot_confirm", &out) == FAILED) {
                return out;
            }
            continue; /* the next boot runs the confirmed image, or reverts */
        }
        if (saw_trial && (confirm ? r.image == FWD_BOOT_NEW : r.image == FWD_BOOT_OLD)) {
            out.ending = confirm ? END_NEW_CONFIRMED : END_OLD_AFTER_REVERT;
            return out;
        }
        if (receive_update(v, &out) == FAILED) {
            return out;
        }
    }
    out.ending = END_STUCK;
    snprintf(out.why, sizeof out.why, "no end after %d boots", MAX_BOOTS);
    return out;
}

static void print_layout(const preset_layout *p) {
    const fwd_region *r[5];
    static const char *const names[5] = {"active", "staging", "scratch", "agent_log", "boot_log"};
    uint32_t i;
    r[0] = &p->active;
    r[1] = &p->staging;
    r[2] = &p->scratch;
    r[3] = &p->agent_log;
    r[4] = &p->boot_log;
    printf("layout %s flash_base 0x%x sectors", p->name, (unsigned) p->flash_base);
    for (i = 0; i < p->group_count; i++) {
        printf("%s%ux%u", i == 0 ? " " : ",", (unsigned) p->groups[i].count, (unsigned) p->groups[i].size);
    }
    printf(" program_unit %u erased_value 0x%02x ecc %d", (unsigned) p->program_unit, p->erased_value, p->ecc);
    for (i = 0; i < 5u; i++) {
        printf(" %s 0x%x+%u", names[i], (unsigned) r[i]->offset, (unsigned) r[i]->size);
    }
    printf("\n");
}

/* A small fixed generator: the sampled cut points are the same on every build and run. */
static uint32_t next_random(uint32_t *state) {
    *state = *state * 1103515245u + 12345u;
    return *state >> 8;
}

/* The campaign over one layout, unit and vector, through a confirm or a revert: 0 if every run ended
 * so (the new image confirmed, or the old one after the revert). */
static int campaign(const preset_layout *p, uint32_t unit, const vector *v, int confirm, const char *mode,
                    uint32_t *seed) {
    const char *path = confirm ? "install" : "revert";
    int expected = confirm ? END_NEW_CONFIRMED : END_OLD_AFTER_REVERT;
    fwd_layout l;
    run_result clean;
    long operations;
    long runs;
    long i;
    long counts[ENDINGS] = {0};
    long resends = 0;
    long restarts = 0;
    long failed = 0;
    preset_to_layout(p, unit, &l);
    clean = run_update(v, &l, confirm, -1, 0);
    operations = pcf.operations;
    if (clean.ending != expected) {
        printf("%s unit %u %s %s: without power cuts the update ended %s: %s\n", p->name, (unsigned) unit, v->name,
               path, ending_names[clean.ending], clean.why);
        return 1;
    }
    if (strcmp(mode, "count") == 0) {
        printf("operations %s %s %u %s %ld\n", path, p->name, (unsigned) unit, v->name, operations);
        return 0;
    }
    runs = strcmp(mode, "all") == 0 ? 2 * operations : atol(mode + 7);
    for (i = 0; i < runs; i++) {
        long cut = strcmp(mode, "all") == 0 ? i / 2 : (long) (next_random(seed) % (uint32_t) operations);
        int tear = (int) (i % 2);
        run_result r = run_update(v, &l, confirm, cut, tear);
        counts[r.ending]++;
        resends += r.resends;
        restarts += r.restarts;
        if (r.ending != expected && failed++ < 3) {
            printf("FAIL %s unit %u %s %s, cut before operation %ld%s: %s: %s\n", p->name, (unsigned) unit, v->name,
                   path, cut, tear ? " (torn)" : "", ending_names[r.ending], r.why);
        }
    }
    printf("%-7s %-12s unit %2u %-27s operations %3ld, cut points %4ld,", path, p->name, (unsigned) unit, v->name,
           operations, runs);
    for (i = 0; i < ENDINGS; i++) {
        printf(" %s %ld", ending_names[i], counts[i]);
    }
    printf(", resumed resends %ld, agent restarts %ld\n", resends, restarts);
    return failed > 0;
}

int main(int argc, char **argv) {
    uint32_t seed = 26;
    uint32_t i;
    uint32_t u;
    uint32_t v;
    int failures = 0;
    const char *const *names = default_vectors;
    uint32_t count = (uint32_t) (sizeof default_vectors / sizeof default_vectors[0]);
    if (argc < 3 || argc > 3 + MAX_VECTORS || (strcmp(argv[2], "count") != 0 && strcmp(argv[2], "all") != 0
                      && (strncmp(argv[2], "sample:", 7) != 0 || atol(argv[2] + 7) <= 0))) {
        fprintf(stderr, "usage: %s VECTOR_DIR count|all|sample:K [NAME...] (at most %d names)\n", argv[0],
                MAX_VECTORS);
        return 2;
    }
    if (argc > 3) {
        names = (const char *const *) argv + 3;
        count = (uint32_t) argc - 3u;
    }
    for (v = 0; v < count; v++) {
        if (!load(argv[1], names[v], &vectors[v])) {
            fprintf(stderr, "%s: not a patch, or a file larger than %u bytes\n", names[v], (unsigned) MAX_FILE);
            return 2;
        }
        printf("vector %s: %u bytes, codec %u window %u, %u blocks, map %u bytes\n", names[v],
               (unsigned) vectors[v].patch_size, (unsigned) vectors[v].header.codec,
               (unsigned) vectors[v].header.codec_window, (unsigned) vectors[v].header.block_count,
               (unsigned) vectors[v].header.map_bytes);
    }
    for (i = 0; i < PRESET_LAYOUTS; i++) {
        if (strcmp(argv[2], "count") == 0) {
            print_layout(&preset_layouts[i]);
        }
        for (u = 0; u < UNITS; u++) {
            for (v = 0; v < count; v++) {
                failures += campaign(&preset_layouts[i], units[u], &vectors[v], 1, argv[2], &seed);
            }
        }
        /* through a revert, at the part's own program unit (as Java's campaign) */
        for (v = 0; v < count; v++) {
            failures += campaign(&preset_layouts[i], preset_layouts[i].program_unit, &vectors[v], 0, argv[2], &seed);
        }
    }
    printf("%d campaigns with failures\n", failures);
    return failures == 0 ? 0 : 1;
}
