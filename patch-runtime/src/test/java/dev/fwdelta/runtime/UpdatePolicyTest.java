// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.fwdelta.runtime.apply.PatchApplier;
import dev.fwdelta.runtime.apply.UpdatePolicy;
import dev.fwdelta.runtime.format.ErrorCode;
import dev.fwdelta.runtime.format.PatchException;
import dev.fwdelta.runtime.format.PatchHeader;
import dev.fwdelta.runtime.io.ByteArrayOldImage;
import dev.fwdelta.runtime.io.OldImage;
import dev.fwdelta.runtime.security.SignatureAlgorithm;
import dev.fwdelta.runtime.security.TrustStore;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Signature, key, anti-rollback, board, slot and base-image checks: each refused with its own error,
 * before a single byte reaches the staging sink.
 */
class UpdatePolicyTest {
    private static final long BOARD = 0x1234;
    private static final long INSTALLED = 6;

    private static TestPatch signed(TestKeys keys) {
        TestPatch t = TestPatch.standard();
        t.flags = 1;
        t.signer = keys.sectionSigner();
        return t;
    }

    private static UpdatePolicy policy(TestKeys... trusted) {
        return new UpdatePolicy(1 << 20, new TrustStore(Arrays.stream(trusted).map(TestKeys::trusted).toList()),
                INSTALLED, false, BOARD);
    }

    /** Applies; on failure returns the error and asserts nothing was written to the sink. */
    private static ErrorCode refusal(byte[] old, byte[] patch, UpdatePolicy policy) {
        ByteArrayOutputStream staging = new ByteArrayOutputStream();
        PatchApplier a = new PatchApplier(new ByteArrayOldImage(old), staging::write, policy);
        try {
            a.process(patch);
            a.finish();
        } catch (PatchException e) {
            assertEquals(0, staging.size(), e.code() + " raised after " + staging.size() + " bytes were written");
            return e.code();
        } catch (Exception e) {
            fail(e);
        }
        return null;
    }

    @ParameterizedTest
    @EnumSource(SignatureAlgorithm.class)
    void signedPatchFromATrustedKeyApplies(SignatureAlgorithm alg) throws Exception {
        TestKeys keys = TestKeys.generate(alg, 1);
        TestPatch t = signed(keys);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PatchApplier a = new PatchApplier(new ByteArrayOldImage(t.old), out::write, policy(TestKeys.generate(alg, 9), keys));
        a.process(t.build());
        a.finish();
        assertArrayEquals(t.newImage(), out.toByteArray());
    }

    @ParameterizedTest
    @EnumSource(SignatureAlgorithm.class)
    void eachRefusalHasItsOwnError(SignatureAlgorithm alg) {
        TestKeys keys = TestKeys.generate(alg, 2);
        TestPatch t = signed(keys);
        UpdatePolicy p = policy(keys);

        assertEquals(ErrorCode.UNKNOWN_KEY, refusal(t.old, t.build(), policy(TestKeys.generate(alg, 3))));
        TestPatch unsigned = TestPatch.standard();
        assertEquals(ErrorCode.UNSIGNED_PATCH, refusal(unsigned.old, unsigned.build(), p));

        TestPatch old = signed(keys);
        old.firmwareVersion = INSTALLED;
        assertEquals(ErrorCode.ROLLBACK, refusal(old.old, old.build(), p));
        assertEquals(null, refusal(old.old, old.build(),
                new UpdatePolicy(1 << 20, p.trust(), INSTALLED, true, BOARD)), "--allow-downgrade");

        TestPatch board = signed(keys);
        board.hardwareId = BOARD + 1;
        assertEquals(ErrorCode.WRONG_HARDWARE, refusal(board.old, board.build(), p));

        byte[] otherBase = t.old.clone();
        otherBase[0] ^= 1;
        assertEquals(ErrorCode.WRONG_BASE_IMAGE, refusal(otherBase, t.build(), p));

        assertEquals(ErrorCode.RAM_BUDGET_EXCEEDED, refusal(t.old, t.build(),
                new UpdatePolicy(1000, p.trust(), INSTALLED, false, BOARD)));

        TestPatch forged = signed(keys);
        forged.signer = TestKeys.generate(alg, 4).sectionSigner().andThen(section -> {
            byte[] s = section.clone();
            try {
                System.arraycopy(keys.keyIdBytes(), 0, s, 4, 8); // claims the trusted key's id
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return s;
        });
        assertEquals(ErrorCode.SIGNATURE_INVALID, refusal(forged.old, forged.build(), p));
    }

    @ParameterizedTest
    @EnumSource(SignatureAlgorithm.class)
    void everySingleByteChangeOfTheHeaderIsRefusedBeforeWriting(SignatureAlgorithm alg) {
        TestKeys keys = TestKeys.generate(alg, 5);
        TestPatch t = signed(keys);
        byte[] good = t.build();
        UpdatePolicy p = policy(keys);
        assertEquals(null, refusal(t.old, good, p));
        // Every position, every other value for Ed25519; ECDSA verifies are slower, so 8 values per byte.
        int step = alg == SignatureAlgorithm.ED25519 ? 1 : 32;
        int tried = 0;
        for (int i = 0; i < 256; i++) {
            for (int delta = 1; delta < 256; delta += step) {
                byte[] bad = good.clone();
                bad[i] = (byte) (bad[i] + delta);
                if (refusal(t.old, bad, p) == null) {
                    fail("header byte " + i + " changed by " + delta + " was accepted");
                }
                tried++;
            }
        }
        assertEquals(256 * ((255 + step - 1) / step), tried);
    }

    @ParameterizedTest
    @EnumSource(SignatureAlgorithm.class)
    void withoutATrustStoreASignedPatchAppliesUnchecked(SignatureAlgorithm alg) throws Exception {
        TestPatch t = signed(TestKeys.generate(alg, 6));
        assertArrayEquals(t.newImage(), Apply.apply(t.old, t.build()));
    }

    /**
     * The policy's slot: a patch linked for another one is refused as soon as its header is in,
     * before the old image is read or a byte is written, even when one chunk holds the header and
     * every block (a caller checking header() after that chunk would be too late). The same vector
     * as the C unit test's test_slot_address.
     */
    @Test
    void anotherSlotsPatchInOneChunkIsRefusedBeforeAnyReadOrWrite() throws Exception {
        byte[] old = GoldenVectorTest.resource("compact-load-address.old");
        byte[] patch = GoldenVectorTest.resource("compact-load-address.fwd");
        long address = PatchHeader.parse(patch).loadAddress();
        assertTrue(address != PatchHeader.NO_LOAD_ADDRESS, "the vector records a load address");
        long[] oldBytesRead = {0};
        OldImage counted = new OldImage() {
            @Override
            public long size() {
                return old.length;
            }

            @Override
            public void read(long offset, byte[] dst, int off, int len) {
                System.arraycopy(old, (int) offset, dst, off, len);
                oldBytesRead[0] += len;
            }
        };
        ByteArrayOutputStream staging = new ByteArrayOutputStream();
        PatchApplier a = new PatchApplier(counted, staging::write, UpdatePolicy.ramOnly(1 << 20).atSlot(address + 0x1000));
        PatchException e = assertThrows(PatchException.class, () -> a.process(patch));
        assertEquals(ErrorCode.WRONG_LOAD_ADDRESS, e.code());
        assertEquals(0, staging.size(), "new-image bytes written");
        assertEquals(0, oldBytesRead[0], "old-image bytes read");

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PatchApplier right = new PatchApplier(new ByteArrayOldImage(old), out::write,
                UpdatePolicy.ramOnly(1 << 20).atSlot(address));
        right.process(patch);
        right.finish();
        assertArrayEquals(GoldenVectorTest.resource("compact-load-address.new"), out.toByteArray());
    }

    @Test
    void aSlotAddressIsAnyOrThirtyTwoBits() {
        assertEquals(UpdatePolicy.ANY_SLOT, UpdatePolicy.ramOnly(1).slotAddress());
        assertEquals(0xFFFF_FFFFL, UpdatePolicy.ramOnly(1).atSlot(0xFFFF_FFFFL).slotAddress());
        assertThrows(IllegalArgumentException.class, () -> UpdatePolicy.ramOnly(1).atSlot(0x1_0000_0000L));
        assertThrows(IllegalArgumentException.class, () -> UpdatePolicy.ramOnly(1).atSlot(-2));
    }

    /**
     * -1 is the only "do not check" value. Any other negative installed version (2^63 and up as the
     * u64 the C agent keeps) or board id used to switch the anti-rollback or board check off too,
     * where the C agent compares them and refuses.
     */
    @Test
    void anInstalledVersionOrBoardOutsideTheirRangeIsRefusedNotIgnored() {
        IllegalArgumentException version = assertThrows(IllegalArgumentException.class,
                () -> new UpdatePolicy(1, null, Long.MIN_VALUE, false, BOARD));
        assertTrue(version.getMessage().contains("installed version"), version.getMessage());
        assertTrue(version.getMessage().contains("0..9223372036854775807"), version.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new UpdatePolicy(1, null, -2, false, BOARD));
        IllegalArgumentException board = assertThrows(IllegalArgumentException.class,
                () -> new UpdatePolicy(1, null, INSTALLED, false, -2));
        assertTrue(board.getMessage().contains("hardware id"), board.getMessage());
        assertTrue(board.getMessage().contains("0..0xffffffff"), board.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new UpdatePolicy(1, null, INSTALLED, false, 0x1_0000_0000L));
        assertEquals(Long.MAX_VALUE, new UpdatePolicy(1, null, Long.MAX_VALUE, false, 0xFFFF_FFFFL).installedVersion());
        assertEquals(0xFFFF_FFFFL, new UpdatePolicy(1, null, -1, false, 0xFFFF_FFFFL).hardwareId());
    }
}
