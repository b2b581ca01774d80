/* SPDX-License-Identifier: Apache-2.0 */
/* The C tests' reading of a golden vector file: DIR/NAME.EXT, at most max bytes. */
#ifndef FWD_TESTS_VECTOR_FILE_H
#define FWD_TESTS_VECTOR_FILE_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* Its length; a missing file ends the test run (exit 2): the vectors are part of the test. */
static uint32_t load_vector_file(const char *dir, const char *name, const char *ext, uint8_t *buf, uint32_t max) {
    char path[512];
    FILE *f;
    size_t n;
    snprintf(path, sizeof path, "%s/%s.%s", dir, name, ext);
    f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "missing vector file %s\n", path);
        exit(2);
    }
    n = fread(buf, 1, max, f);
    fclose(f);
    return (uint32_t) n;
}

#endif
