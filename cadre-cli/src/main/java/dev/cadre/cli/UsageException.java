package dev.cadre.cli;

/**
 * Bad input found while a command runs (after picocli parsed it): printed as one sentence, exit code
 * {@link CadreCli#USAGE}, without the usage text that a parse error gets.
 */
final class UsageException extends RuntimeException {

    UsageException(String message) {
        super(message);
    }
}
