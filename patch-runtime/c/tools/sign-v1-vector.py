#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Signs a format-1/2 patch (256-byte header) with openssl, independently of fwdelta's Java signer,
for tools/cortex-m4-crypto-size's check of the embedded crypto port on the host: sets flag
SIGNED, recomputes header_crc32, signs bytes 0..175 (FORMAT.md 1.1) with the PEM private key
through `openssl pkeyutl` / `openssl dgst`, and writes algorithm, key_id and signature.
Usage: sign-v1-vector.py IN.fwd KEY.pem ed25519|p256 OUT.fwd"""
import hashlib
import subprocess
import sys
import tempfile
import zlib


def der_ints(der):
    """r and s of a DER ECDSA-Sig-Value."""
    assert der[0] == 0x30
    at, out = 2, []
    for _ in range(2):
        assert der[at] == 0x02
        n = der[at + 1]
        out.append(int.from_bytes(der[at + 2:at + 2 + n], "big"))
        at += 2 + n
    return out


def main():
    src, key, alg, dst = sys.argv[1:5]
    b = bytearray(open(src, "rb").read())
    assert b[4] in (1, 2) and b[6:8] == b"\x00\x01", "a format-1 or -2 patch"
    b[8] |= 1
    b[172:176] = zlib.crc32(bytes(b[:172])).to_bytes(4, "little")
    spki = subprocess.run(["openssl", "pkey", "-in", key, "-pubout", "-outform", "DER"], check=True,
                          capture_output=True).stdout
    with tempfile.NamedTemporaryFile() as m:
        m.write(bytes(b[:176]))
        m.flush()
        if alg == "ed25519":
            sig = subprocess.run(["openssl", "pkeyutl", "-sign", "-rawin", "-inkey", key, "-in", m.name],
                                 check=True, capture_output=True).stdout
        else:
            der = subprocess.run(["openssl", "dgst", "-sha256", "-sign", key, m.name], check=True,
                                 capture_output=True).stdout
            r, s = der_ints(der)
            sig = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    assert len(sig) == 64
    b[176] = 1 if alg == "ed25519" else 2
    b[180:188] = hashlib.sha256(spki).digest()[:8]
    b[188:252] = sig
    open(dst, "wb").write(bytes(b))


if __name__ == "__main__":
    main()
