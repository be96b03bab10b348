package io.github.memlock;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Random marker secrets for the leak tests, and the search for them in text (messages,
 * {@code toString}, log output, health details, meter ids) in every form a careless
 * rendering could give them: as text, as hex in either case, as Base64 and as
 * {@link Arrays#toString(byte[])}. Shared with the other modules' tests through this
 * module's test jar.
 */
public final class Markers {

	private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

	private static final SecureRandom random = new SecureRandom();

	private Markers() {
	}

	/**
	 * Return a random marker of ASCII letters and digits, unlikely to occur anywhere by
	 * chance.
	 * @param length the length in bytes, at least 16
	 * @return the marker
	 */
	public static byte[] random(int length) {
		if (length < 16) {
			throw new IllegalArgumentException("'length' must be at least 16");
		}
		byte[] marker = new byte[length];
		for (int i = 0; i < length; i++) {
			marker[i] = (byte) ALPHABET.charAt(random.nextInt(ALPHABET.length()));
		}
		return marker;
	}

	/**
	 * Return a random marker as text.
	 * @param length the length, at least 16
	 * @return the marker
	 */
	public static String randomText(int length) {
		return new String(random(length), StandardCharsets.US_ASCII);
	}

	/**
	 * Return a marker repeated, for content larger than a budget or a maximum.
	 * @param marker the marker
	 * @param times how often to repeat it
	 * @return the repeated marker
	 */
	public static byte[] repeated(byte[] marker, int times) {
		byte[] content = new byte[marker.length * times];
		for (int i = 0; i < times; i++) {
			System.arraycopy(marker, 0, content, i * marker.length, marker.length);
		}
		return content;
	}

	/**
	 * Write each marker into a file named by its label, as a secret volume holds secrets.
	 * @param directory the directory, created if missing
	 * @param markers the markers, by label
	 * @return the directory
	 * @throws IOException if a file cannot be written
	 */
	public static Path writeFiles(Path directory, Map<String, byte[]> markers) throws IOException {
		Files.createDirectories(directory);
		for (Map.Entry<String, byte[]> marker : markers.entrySet()) {
			Files.write(directory.resolve(marker.getKey()), marker.getValue());
		}
		return directory;
	}

	/**
	 * Return where any of the markers shows in a text, in any of the forms this class
	 * knows.
	 * @param text the text to search, possibly {@code null}
	 * @param markers the markers, by label
	 * @return the label and form of the first marker found, or empty
	 */
	public static Optional<String> findIn(String text, Map<String, byte[]> markers) {
		if (text == null) {
			return Optional.empty();
		}
		for (Map.Entry<String, byte[]> marker : markers.entrySet()) {
			for (Map.Entry<String, String> form : forms(marker.getValue()).entrySet()) {
				if (text.contains(form.getValue())) {
					return Optional.of("'" + marker.getKey() + "' " + form.getKey());
				}
			}
		}
		return Optional.empty();
	}

	private static Map<String, String> forms(byte[] marker) {
		Map<String, String> forms = new LinkedHashMap<>();
		forms.put("as text", new String(marker, StandardCharsets.ISO_8859_1));
		forms.put("as hex", HexFormat.of().formatHex(marker));
		forms.put("as upper-case hex", HexFormat.of().withUpperCase().formatHex(marker));
		forms.put("as Base64", Base64.getEncoder().withoutPadding().encodeToString(marker));
		forms.put("as an array", Arrays.toString(marker).replace("]", ""));
		return forms;
	}

	/**
	 * Render a failure as a log would: the stack trace with the messages of the failure,
	 * of its causes and of the suppressed failures.
	 * @param failure the failure
	 * @return the rendering
	 */
	public static String render(Throwable failure) {
		StringWriter rendering = new StringWriter();
		failure.printStackTrace(new PrintWriter(rendering));
		return rendering.toString();
	}

}
