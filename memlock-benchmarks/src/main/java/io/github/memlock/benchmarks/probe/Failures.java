package io.github.memlock.benchmarks.probe;

/**
 * Turns a peer's failure into one CSV-safe line.
 *
 * @since 0.1.0
 */
final class Failures {

	private static final int MAX_LENGTH = 160;

	private Failures() {
	}

	static String describe(Throwable failure) {
		Throwable root = failure;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		String message = (failure instanceof MappingGuard.MappingsExhaustedException) ? failure.getMessage()
				: failure.getClass().getSimpleName() + ": " + failure.getMessage();
		if (root != failure) {
			message += " (cause " + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
		}
		String line = message.replaceAll("[\\r\\n,;\"]+", " ").trim();
		return (line.length() > MAX_LENGTH) ? line.substring(0, MAX_LENGTH) + "..." : line;
	}

}
