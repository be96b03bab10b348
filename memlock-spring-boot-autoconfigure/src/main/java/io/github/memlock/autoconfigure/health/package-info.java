/**
 * Health contributor {@code memlock}, which reports whether the secrets are in locked
 * memory, and its auto-configuration.
 */
@NullMarked
package io.github.memlock.autoconfigure.health;

import org.jspecify.annotations.NullMarked;
