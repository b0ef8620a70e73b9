/**
 * Who may call the Cadre server, and what they may do: the authentication and authorization decision, kept free of
 * any HTTP framework so it can be specified and tested on its own.
 *
 * <p>{@link dev.cadre.server.internal.auth.Authenticator} decides a request from its method, path and
 * {@code Authorization} header and answers a {@link dev.cadre.server.internal.auth.Decision}: either a
 * {@link dev.cadre.server.internal.auth.Caller} for the handlers, or the status and {@code detail} to answer. The
 * modes, detail strings and scope model are those of an Agno AgentOS server, so AgentOS clients and identity
 * providers work unchanged against Cadre. Not public API.
 */
package dev.cadre.server.internal.auth;
