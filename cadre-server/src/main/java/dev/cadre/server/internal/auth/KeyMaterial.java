package dev.cadre.server.internal.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns configured key material into {@link VerificationKey}s, refusing anything unusable with a message that says
 * what is wrong and how to fix it, and that never quotes the material. Stateless and thread-safe.
 */
final class KeyMaterial {

    /** RSA moduli below this are factorable in practice; no identity provider still issues them. */
    static final int MIN_RSA_BITS = 2048;

    private static final Pattern PEM = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----",
            Pattern.DOTALL);

    private static final Map<String, Integer> HMAC_MIN_BYTES = Map.of("HS256", 32, "HS384", 48, "HS512", 64);

    private static final List<String> RSA_ALGORITHMS = List.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512");

    /** {@code AlgorithmIdentifier} for rsaEncryption with NULL parameters, as SPKI wraps a PKCS#1 key. */
    private static final byte[] RSA_ALGORITHM_ID = {0x30, 0x0D, 0x06, 0x09, 0x2A, (byte) 0x86, 0x48, (byte) 0x86,
        (byte) 0xF7, 0x0D, 0x01, 0x01, 0x01, 0x05, 0x00};

    private KeyMaterial() {
    }

    /**
     * A configured verification key: PEM (public key, PKCS#1 RSA public key or certificate) when it starts with
     * {@code -----BEGIN}, else an HMAC secret taken byte for byte (UTF-8).
     *
     * @param label    names the key in errors, e.g. "JWT verification key #1"
     * @param override the algorithm every key must use, if configured
     * @throws IllegalArgumentException if the key is unusable or cannot verify {@code override}
     */
    static VerificationKey fromString(String label, String material, Optional<String> override) {
        String text = material.strip();
        if (text.startsWith("-----BEGIN")) {
            if (!text.contains("\n") && text.contains("\\n")) {
                // PEM squeezed into one environment variable usually arrives with literal "\n" escapes.
                text = text.replace("\\n", "\n");
            }
            return fromPublicKey(label, pem(label, text), override);
        }
        String algorithm = override.orElse("HS256");
        if (!HMAC_MIN_BYTES.containsKey(algorithm)) {
            throw new IllegalArgumentException(label + " is not PEM, so it can only be an HMAC secret, but the JWT "
                    + "algorithm is " + algorithm + ": configure the issuer's public key as PEM (-----BEGIN PUBLIC "
                    + "KEY----- or -----BEGIN CERTIFICATE-----), or use HS256, HS384 or HS512");
        }
        return fromSecret(label, material.getBytes(StandardCharsets.UTF_8), algorithm);
    }

    /**
     * An HMAC secret for {@code algorithm} (HS256, HS384 or HS512), which must be at least as long as the hash.
     *
     * @throws IllegalArgumentException if the algorithm is not HMAC or the secret is too short
     */
    static VerificationKey fromSecret(String label, byte[] secret, String algorithm) {
        Integer min = HMAC_MIN_BYTES.get(algorithm);
        if (min == null) {
            throw new IllegalArgumentException(label + " is an HMAC secret, so it verifies HS256, HS384 or HS512 "
                    + "tokens, not " + algorithm);
        }
        if (secret.length < min) {
            throw new IllegalArgumentException(label + " is an HMAC secret of " + secret.length + " bytes, but "
                    + algorithm + " needs at least " + min + " bytes (" + min * 8 + " bits): use a longer random "
                    + "secret, e.g. the output of `openssl rand -base64 " + min + "`");
        }
        try {
            return new VerificationKey(label, JWSAlgorithm.parse(algorithm), new MACVerifier(secret));
        } catch (JOSEException e) {
            throw new IllegalArgumentException(label + " cannot be used as an HMAC secret: " + e.getMessage(), e);
        }
    }

    /**
     * An RSA or EC public key. RSA keys verify RS* and PS* tokens (RS256 unless {@code wanted} says otherwise) and
     * must have at least {@value #MIN_RSA_BITS} bits; EC keys verify the one algorithm of their curve.
     *
     * @param wanted the algorithm required by configuration or by a JWKS entry, if any
     * @throws IllegalArgumentException if the key is of another type, too weak, or cannot verify {@code wanted}
     */
    static VerificationKey fromPublicKey(String label, PublicKey key, Optional<String> wanted) {
        try {
            if (key instanceof RSAPublicKey rsa) {
                int bits = rsa.getModulus().bitLength();
                if (bits < MIN_RSA_BITS) {
                    throw new IllegalArgumentException(label + " is a " + bits + "-bit RSA key; Cadre needs at least "
                            + MIN_RSA_BITS + " bits");
                }
                String algorithm = wanted.orElse("RS256");
                if (!RSA_ALGORITHMS.contains(algorithm)) {
                    throw new IllegalArgumentException(label + " is an RSA public key, so it verifies "
                            + String.join(", ", RSA_ALGORITHMS) + " tokens, not " + algorithm);
                }
                return new VerificationKey(label, JWSAlgorithm.parse(algorithm), new RSASSAVerifier(rsa));
            }
            if (key instanceof ECPublicKey ec) {
                Curve curve = Curve.forECParameterSpec(ec.getParams());
                String derived = curve == null ? null : ecAlgorithm(curve);
                if (derived == null) {
                    throw new IllegalArgumentException(label + " is an EC key on an unsupported curve; use P-256, "
                            + "P-384 or P-521");
                }
                String algorithm = wanted.orElse(derived);
                if (!algorithm.equals(derived)) {
                    throw new IllegalArgumentException(label + " is an EC " + curve.getName() + " key, so it "
                            + "verifies " + derived + " tokens only, not " + algorithm);
                }
                return new VerificationKey(label, JWSAlgorithm.parse(algorithm), new ECDSAVerifier(ec));
            }
        } catch (JOSEException e) {
            throw new IllegalArgumentException(label + " cannot verify signatures: " + e.getMessage(), e);
        }
        throw new IllegalArgumentException(label + " is a " + key.getAlgorithm() + " key; Cadre verifies RSA keys, "
                + "EC keys (P-256, P-384, P-521) and HMAC secrets");
    }

    /** The only JWS algorithm of an EC curve, or null for a curve Cadre does not accept. */
    static String ecAlgorithm(Curve curve) {
        if (Curve.P_256.equals(curve)) {
            return "ES256";
        }
        if (Curve.P_384.equals(curve)) {
            return "ES384";
        }
        return Curve.P_521.equals(curve) ? "ES512" : null;
    }

    /** The public key of the first PEM block of {@code text}. */
    private static PublicKey pem(String label, String text) {
        Matcher block = PEM.matcher(text);
        if (!block.find()) {
            throw new IllegalArgumentException(label + " starts like PEM but has no complete -----BEGIN ...----- / "
                    + "-----END ...----- block");
        }
        String type = block.group(1).strip();
        if (type.contains("PRIVATE KEY")) {
            throw new IllegalArgumentException(label + " is a private key (" + type + "); configure the matching "
                    + "public key instead, e.g. the output of `openssl pkey -in key.pem -pubout`");
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(block.group(2).strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(label + " has a malformed base64 body in its PEM " + type + " block");
        }
        try {
            return switch (type) {
                case "PUBLIC KEY" -> subjectPublicKeyInfo(label, der);
                case "RSA PUBLIC KEY" -> KeyFactory.getInstance("RSA")
                        .generatePublic(new X509EncodedKeySpec(spkiOfPkcs1(der)));
                case "CERTIFICATE" -> CertificateFactory.getInstance("X.509")
                        .generateCertificate(new ByteArrayInputStream(der)).getPublicKey();
                default -> throw new IllegalArgumentException(label + " is a PEM " + type + " block; use a PUBLIC "
                        + "KEY, RSA PUBLIC KEY or CERTIFICATE block");
            };
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(label + " is not a readable PEM " + type + " (the DER content is "
                    + "malformed)");
        }
    }

    private static PublicKey subjectPublicKeyInfo(String label, byte[] der) {
        for (String algorithm : new String[] {"RSA", "EC"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // Not a key of this algorithm; try the next one.
            }
        }
        throw new IllegalArgumentException(label + " is not an RSA or EC public key; Cadre verifies RSA keys, EC keys "
                + "(P-256, P-384, P-521) and HMAC secrets");
    }

    /** Wraps a PKCS#1 {@code RSAPublicKey} in the SubjectPublicKeyInfo the JDK reads. */
    private static byte[] spkiOfPkcs1(byte[] pkcs1) {
        byte[] bitString = new byte[pkcs1.length + 1];
        System.arraycopy(pkcs1, 0, bitString, 1, pkcs1.length);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(RSA_ALGORITHM_ID);
        body.writeBytes(der(0x03, bitString));
        return der(0x30, body.toByteArray());
    }

    private static byte[] der(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int length = content.length;
        if (length < 0x80) {
            out.write(length);
        } else {
            int octets = (Integer.SIZE - Integer.numberOfLeadingZeros(length) + 7) / 8;
            out.write(0x80 | octets);
            for (int i = octets - 1; i >= 0; i--) {
                out.write(length >>> (8 * i));
            }
        }
        out.writeBytes(content);
        return out.toByteArray();
    }
}
