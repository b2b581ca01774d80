/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Runs fuzz/fuzz_uart.c without libFuzzer, so that every host build (gcc, clang, ASan+UBSan)
 * replays it:
 *   fwd_fuzz_uart_replay FILE...              each file as one input (fuzz/regressions-uart: the
 *                                              inputs the campaigns found, named after what they raised)
 *   fwd_fuzz_uart_replay --seeds N FILE...    each seed must install the new image (a seed that
 *                                              does not reaches no deep state), then N seeded
 *                                              mutations of it (a short sampled run)
 * The target aborts on a broken invariant; the sanitizers report memory errors.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "replay_input.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);
int fwd_fuzz_uart_installed(void);

/* Larger than every seed (make_uart_seeds.c): a longer file is cut here. */
#define MAX_INPUT 65536u

static unsigned char input[MAX_INPUT];
static unsigned char mutated[MAX_INPUT];
/* A copy of the input with a few bytes changed, sometimes cut short or with a byte dropped: its length. */
static size_t mutate(size_t n) {
    size_t len = n;
    unsigned long changes = 1 + next_random() % 4;
    memcpy(mutated, input, n);
    while (changes-- > 0) {
        mutated[next_random() % n] ^= (unsigned char) (1 + next_random() % 255);
    }
    if (next_random() % 8 == 0) {
        len = next_random() % n;
    } else if (next_random() % 8 == 0) {
        size_t at = next_random() % n;
        memmove(mutated + at, mutated + at + 1, n - at - 1);
        len = n - 1;
    }
    return len;
}

static int seeds(int count, char **paths, unsigned long mutations) {
    unsigned long runs = 0;
    int i;
    for (i = 0; i < count; i++) {
        size_t n = read_file(paths[i], input, MAX_INPUT);
        unsigned long m;
        LLVMFuzzerTestOneInput(input, n);
        if (n == 0 || !fwd_fuzz_uart_installed()) {
            fprintf(stderr, "seed %s does not install the new image\n", paths[i]);
            return 1;
        }
        runs++;
        for (m = 0; m < mutations; m++) {
            LLVMFuzzerTestOneInput(mutated, mutate(n));
            runs++;
        }
    }
    printf("%d seeds installed, %lu inputs replayed\n", count, runs);
    return count > 0 ? 0 : 1;
}

int main(int argc, char **argv) {
    int i;
    if (argc >= 3 && strcmp(argv[1], "--seeds") == 0) {
        return seeds(argc - 3, argv + 3, strtoul(argv[2], NULL, 10));
    }
    for (i = 1; i < argc; i++) {
        size_t n = read_file(argv[i], input, MAX_INPUT);
        LLVMFuzzerTestOneInput(input, n);
    }
    printf("%d inputs replayed\n", argc - 1);
    return 0;
}
