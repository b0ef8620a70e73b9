/** Request mapping, retries, aborts and error mapping of the Anthropic model. Not public API. */
package dev.cadre.anthropic.internal;
