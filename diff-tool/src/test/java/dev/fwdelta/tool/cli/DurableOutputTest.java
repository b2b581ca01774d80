// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fwdelta.tool.io.SyscallTrace;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A command's output is on the disk before its name is (AtomicOutput through DurableFiles): a
 * power cut just after {@code fwdelta diff} or {@code keygen} returns leaves the patch or the
 * signing key whole, never an empty file under its name. Shown by the fsyncs and renames of the
 * command in a process of its own under strace.
 */
class DurableOutputTest {
    @TempDir
    Path dir;

    @Test
    void aPatchIsForcedBeforeItIsRenamedIntoPlace() throws Exception {
        CliFixture f = new CliFixture(dir);
        Path patch = dir.resolve("update.fwd");
        Path log = dir.resolve("trace");
        ChildCli.Result r = ChildCli.runTraced(log, "diff", f.oldBin.toString(), f.newBin.toString(), "-o", patch.toString());
        assertEquals(0, r.exit(), r.err());
        SyscallTrace.read(log).assertDurablyReplaced(patch);
    }

    @Test
    void aSigningKeyPairIsForcedBeforeItIsRenamedIntoPlace() throws Exception {
        Path key = dir.resolve("release.pem");
        Path log = dir.resolve("trace");
        ChildCli.Result r = ChildCli.runTraced(log, "keygen", "-o", key.toString());
        assertEquals(0, r.exit(), r.err());
        SyscallTrace trace = SyscallTrace.read(log);
        trace.assertDurablyReplaced(key);
        trace.assertDurablyReplaced(dir.resolve("release.pub.pem"));
    }
}
