/** Implementation of the database stores; not public API, may change in any release. */
package dev.cadre.jdbc.internal;
