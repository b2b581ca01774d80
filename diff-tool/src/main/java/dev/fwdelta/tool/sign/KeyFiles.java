// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.sign;

import dev.fwdelta.runtime.security.SignatureAlgorithm;
import dev.fwdelta.runtime.security.TrustedKey;
import dev.fwdelta.tool.io.BoundedFile;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.List;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.generators.ECKeyPairGenerator;
import org.bouncycastle.crypto.generators.Ed25519KeyPairGenerator;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.ECKeyGenerationParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519KeyGenerationParameters;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.crypto.util.PrivateKeyInfoFactory;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;

/**
 * PEM key files as openssl reads and writes them: PKCS#8 "PRIVATE KEY" (and openssl's SEC1
 * "EC PRIVATE KEY" on input) and SubjectPublicKeyInfo "PUBLIC KEY". Host side only: a device
 * holds raw public keys ({@link TrustedKey}).
 */
public final class KeyFiles {
    private KeyFiles() {}

    /**
     * The signing key of {@code --key PATH}. A readable PEM file of another kind (a public key, an
     * encrypted key) is a wrong argument, not an I/O error: IllegalArgumentException (exit 2).
     */
    public static SigningKey readPrivate(Path path) throws IOException {
        Object pem = readPem(path);
        PrivateKeyInfo info;
        if (pem instanceof PrivateKeyInfo p) {
            info = p;
        } else if (pem instanceof PEMKeyPair pair) {
            info = pair.getPrivateKeyInfo();
        } else if (pem instanceof SubjectPublicKeyInfo) {
            throw new IllegalArgumentException("--key " + path + " holds a public key: --key takes the private key "
                    + "(PEM \"PRIVATE KEY\" or \"EC PRIVATE KEY\"); a public key goes to --trust");
        } else {
            throw new IllegalArgumentException("--key " + path + " holds no unencrypted private key (PEM \"PRIVATE "
                    + "KEY\" or \"EC PRIVATE KEY\")");
        }
        AsymmetricKeyParameter key;
        try {
            key = PrivateKeyFactory.createKey(info);
        } catch (IOException | RuntimeException e) {
            throw new IOException(path + ": unreadable private key: " + e.getMessage(), e);
        }
        SignatureAlgorithm alg = SigningKey.algorithmOf(key);
        return new SigningKey(key, alg, rawPublicKey(key));
    }

    /** A public key file; a private key file works too (its public half is used). */
    public static TrustedKey readPublic(Path path) throws IOException {
        Object pem = readPem(path);
        if (pem instanceof SubjectPublicKeyInfo spki) {
            try {
                return TrustedKey.fromSpki(spki.getEncoded());
            } catch (RuntimeException e) {
                throw new IOException(path + ": " + e.getMessage(), e);
            }
        }
        if (pem instanceof PrivateKeyInfo || pem instanceof PEMKeyPair) {
            return TrustedKey.fromSpki(readPrivate(path).publicKeySpki());
        }
        throw new IOException(path + " holds no public key (PEM \"PUBLIC KEY\")");
    }

    /** A PEM key is a few hundred bytes; anything this large is not a key file. */
    static final long MAX_KEY_FILE_BYTES = 64 * 1024;

    private static Object readPem(Path path) throws IOException {
        byte[] bytes = BoundedFile.read(path, MAX_KEY_FILE_BYTES, "PEM key file");
        try (Reader r = new StringReader(StandardCharsets.US_ASCII.newDecoder().decode(ByteBuffer.wrap(bytes)).toString());
             PEMParser p = new PEMParser(r)) {
            Object o = p.readObject();
            if (o == null) {
                throw new IOException(path + " is not a PEM file");
            }
            return o;
        } catch (CharacterCodingException e) {
            throw new IOException(path + " is not a PEM file", e);
        } catch (RuntimeException e) {
            // Bouncy Castle reports bad base64 or DER inside a PEM block as unchecked exceptions.
            throw new IOException(path + " is not a valid PEM key file: " + e.getMessage(), e);
        }
    }

    private static byte[] rawPublicKey(AsymmetricKeyParameter key) {
        if (key instanceof Ed25519PrivateKeyParameters ed) {
            return ed.generatePublicKey().getEncoded();
        }
        ECPrivateKeyParameters ec = (ECPrivateKeyParameters) key;
        return ec.getParameters().getG().multiply(ec.getD()).normalize().getEncoded(false);
    }

    /** Makes a key pair; writes KEY (PKCS#8) and KEY's ".pub.pem" sibling (SubjectPublicKeyInfo). */
    public static Path generate(SignatureAlgorithm alg, Path privatePath) throws IOException {
        SecureRandom random = new SecureRandom();
        AsymmetricCipherKeyPair pair;
        if (alg == SignatureAlgorithm.ED25519) {
            Ed25519KeyPairGenerator g = new Ed25519KeyPairGenerator();
            g.init(new Ed25519KeyGenerationParameters(random));
            pair = g.generateKeyPair();
        } else {
            var curve = org.bouncycastle.asn1.nist.NISTNamedCurves.getByName("P-256");
            ECKeyPairGenerator g = new ECKeyPairGenerator();
            g.init(new ECKeyGenerationParameters(new org.bouncycastle.crypto.params.ECNamedDomainParameters(
                    org.bouncycastle.asn1.sec.SECObjectIdentifiers.secp256r1, curve), random));
            pair = g.generateKeyPair();
        }
        byte[] pkcs8 = pkcs8(pair.getPrivate());
        byte[] spki = SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(pair.getPublic()).getEncoded();
        Path publicPath = publicPathFor(privatePath);
        // Both names are checked before either file is written: a new private key must never be
        // left beside another key's public file.
        for (Path p : List.of(privatePath, publicPath)) {
            if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                throw new FileAlreadyExistsException(p.toString());
            }
        }
        writePem(privatePath, "PRIVATE KEY", pkcs8, true);
        try {
            writePem(publicPath, "PUBLIC KEY", spki, false);
        } catch (IOException e) {
            Files.deleteIfExists(privatePath); // created just above: the pair is written whole or not at all
            throw e;
        }
        return publicPath;
    }

    /**
     * PKCS#8 as openssl writes it. For Ed25519 that is version 1 without the optional public key:
     * Bouncy Castle's default (version 2, public key included) is refused by OpenSSL 3.0.
     */
    private static byte[] pkcs8(AsymmetricKeyParameter key) throws IOException {
        if (key instanceof Ed25519PrivateKeyParameters ed) {
            return new PrivateKeyInfo(new AlgorithmIdentifier(EdECObjectIdentifiers.id_Ed25519),
                    new DEROctetString(ed.getEncoded())).getEncoded();
        }
        return PrivateKeyInfoFactory.createPrivateKeyInfo(key).getEncoded();
    }

    /** key.pem -> key.pub.pem (any other name: name + ".pub.pem"). */
    public static Path publicPathFor(Path privatePath) {
        String name = privatePath.getFileName().toString();
        String stem = name.endsWith(".pem") ? name.substring(0, name.length() - 4) : name;
        return privatePath.resolveSibling(stem + ".pub.pem");
    }

    private static void writePem(Path path, String type, byte[] der, boolean secret) throws IOException {
        StringWriter text = new StringWriter();
        try (PemWriter w = new PemWriter(text)) {
            w.writeObject(new PemObject(type, der));
        }
        if (Files.exists(path)) {
            throw new FileAlreadyExistsException(path.toString());
        }
        if (secret) {
            Files.createFile(path, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rw-------")));
            Files.writeString(path, text.toString(), StandardCharsets.US_ASCII);
        } else {
            Files.writeString(path, text.toString(), StandardCharsets.US_ASCII, StandardOpenOption.CREATE_NEW);
        }
    }
}
