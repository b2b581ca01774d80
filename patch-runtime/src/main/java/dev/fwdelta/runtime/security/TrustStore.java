// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.security;

import java.util.List;

/** The keys a device accepts signatures from; several allow key rotation. Looked up by key id. */
public final class TrustStore {
    private final List<TrustedKey> keys;

    public TrustStore(List<TrustedKey> keys) {
        this.keys = List.copyOf(keys);
    }

    public TrustedKey find(long keyId) {
        for (TrustedKey k : keys) {
            if (k.keyId() == keyId) {
                return k;
            }
        }
        return null;
    }

    public int size() {
        return keys.size();
    }
}
