package dev.cadre.server.internal.auth;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;

/** Key material for the tests, generated once per run so no private key lives in the repository. */
final class TestKeys {

    /** 45 bytes: long enough for HS256. */
    static final String SECRET = "cadre-test-hmac-secret-long-enough-for-hs256";
    static final String OTHER_SECRET = "another-cadre-hmac-secret-also-long-enough-!!";

    static final KeyPair RSA = rsa(2048);
    static final KeyPair OTHER_RSA = rsa(2048);
    static final KeyPair EC = ec("secp256r1");

    private TestKeys() {
    }

    static KeyPair rsa(int bits) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(bits);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static KeyPair ec(String curve) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec(curve));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code -----BEGIN PUBLIC KEY-----} (SubjectPublicKeyInfo). */
    static String pem(PublicKey key) {
        return pem("PUBLIC KEY", key.getEncoded());
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    /** {@code -----BEGIN RSA PUBLIC KEY-----} (PKCS#1). */
    static String pkcs1Pem(RSAPublicKey key) {
        return pem("RSA PUBLIC KEY", der(0x30, concat(integer(key.getModulus()), integer(key.getPublicExponent()))));
    }

    /** A self-signed X.509 v1 certificate for an RSA key pair, as {@code -----BEGIN CERTIFICATE-----}. */
    static String certificate(KeyPair pair) {
        byte[] sha256WithRsa = der(0x30, concat(
                new byte[] {0x06, 0x09, 0x2A, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xF7, 0x0D, 0x01, 0x01, 0x0B},
                new byte[] {0x05, 0x00}));
        byte[] name = der(0x30, der(0x31, der(0x30, concat(new byte[] {0x06, 0x03, 0x55, 0x04, 0x03},
                der(0x0C, "cadre-test".getBytes(StandardCharsets.UTF_8))))));
        byte[] validity = der(0x30, concat(der(0x17, "250101000000Z".getBytes(StandardCharsets.US_ASCII)),
                der(0x17, "491231235959Z".getBytes(StandardCharsets.US_ASCII))));
        byte[] tbs = der(0x30, concat(integer(BigInteger.valueOf(4242)), sha256WithRsa, name, validity, name,
                pair.getPublic().getEncoded()));
        try {
            Signature signer = Signature.getInstance("SHA256withRSA");
            signer.initSign(pair.getPrivate());
            signer.update(tbs);
            byte[] signature = signer.sign();
            byte[] bitString = new byte[signature.length + 1];
            System.arraycopy(signature, 0, bitString, 1, signature.length);
            return pem("CERTIFICATE", der(0x30, concat(tbs, sha256WithRsa, der(0x03, bitString))));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] integer(BigInteger value) {
        return der(0x02, value.toByteArray());
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private static byte[] der(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        if (content.length < 0x80) {
            out.write(content.length);
        } else {
            int octets = (Integer.SIZE - Integer.numberOfLeadingZeros(content.length) + 7) / 8;
            out.write(0x80 | octets);
            for (int i = octets - 1; i >= 0; i--) {
                out.write(content.length >>> (8 * i));
            }
        }
        out.writeBytes(content);
        return out.toByteArray();
    }
}
