/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The C agent tests' device: a golden vector's old image, new image and patch, the policy that
 * takes the patch (its hardware_id, RAM to spare), the agent and its work buffer, and a flash copy
 * to compare against (agent_layout_test.c, agent_trial_test.c). Include after ram_flash.h.
 */
#ifndef FWD_TESTS_AGENT_VECTOR_H
#define FWD_TESTS_AGENT_VECTOR_H

#include <stdio.h>
#include <string.h>

#include "fwdelta/fwd_device.h"
#include "ram_flash.h"
#include "vector_file.h"

#define MAX_FILE 4096u

static uint8_t old_buf[MAX_FILE], new_buf[MAX_FILE], patch_buf[MAX_FILE];
static uint32_t old_size, new_size, patch_size;
static uint8_t work[65536];
static fwd_agent agent;
static fwd_policy policy;
static uint8_t before[FLASH_SIZE];

/* Reads vector name's three files and sets the policy for its patch; 0 if it is not a patch. */
static int load(const char *dir, const char *name) {
    fwd_header h;
    uint32_t size;
    old_size = load_vector_file(dir, name, "old", old_buf, MAX_FILE);
    new_size = load_vector_file(dir, name, "new", new_buf, MAX_FILE);
    patch_size = load_vector_file(dir, name, "fwd", patch_buf, MAX_FILE);
    if (fwd_header_prefix(patch_buf, &size) != FWD_OK || fwd_header_parse(patch_buf, size, &h) != FWD_OK) {
        fprintf(stderr, "%s: not a patch\n", name);
        return 0;
    }
    policy.ram_budget = sizeof work;
    policy.hardware_id = h.hardware_id;
    return 1;
}

/* A test's start: its one argument, the vector directory; the RAM flash's layout; vector name loaded.
 * 0 if any of that fails (the test exits 2). Inline, as stage_vector below. */
static inline int start_vector_test(int argc, char **argv, const char *name) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s VECTOR_DIR\n", argv[0]);
        return 0;
    }
    init_layout();
    return load(argv[1], name);
}

/* The old image in the active slot of an erased flash, the patch staged by the agent: 0, or the
 * step that failed (1 init, 2 begin, 3 receive, 4 finish). Inline: not every test that includes
 * this stages a whole patch (no unused-function warning). */
static inline int stage_vector(void) {
    uint32_t from = 0;
    memset(flash, 0xFF, sizeof flash);
    memcpy(flash + layout.active.offset, old_buf, old_size);
    if (fwd_agent_init(&agent, &layout, &policy, work, sizeof work) != 0) {
        return 1;
    }
    if (fwd_agent_begin(&agent, patch_buf, patch_size, &from) != 0) {
        return 2;
    }
    if (fwd_agent_receive(&agent, patch_buf + from, patch_size - from) != 0) {
        return 3;
    }
    return fwd_agent_finish(&agent) == 0 && agent.state == FWD_AGENT_STAGED ? 0 : 4;
}

#endif
