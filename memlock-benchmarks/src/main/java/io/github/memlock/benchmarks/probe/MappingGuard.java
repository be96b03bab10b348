package io.github.memlock.benchmarks.probe;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Stops a probe before the process runs out of memory mappings.
 * <p>
 * A peer that maps memory per secret reaches {@code vm.max_map_count} (65,530 by default)
 * long before it runs out of memory; past it every {@code mmap} fails, the JVM's own
 * included, and the JVM dies instead of the peer reporting an error. The guard checks the
 * mapping count every {@value #CHECK_EVERY} secrets and stops the probe while a margin of
 * {@value #MARGIN} mappings is left.
 *
 * @since 0.1.0
 */
final class MappingGuard {

	static final int CHECK_EVERY = 1_000;

	static final int MARGIN = 4_000;

	private final long maxMapCount;

	MappingGuard() {
		try {
			this.maxMapCount = Long.parseLong(Files.readAllLines(Path.of("/proc/sys/vm/max_map_count")).get(0).trim());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	void check(int stored) {
		if (stored % CHECK_EVERY == 0) {
			long mappings = ProcSelf.mappingCount();
			if (mappings > this.maxMapCount - MARGIN) {
				throw new MappingsExhaustedException(
						"stopped: " + mappings + " of vm.max_map_count " + this.maxMapCount + " mappings in use");
			}
		}
	}

	/**
	 * Thrown when the next secrets would exhaust the process's mappings.
	 */
	static final class MappingsExhaustedException extends RuntimeException {

		MappingsExhaustedException(String message) {
			super(message);
		}

	}

}
