/* SPDX-License-Identifier: Apache-2.0 */
/* What the replay drivers of the fuzz targets share (replay_main.c, replay_uart_main.c): reading an
 * input file and a fixed-seed random sequence, so that a sampled run mutates the same way each build. */
#ifndef FWD_FUZZ_REPLAY_INPUT_H
#define FWD_FUZZ_REPLAY_INPUT_H

#include <stdio.h>
#include <stdlib.h>

static unsigned long rng = 17;

static unsigned long next_random(void) {
    rng = rng * 6364136223846793005ul + 1442695040888963407ul;
    return rng >> 33;
}

/* At most cap bytes of the file; a missing file ends the run (exit 2). */
static size_t read_file(const char *path, unsigned char *buf, size_t cap) {
    FILE *f = fopen(path, "rb");
    size_t n;
    if (f == NULL) {
        fprintf(stderr, "cannot read %s\n", path);
        exit(2);
    }
    n = fread(buf, 1, cap, f);
    fclose(f);
    return n;
}

#endif
