// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.image;

/** A firmware image as flat bytes, and the address its first byte is programmed at. */
public record FirmwareImage(byte[] bytes, long baseAddress) {
}
