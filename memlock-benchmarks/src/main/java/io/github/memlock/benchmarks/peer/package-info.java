/**
 * The secret stores compared in the benchmarks, each behind one small interface so that
 * every benchmark runs the same code against every store.
 */
@NullMarked
package io.github.memlock.benchmarks.peer;

import org.jspecify.annotations.NullMarked;
