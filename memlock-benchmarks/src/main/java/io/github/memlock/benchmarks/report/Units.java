package io.github.memlock.benchmarks.report;

import java.util.Locale;

/**
 * Converts JMH scores to operations per second or nanoseconds per operation, and formats
 * them for tables.
 *
 * @since 0.1.0
 */
final class Units {

	private Units() {
	}

	static double toCanonical(double value, String unit) {
		return switch (unit) {
			case "ops/ns" -> value * 1e9;
			case "ops/us" -> value * 1e6;
			case "ops/ms" -> value * 1e3;
			case "ops/min" -> value / 60;
			case "s/op" -> value * 1e9;
			case "ms/op" -> value * 1e6;
			case "us/op" -> value * 1e3;
			default -> value;
		};
	}

	static String rate(double opsPerSecond) {
		if (Double.isNaN(opsPerSecond)) {
			return "-";
		}
		if (opsPerSecond >= 1e6) {
			return format("%.2f M", opsPerSecond / 1e6);
		}
		return (opsPerSecond >= 1e3) ? format("%.1f k", opsPerSecond / 1e3) : format("%.0f", opsPerSecond);
	}

	static String nanos(double nanos) {
		if (Double.isNaN(nanos)) {
			return "-";
		}
		if (nanos >= 1e6) {
			return format("%.2f ms", nanos / 1e6);
		}
		return (nanos >= 1e4) ? format("%.1f µs", nanos / 1e3) : format("%.0f ns", nanos);
	}

	static String ratio(double ratio) {
		return Double.isNaN(ratio) ? "-" : format((ratio >= 100) ? "%.0f×" : "%.2f×", ratio);
	}

	static String decimal(double value) {
		return Double.isNaN(value) ? "-" : format((value >= 100) ? "%.0f" : "%.2f", value);
	}

	static String format(String pattern, Object... values) {
		return String.format(Locale.ROOT, pattern, values);
	}

}
