/**
 * Turns the machine-readable results (JMH JSON, probe CSV files) into the Markdown tables
 * of {@code docs/benchmarks.md}, and records the machine they were measured on.
 */
@NullMarked
package io.github.memlock.benchmarks.report;

import org.jspecify.annotations.NullMarked;
