/**
 * Micrometer meters for the locked secret store ({@code memlock.*}) and their
 * auto-configuration.
 */
@NullMarked
package io.github.memlock.autoconfigure.metrics;

import org.jspecify.annotations.NullMarked;
