package io.github.memlock;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds memory addresses of this process in text: any hexadecimal number of 9 or more
 * digits (with or without {@code 0x}) or decimal number of 10 or more digits that lies
 * inside a mapping listed in {@code /proc/self/maps}. Shorter numbers are left alone, so
 * identity hash codes and byte counts do not count, while every address above 4 GiB,
 * where the kernel places {@code mmap} regions on 64-bit Linux, does. Shared with the
 * other modules' tests through this module's test jar.
 */
public final class MappedAddresses {

	private static final Pattern HEX = Pattern.compile("(?i)(?<![0-9a-z])(?:0x)?([0-9a-f]{9,16})(?![0-9a-z])");

	private static final Pattern DECIMAL = Pattern.compile("(?<![0-9])([0-9]{10,20})(?![0-9])");

	private MappedAddresses() {
	}

	/**
	 * Return the first number in the text that is an address in one of this process's
	 * mappings.
	 * @param text the text to search
	 * @return the number as it appears in the text, or empty
	 */
	public static Optional<String> findIn(String text) {
		List<long[]> mappings = mappings();
		return find(text, HEX, 16, mappings).or(() -> find(text, DECIMAL, 10, mappings));
	}

	private static Optional<String> find(String text, Pattern pattern, int radix, List<long[]> mappings) {
		Matcher matcher = pattern.matcher(text);
		while (matcher.find()) {
			BigInteger value = new BigInteger(matcher.group(1), radix);
			if (value.bitLength() < 64 && isMapped(value.longValue(), mappings)) {
				return Optional.of(matcher.group());
			}
		}
		return Optional.empty();
	}

	private static boolean isMapped(long address, List<long[]> mappings) {
		return mappings.stream().anyMatch((range) -> address >= range[0] && address < range[1]);
	}

	private static List<long[]> mappings() {
		try {
			return Files.readAllLines(Path.of("/proc/self/maps"), StandardCharsets.ISO_8859_1)
				.stream()
				.map((line) -> line.substring(0, line.indexOf(' ')).split("-"))
				.map((range) -> new long[] { Long.parseUnsignedLong(range[0], 16),
						Long.parseUnsignedLong(range[1], 16) })
				.toList();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
