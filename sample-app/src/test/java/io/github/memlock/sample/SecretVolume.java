package io.github.memlock.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;

/**
 * Writes a directory the way the kubelet writes a mounted Secret volume: the files in a
 * hidden timestamped folder, a {@code ..data} symlink to that folder, and one symlink per
 * key through {@code ..data}.
 */
final class SecretVolume {

	private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy_MM_dd_HH_mm_ss");

	private SecretVolume() {
	}

	/**
	 * Lay out the secrets in {@code directory}.
	 * @param directory the volume's root; created if missing
	 * @param secrets the secrets by key; written without a trailing newline
	 * @return {@code directory}
	 * @throws IOException if a file or link cannot be created
	 */
	static Path create(Path directory, Map<String, byte[]> secrets) throws IOException {
		ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
		String stamp = ".." + STAMP.format(now) + "." + String.format("%09d", now.getNano());
		Path data = Files.createDirectories(directory.resolve(stamp));
		for (Map.Entry<String, byte[]> secret : secrets.entrySet()) {
			Path file = Files.write(data.resolve(secret.getKey()), secret.getValue());
			Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
			Files.createSymbolicLink(directory.resolve(secret.getKey()), Path.of("..data", secret.getKey()));
		}
		Files.createSymbolicLink(directory.resolve("..data"), Path.of(stamp));
		return directory;
	}

}
