package io.github.memlock;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Reads {@code /proc/self/maps} for tests: which mapping holds an address and with which
 * permissions.
 */
final class ProcMaps {

	private ProcMaps() {
	}

	/**
	 * Return the permissions ({@code rw-p}, {@code ---s} ...) of the mapping that holds
	 * an address.
	 * @param address the address
	 * @return the permissions, or empty when nothing is mapped there
	 */
	static Optional<String> permissions(long address) {
		for (String line : lines()) {
			String[] fields = line.split("\\s+");
			String[] range = fields[0].split("-");
			long start = Long.parseUnsignedLong(range[0], 16);
			long end = Long.parseUnsignedLong(range[1], 16);
			if (Long.compareUnsigned(address, start) >= 0 && Long.compareUnsigned(address, end) < 0) {
				return Optional.of(fields[1]);
			}
		}
		return Optional.empty();
	}

	static boolean mapped(long address) {
		return permissions(address).isPresent();
	}

	private static List<String> lines() {
		try {
			return Files.readAllLines(Path.of("/proc/self/maps"), StandardCharsets.ISO_8859_1);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
