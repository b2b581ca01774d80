/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Replaces fwd_lz4.c in a build without the LZ4 block codec (CMake FWD_WITH_LZ4=OFF, for the
 * smallest bootloaders): a patch using codec lz77 is refused with NOT_YET_SUPPORTED, never
 * applied wrongly.
 */
#include "fwd_internal.h"

void fwd_lz4_start(fwd_lz4 *z, uint32_t raw_length) {
    (void) z;
    (void) raw_length;
}

fwd_error fwd_lz4_feed(fwd_applier *a, const uint8_t *b, uint32_t len) {
    (void) a;
    (void) b;
    (void) len;
    return FWD_ERR_NOT_YET_SUPPORTED;
}

fwd_error fwd_lz4_finish(fwd_applier *a) {
    (void) a;
    return FWD_ERR_NOT_YET_SUPPORTED;
}
