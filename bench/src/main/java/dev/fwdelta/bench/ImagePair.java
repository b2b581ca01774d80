// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.bench;

import java.nio.file.Path;

/** A named old/new firmware pair on disk. */
public record ImagePair(String name, Path oldPath, Path newPath) {
}
