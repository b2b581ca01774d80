// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.apply;

import java.io.IOException;

/** Told after each payload block has been applied and checked: the state an apply can resume from. */
@FunctionalInterface
public interface BlockListener {
    void blockDone(ResumePoint point) throws IOException;
}
