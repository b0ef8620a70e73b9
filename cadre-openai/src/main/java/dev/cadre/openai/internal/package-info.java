/** Request mapping, retries, aborts and error mapping of the OpenAI models. Not public API. */
package dev.cadre.openai.internal;
