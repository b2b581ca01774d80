/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Replaces fwd_reloc.c in a build without the relocation map and its architecture transforms
 * (CMake FWD_WITH_RELOCATION=OFF): a RELOCATED patch is refused with NOT_YET_SUPPORTED as soon as
 * its map starts, before any byte of the new image is written.
 */
#include "fwd_internal.h"

void fwd_map_start(fwd_applier *a, uint8_t *section) {
    (void) a;
    (void) section;
}

fwd_error fwd_map_feed(fwd_applier *a, const uint8_t *b, uint32_t len, uint32_t *used, int *complete) {
    (void) a;
    (void) b;
    (void) len;
    *used = 0;
    *complete = 0;
    return FWD_ERR_NOT_YET_SUPPORTED;
}

fwd_error fwd_view_read(fwd_applier *a, uint32_t offset, uint8_t *dst, uint32_t n) {
    (void) a;
    (void) offset;
    (void) dst;
    (void) n;
    return FWD_ERR_NOT_YET_SUPPORTED;
}
