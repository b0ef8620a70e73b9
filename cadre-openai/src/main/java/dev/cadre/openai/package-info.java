/**
 * OpenAI models for Cadre on the official {@code openai-java} SDK:
 * {@link dev.cadre.openai.OpenAIResponses} (Responses API) and {@link dev.cadre.openai.OpenAIChat}
 * (Chat Completions, also for OpenAI-compatible servers). Both cancel their HTTP request the moment
 * the run is cancelled and report failures as actionable {@link dev.cadre.model.ModelException}s.
 */
package dev.cadre.openai;
