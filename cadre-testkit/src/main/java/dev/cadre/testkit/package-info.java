/**
 * A fake OpenAI-compatible server for deterministic tests: {@link dev.cadre.testkit.FakeOpenAIServer}
 * answers Chat Completions and Responses requests, streamed or not, in the real wire formats, with
 * {@linkplain dev.cadre.testkit.Reply scripted replies}, and records every
 * {@linkplain dev.cadre.testkit.RecordedRequest request} and how its answer ended.
 */
package dev.cadre.testkit;
