package dev.cadre.server.internal.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every key a JWT authenticator verifies with: the JWKS keys by {@code kid}, the JWKS key without a {@code kid}
 * (the default), and the static keys in configuration order. Immutable and thread-safe.
 */
final class KeyRing {

    private final Map<String, VerificationKey> byKid;
    private final Optional<VerificationKey> jwksDefault;
    private final List<VerificationKey> staticKeys;

    private KeyRing(Map<String, VerificationKey> byKid, Optional<VerificationKey> jwksDefault,
            List<VerificationKey> staticKeys) {
        this.byKid = Map.copyOf(byKid);
        this.jwksDefault = jwksDefault;
        this.staticKeys = List.copyOf(staticKeys);
    }

    /**
     * Loads the keys the settings name, reading the JWKS file once.
     *
     * @throws IllegalArgumentException if the file is missing or unreadable, or any key is unusable; the message
     *                                  names the key by position or {@code kid}, never by its material
     */
    static KeyRing load(JwtSettings settings) {
        List<VerificationKey> statics = new ArrayList<>();
        for (int i = 0; i < settings.verificationKeys().size(); i++) {
            statics.add(KeyMaterial.fromString("JWT verification key #" + (i + 1), settings.verificationKeys().get(i),
                    settings.algorithm()));
        }
        Map<String, VerificationKey> byKid = new LinkedHashMap<>();
        VerificationKey fallback = null;
        if (settings.jwksFile().isPresent()) {
            Path file = settings.jwksFile().get();
            List<Object> entries = entries(file);
            for (int i = 0; i < entries.size(); i++) {
                JWK jwk = parse(file, i, entries.get(i));
                if (KeyUse.ENCRYPTION.equals(jwk.getKeyUse())) {
                    continue; // an encryption key never verifies a signature
                }
                String where = where(file, i, jwk.getKeyID());
                VerificationKey key = fromJwk(where, jwk, settings.algorithm());
                if (jwk.getKeyID() == null) {
                    if (fallback != null) {
                        throw new IllegalArgumentException(where + " is a second key without a kid; give every key "
                                + "but at most one a \"kid\"");
                    }
                    fallback = key;
                } else if (byKid.putIfAbsent(jwk.getKeyID(), key) != null) {
                    throw new IllegalArgumentException(where + " repeats a kid; every kid must be unique");
                }
            }
            if (byKid.isEmpty() && fallback == null) {
                throw new IllegalArgumentException("JWKS file " + file + " contains no signing keys");
            }
        }
        return new KeyRing(byKid, Optional.ofNullable(fallback), statics);
    }

    /**
     * The keys to try for a token, in order: the JWKS key with the token's {@code kid}, else the JWKS default key;
     * then every static key.
     *
     * @param kid the token header's {@code kid}, or null
     */
    List<VerificationKey> candidates(String kid) {
        List<VerificationKey> keys = new ArrayList<>(staticKeys.size() + 1);
        Optional.ofNullable(kid == null ? null : byKid.get(kid)).or(() -> jwksDefault).ifPresent(keys::add);
        keys.addAll(staticKeys);
        return keys;
    }

    private static List<Object> entries(Path file) {
        String json;
        try {
            json = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("JWKS file not found: " + file);
        } catch (IOException e) {
            throw new IllegalArgumentException("Cannot read JWKS file " + file + ": " + e.getMessage(), e);
        }
        Map<String, Object> root;
        try {
            root = JSONObjectUtils.parse(json);
        } catch (ParseException e) {
            throw new IllegalArgumentException("Invalid JSON in JWKS file " + file + ": " + e.getMessage());
        }
        if (root == null || !(root.get("keys") instanceof List<?> keys)) {
            throw new IllegalArgumentException("JWKS file " + file + " has no \"keys\" array");
        }
        return new ArrayList<>(keys);
    }

    private static JWK parse(Path file, int index, Object entry) {
        if (!(entry instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException(where(file, index, null) + " is not a JSON object");
        }
        Map<String, Object> object = new LinkedHashMap<>();
        map.forEach((k, v) -> object.put(String.valueOf(k), v));
        Object kid = object.get("kid");
        try {
            return JWK.parse(object);
        } catch (ParseException e) {
            throw new IllegalArgumentException(where(file, index, kid instanceof String s ? s : null)
                    + " is not a valid JWK: " + e.getMessage());
        }
    }

    private static VerificationKey fromJwk(String where, JWK jwk, Optional<String> override) {
        Optional<String> declared = Optional.ofNullable(jwk.getAlgorithm()).map(a -> a.getName());
        if (declared.isPresent() && !JwtSettings.SUPPORTED_ALGORITHMS.contains(declared.get())) {
            throw new IllegalArgumentException(where + " declares the unsupported alg " + declared.get());
        }
        if (declared.isPresent() && override.isPresent() && !declared.equals(override)) {
            throw new IllegalArgumentException(where + " declares alg " + declared.get() + " but the configured JWT "
                    + "algorithm is " + override.get() + "; remove the algorithm setting or this key");
        }
        Optional<String> wanted = declared.or(() -> override);
        try {
            return switch (jwk) {
                case RSAKey rsa -> KeyMaterial.fromPublicKey(where, rsa.toRSAPublicKey(), wanted);
                case ECKey ec -> KeyMaterial.fromPublicKey(where, ec.toECPublicKey(), wanted);
                case OctetSequenceKey oct -> KeyMaterial.fromSecret(where, oct.toByteArray(), wanted.orElse("HS256"));
                default -> throw new IllegalArgumentException(where + " has key type " + jwk.getKeyType()
                        + "; Cadre verifies RSA, EC and oct keys");
            };
        } catch (JOSEException e) {
            throw new IllegalArgumentException(where + " is not a usable public key: " + e.getMessage(), e);
        }
    }

    private static String where(Path file, int index, String kid) {
        return "JWKS file " + file + " key #" + (index + 1) + (kid == null ? "" : " (kid \"" + kid + "\")");
    }
}
