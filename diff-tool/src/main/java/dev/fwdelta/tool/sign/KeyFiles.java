// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.sign;

import dev.fwdelta.runtime.security.SignatureAlgorithm;
import dev.fwdelta.runtime.security.TrustedKey;
import dev.fwdelta.tool.io.BoundedFile;
import dev.fwdelta.tool.io.DurableFiles;
import dev.fwdelta.tool.io.FileErrors;
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
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.List;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ECParameters;
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
import org.bouncycastle.util.io.pem.PemReader;
import org.bouncycastle.util.io.pem.PemWriter;

/**
 * PEM key files as openssl reads and writes them: PKCS#8 "PRIVATE KEY" (and openssl's SEC1
 * "EC PRIVATE KEY" on input) and SubjectPublicKeyInfo "PUBLIC KEY". Host side only: a device
 * holds raw public keys ({@link TrustedKey}).
 */
public final class KeyFiles {
    private KeyFiles() {}

    /**
     * The signing key of {@code --key PATH}. A file that was read but holds no usable private key
     * (a public key, an encrypted key, no PEM at all) is a wrong argument, not an I/O error:
     * IllegalArgumentException (exit 2). Only a file that cannot be read is an IOException (exit 5).
     */
    public static SigningKey readPrivate(Path path) throws IOException {
        Object pem = readPem(path, "--key");
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
        return signingKey(info, path, "--key");
    }

    private static SigningKey signingKey(PrivateKeyInfo info, Path path, String option) {
        AsymmetricKeyParameter key;
        SignatureAlgorithm alg;
        try {
            // PKCS#8 holds the key itself as DER inside an OCTET STRING, parsed only here.
            DerNesting.requireDepthAtMost(info.getPrivateKey().getOctets(), MAX_DER_DEPTH);
            key = PrivateKeyFactory.createKey(info);
            alg = SigningKey.algorithmOf(key);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(option + " " + path + " holds a private key fwdelta cannot use: "
                    + unusable(e));
        }
        return new SigningKey(key, alg, rawPublicKey(key));
    }

    /**
     * Why Bouncy Castle could not make a key: its message, except for a NullPointerException,
     * which is how it meets a field the key lacks (an EC key without its curve) and whose text
     * names only the library's own classes.
     */
    private static String unusable(Exception e) {
        return e instanceof NullPointerException ? "it lacks a field a key needs (an ECDSA key names its curve, P-256)"
                : e.getMessage();
    }

    /** The public key of {@code --trust PATH}. */
    public static TrustedKey readPublic(Path path) throws IOException {
        return readPublic(path, "--trust");
    }

    /**
     * The public key of {@code OPTION PATH}; a private key file works too (its public half is used,
     * as fwdelta-c-apply's --trust does). As for {@link #readPrivate}, a file that was read but
     * holds no usable key (no PEM, a certificate, an encrypted key, an RSA key) is a wrong argument
     * naming the option (exit 2); only a file that cannot be read is an IOException (exit 5).
     */
    public static TrustedKey readPublic(Path path, String option) throws IOException {
        Object pem = readPem(path, option);
        if (pem instanceof SubjectPublicKeyInfo spki) {
            try {
                return TrustedKey.fromSpki(spki.getEncoded());
            } catch (IOException | RuntimeException e) {
                throw new IllegalArgumentException(option + " " + path + " holds a public key fwdelta cannot use: "
                        + e.getMessage());
            }
        }
        if (pem instanceof PrivateKeyInfo info) {
            return TrustedKey.fromSpki(signingKey(info, path, option).publicKeySpki());
        }
        if (pem instanceof PEMKeyPair pair) {
            return TrustedKey.fromSpki(signingKey(pair.getPrivateKeyInfo(), path, option).publicKeySpki());
        }
        throw new IllegalArgumentException(option + " " + path + " holds no public key (PEM \"PUBLIC KEY\", e.g. the "
                + ".pub.pem fwdelta keygen writes; a certificate or an encrypted key is not read)");
    }

    /** A PEM key is a few hundred bytes; anything this large is not a key file. */
    static final long MAX_KEY_FILE_BYTES = 64 * 1024;

    /**
     * How deeply the DER of a key file may nest: a key needs a few levels, and the parser, which
     * recurses once per level, must never meet enough of them to exhaust its stack.
     */
    static final int MAX_DER_DEPTH = 16;

    /**
     * The first PEM object of the file given as {@code option}. Reading the file may fail (exit 5);
     * what it holds, once read, is the user's argument: not PEM is IllegalArgumentException.
     */
    private static Object readPem(Path path, String option) throws IOException {
        byte[] bytes = BoundedFile.read(path, MAX_KEY_FILE_BYTES, "PEM key file");
        String text;
        try {
            text = StandardCharsets.US_ASCII.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(option + " " + path + " is not a PEM key file (it is not text)");
        }
        Object o;
        boolean parameters = false;
        try (Reader r = new StringReader(text); PEMParser p = new PEMParser(r);
             PemReader blocks = new PemReader(new StringReader(text))) {
            // Each block is checked before the parser reads it: the two go through the text in step.
            requireShallowDer(blocks);
            o = p.readObject();
            // openssl ecparam -genkey writes the curve's EC PARAMETERS before the EC PRIVATE KEY
            while (o instanceof ASN1ObjectIdentifier || o instanceof X9ECParameters) {
                parameters = true;
                requireShallowDer(blocks);
                o = p.readObject();
            }
        } catch (IOException | RuntimeException e) {
            // Text in memory: what fails here is the content. Bouncy Castle reports bad base64 or DER
            // inside a PEM block as unchecked exceptions, an unknown block type as an IOException.
            throw new IllegalArgumentException(option + " " + path + " is not a valid PEM key file: " + e.getMessage());
        }
        if (o == null && parameters) {
            throw new IllegalArgumentException(option + " " + path + " holds EC PARAMETERS and no key (openssl "
                    + "ecparam writes the key only with -genkey)");
        }
        if (o == null) {
            throw new IllegalArgumentException(option + " " + path + " is not a PEM key file (no \"-----BEGIN\" line"
                    + (bytes.length == 0 ? ": the file is empty)" : ")"));
        }
        return o;
    }

    /** Refuses the next PEM block (the one the parser reads next) if its DER nests too deeply for the parser. */
    private static void requireShallowDer(PemReader blocks) throws IOException {
        PemObject next = blocks.readPemObject();
        if (next != null) {
            DerNesting.requireDepthAtMost(next.getContent(), MAX_DER_DEPTH);
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

    /** How the name of the public key file keygen writes ends. */
    public static final String PUBLIC_SUFFIX = ".pub.pem";

    /** key.pem -> key.pub.pem (any other name: name + ".pub.pem"). */
    public static Path publicPathFor(Path privatePath) {
        String name = privatePath.getFileName().toString();
        String stem = name.endsWith(".pem") ? name.substring(0, name.length() - 4) : name;
        return privatePath.resolveSibling(stem + PUBLIC_SUFFIX);
    }

    private static void writePem(Path path, String type, byte[] der, boolean secret) throws IOException {
        StringWriter text = new StringWriter();
        try (PemWriter w = new PemWriter(text)) {
            w.writeObject(new PemObject(type, der));
        }
        if (Files.exists(path)) {
            throw new FileAlreadyExistsException(path.toString());
        }
        // Written beside its name and renamed to it whole, never over a file there: a run that
        // dies half way (a full disk, a file size limit, a kill, a power cut) leaves no empty or
        // partial key at the name, which every later keygen would refuse. "rw-rw-rw-" is what a file made
        // without permissions gets (the umask applies to both).
        Path temp;
        try {
            temp = Files.createTempFile(path.toAbsolutePath().getParent(), "." + path.getFileName() + ".", ".part",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(secret ? "rw-------" : "rw-rw-rw-")));
        } catch (IOException e) {
            throw FileErrors.naming(path, e); // the temporary file's name is not one the user gave
        }
        try {
            Files.writeString(temp, text.toString(), StandardCharsets.US_ASCII);
            DurableFiles.create(temp, path);
        } catch (IOException e) {
            throw FileErrors.naming(path, e);
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
