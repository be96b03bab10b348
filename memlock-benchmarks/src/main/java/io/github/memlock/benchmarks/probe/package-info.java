/**
 * Footprint and limit measurements, each run in a fresh child JVM so that one peer's
 * locked pages and mappings never count against another's.
 */
@NullMarked
package io.github.memlock.benchmarks.probe;

import org.jspecify.annotations.NullMarked;
