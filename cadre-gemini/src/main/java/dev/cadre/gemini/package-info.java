/**
 * Google's Gemini models for Cadre on the official Google Gen AI Java SDK: {@link dev.cadre.gemini.GeminiModel}.
 * It cancels its HTTP request the moment the run is cancelled and reports failures as actionable
 * {@link dev.cadre.model.ModelException}s.
 */
package dev.cadre.gemini;
