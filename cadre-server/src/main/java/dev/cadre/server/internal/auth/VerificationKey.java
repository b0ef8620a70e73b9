package dev.cadre.server.internal.auth;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;

/**
 * One usable key: the only algorithm it accepts tokens in, and the verifier for it. Pinning each key to one
 * algorithm is what defeats algorithm confusion (an HS256 token "signed" with an RSA public key as its secret meets
 * an RSA key that only accepts RS256). Immutable and thread-safe (nimbus verifiers are).
 *
 * @param label     how configuration errors and logs name the key, never its material
 * @param algorithm the algorithm a token must declare to be verified by this key
 * @param verifier  checks signatures made with {@code algorithm}
 */
record VerificationKey(String label, JWSAlgorithm algorithm, JWSVerifier verifier) {

    @Override
    public String toString() {
        return label + " (" + algorithm + ")";
    }
}
