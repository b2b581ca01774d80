// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.c;

/**
 * One applier's answer to one mutant: the error code (0: applied), the new-image bytes it handed
 * its sink (also when it then failed) and their SHA-256; or a crash ({@code crash} not null: an
 * exception other than PatchException, or a C tool stopped by a sanitizer), which is a defect
 * whatever the other applier did.
 */
record MutantOutcome(int code, long written, String sha256, String crash) {
    static MutantOutcome crashed(String why) {
        return new MutantOutcome(-1, 0, "", why);
    }

    /**
     * The same error code and the same bytes handed to the sink, also before an error: a relocated
     * view or a record computed differently must not hide behind the BLOCK_CRC both then raise.
     */
    boolean sameAs(MutantOutcome other) {
        return crash == null && other.crash == null && code == other.code && written == other.written
                && sha256.equals(other.sha256);
    }

    @Override
    public String toString() {
        return crash != null ? "crash: " + crash : code == 0 ? "ok, " + written + " bytes" : "error code " + code;
    }
}
