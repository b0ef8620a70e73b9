/**
 * {@link dev.cadre.anthropic.AnthropicModel}: Claude over Anthropic's Messages API, as a Cadre {@code Model}.
 */
package dev.cadre.anthropic;
