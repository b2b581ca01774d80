/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Runs the fuzz target without libFuzzer, so that every build (gcc, clang, ASan+UBSan) replays it:
 *   fwd_fuzz_replay FILE...               each file as one input (fuzz/regressions: the crash
 *                                          inputs the campaigns found, named after what they raised)
 *   fwd_fuzz_replay --vectors DIR N       the golden vectors in the target's input layout, each
 *                                          also with N seeded mutations (a short sampled run)
 * The target aborts on a broken promise; the sanitizers report memory errors.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "replay_input.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

#define MAX_INPUT 8192u

static unsigned char input[MAX_INPUT];
static unsigned char mutated[MAX_INPUT];
static const char *const VECTORS[] = {
    "none-two-blocks", "lz77-window256", "lzma-dict4096", "ed25519-signed", "empty-new-image", "compact-lzma",
    "compact-ed25519-signed", "compact-sparse-records", "relocation-map", "relocation-a64",
    "compact-relocation-a64", "compact-relocation-xtensa", "compact-split", "compact-load-address",
    "compact-load-address-signed", "compact-sha-only", "compact-sha-only-signed", "compact-relocation-long-map",
    "compact-lzma-window1024", "compact-split-window256"
};

/* Old image and patch of a vector in the target's layout (fuzz_apply.c), chunk seed and flags given. */
static size_t vector_input(const char *dir, const char *name, unsigned char seed, unsigned char flags) {
    char path[512];
    size_t old;
    size_t patch;
    snprintf(path, sizeof path, "%s/%s.old", dir, name);
    old = read_file(path, input + 4, 4096);
    snprintf(path, sizeof path, "%s/%s.fwd", dir, name);
    patch = read_file(path, input + 4 + old, MAX_INPUT - 4 - old);
    input[0] = seed;
    input[1] = flags;
    input[2] = (unsigned char) (old & 0xFFu);
    input[3] = (unsigned char) (old >> 8);
    return 4 + old + patch;
}

static unsigned long sampled(const char *dir, unsigned long mutations) {
    unsigned long runs = 0;
    size_t v;
    unsigned long m;
    for (v = 0; v < sizeof VECTORS / sizeof VECTORS[0]; v++) {
        size_t n = vector_input(dir, VECTORS[v], (unsigned char) (v * 37u), (unsigned char) (v & 1u));
        LLVMFuzzerTestOneInput(input, n);
        runs++;
        for (m = 0; m < mutations; m++) {
            size_t len = n;
            unsigned long flips = 1 + next_random() % 4;
            memcpy(mutated, input, n);
            while (flips-- > 0) {
                mutated[4 + next_random() % (n - 4)] ^= (unsigned char) (1 + next_random() % 255);
            }
            if (next_random() % 8 == 0) {
                len = 4 + next_random() % (n - 4);
            }
            LLVMFuzzerTestOneInput(mutated, len);
            runs++;
        }
    }
    return runs;
}

int main(int argc, char **argv) {
    int i;
    if (argc == 4 && strcmp(argv[1], "--vectors") == 0) {
        printf("%lu inputs replayed\n", sampled(argv[2], strtoul(argv[3], NULL, 10)));
        return 0;
    }
    for (i = 1; i < argc; i++) {
        size_t n = read_file(argv[i], input, MAX_INPUT);
        LLVMFuzzerTestOneInput(input, n);
    }
    printf("%d inputs replayed\n", argc - 1);
    return 0;
}
