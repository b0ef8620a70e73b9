/** Request mapping, retries, aborts and error mapping of the Gemini model. Not public API. */
package dev.cadre.gemini.internal;
