/**
 * The startup measurement: a small web service shaped like the sample, started in fresh
 * JVMs with and without memlock's auto-configuration on the class path.
 */
@NullMarked
package io.github.memlock.benchmarks.startup;

import org.jspecify.annotations.NullMarked;
