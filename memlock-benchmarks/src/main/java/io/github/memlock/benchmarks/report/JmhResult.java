package io.github.memlock.benchmarks.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One JMH result, read from the JSON that JMH writes with {@code -rf json}.
 *
 * @param method the benchmark method, for example {@code put32}
 * @param benchmarkClass the simple name of the benchmark class
 * @param peer the {@code peerId} parameter, or an empty string when there is none
 * @param mode the JMH mode: {@code thrpt} or {@code sample}
 * @param threads the number of benchmark threads
 * @param score the score, in operations per second for throughput and nanoseconds per
 * operation for the other modes
 * @param error the 99.9% confidence half-width of the score, same unit
 * @param percentiles the latency percentiles in nanoseconds, keyed by percentile (for
 * example {@code 50.0}); empty for throughput
 * @since 0.1.0
 */
public record JmhResult(String method, String benchmarkClass, String peer, String mode, int threads, double score,
		double error, Map<String, Double> percentiles) {

	private static final JsonMapper MAPPER = JsonMapper.builder().build();

	/**
	 * Read every {@code jmh-*.json} file of a directory.
	 * @param directory the results directory
	 * @return the results, in file order
	 * @throws IOException if a file cannot be read
	 */
	public static List<JmhResult> readAll(Path directory) throws IOException {
		List<JmhResult> results = new ArrayList<>();
		try (Stream<Path> files = Files.list(directory)) {
			for (Path file : files.filter(JmhResult::isJmhJson).sorted().toList()) {
				for (JsonNode node : MAPPER.readTree(Files.readString(file))) {
					results.add(of(node));
				}
			}
		}
		return results;
	}

	private static boolean isJmhJson(Path file) {
		String name = file.getFileName().toString();
		return name.startsWith("jmh-") && name.endsWith(".json");
	}

	private static JmhResult of(JsonNode node) {
		String benchmark = node.path("benchmark").asString();
		String[] parts = benchmark.split("\\.");
		JsonNode metric = node.path("primaryMetric");
		String unit = metric.path("scoreUnit").asString();
		Map<String, Double> percentiles = new LinkedHashMap<>();
		metric.path("scorePercentiles")
			.forEachEntry((key, value) -> percentiles.put(key, Units.toCanonical(number(value), unit)));
		if (unit.startsWith("ops/")) {
			percentiles.clear();
		}
		return new JmhResult(parts[parts.length - 1], parts[parts.length - 2],
				node.path("params").path("peerId").asString(""), node.path("mode").asString(),
				node.path("threads").asInt(), Units.toCanonical(number(metric.path("score")), unit),
				Units.toCanonical(number(metric.path("scoreError")), unit), percentiles);
	}

	private static double number(JsonNode node) {
		// JMH writes "NaN" as a string, for example the error of a single iteration.
		return node.isNumber() ? node.asDouble() : Double.parseDouble(node.asString("NaN"));
	}

	/**
	 * Return a latency percentile in nanoseconds.
	 * @param percentile the percentile, for example 50 or 99
	 * @return the latency, or {@code NaN} when absent
	 */
	public double percentile(double percentile) {
		return this.percentiles.getOrDefault(Double.toString(percentile), Double.NaN);
	}

}
