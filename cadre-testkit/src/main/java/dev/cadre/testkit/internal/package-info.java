/** Wire rendering of the fake server. Not public API: may change in any release. */
package dev.cadre.testkit.internal;
