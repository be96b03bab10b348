/**
 * JMH benchmarks that time memlock's secret store and its raw native calls against the
 * stores a user would pick instead.
 */
@NullMarked
package io.github.memlock.benchmarks;

import org.jspecify.annotations.NullMarked;
