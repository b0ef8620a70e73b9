/** The {@code cadre} command line: {@link dev.cadre.cli.CadreCli} and one class per subcommand. */
package dev.cadre.cli;
