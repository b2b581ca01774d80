// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.apply;

import java.io.IOException;

/**
 * Told after each payload block has been applied and checked: the state an apply can resume from
 * (the fields of a {@link ResumePoint}, passed as they are: nothing is allocated per block).
 */
@FunctionalInterface
public interface BlockListener {
    void blockDone(long blocksDone, long patchOffset, long newOffset, long oldOffset) throws IOException;
}
