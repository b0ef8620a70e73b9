/** The server's routes, views and stream plumbing. Not public API. */
package dev.cadre.server.internal;
