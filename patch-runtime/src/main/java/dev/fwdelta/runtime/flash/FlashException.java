// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.flash;

import java.io.IOException;

/** An operation the flash refuses: a NOR rule broken (a bug in the caller), never silent corruption. */
public final class FlashException extends IOException {
    public FlashException(String message) {
        super(message);
    }
}
