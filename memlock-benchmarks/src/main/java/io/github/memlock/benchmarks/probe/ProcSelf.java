package io.github.memlock.benchmarks.probe;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * What the kernel says about this process's memory, read straight from {@code /proc} so
 * that every peer is measured the same way, independently of the code under test.
 *
 * @since 0.1.0
 */
public final class ProcSelf {

	private static final Path STATUS = Path.of("/proc/self/status");

	private static final Path MAPS = Path.of("/proc/self/maps");

	private ProcSelf() {
	}

	/**
	 * Return the memory this process has locked ({@code VmLck}).
	 * @return the locked bytes
	 */
	public static long lockedBytes() {
		try (Stream<String> lines = Files.lines(STATUS)) {
			return lines.filter((line) -> line.startsWith("VmLck:"))
				.map((line) -> Long.parseLong(line.substring(6).replace("kB", "").trim()) * 1024)
				.findFirst()
				.orElse(0L);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Return the number of memory mappings of this process (lines of
	 * {@code /proc/self/maps}).
	 * @return the mapping count
	 */
	public static long mappingCount() {
		try (Stream<String> lines = Files.lines(MAPS)) {
			return lines.count();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
