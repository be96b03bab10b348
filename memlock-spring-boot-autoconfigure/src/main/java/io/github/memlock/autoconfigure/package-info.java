/**
 * Spring Boot auto-configuration for memlock: the {@code memlock.*} properties, the
 * locked secret store and its policy, secret loading at startup, and the failure analysis
 * of a refused start.
 */
@NullMarked
package io.github.memlock.autoconfigure;

import org.jspecify.annotations.NullMarked;
