package io.github.memlock;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.channels.FileChannel.MapMode;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * A program that {@link LockedSecretStoreDumpTests} starts in a child JVM and then dumps:
 * it stores the secrets held in the files of a directory through every way in (a
 * {@code byte[]}, a {@code char[]}, a file and a channel), reads and compares each,
 * prints what happened as {@code key=value} lines, prints {@code ready=true} and waits
 * until its standard input ends.
 * <p>
 * The secret bytes reach the heap only as the arrays handed to {@code put} and
 * {@code matches}, which are copied straight from a mapping of the file and wiped right
 * after the call; the file mapping is file-backed, so core images leave it out, and it is
 * unmapped before the dumps are taken. A control marker, given as a system property, is
 * kept on the heap on purpose as a {@code String} and as a {@code char[]}, so that the
 * test can prove its search finds what is there.
 */
public final class SecretDumpProbe {

	/** The secrets the probe stores, each read from the file of that name. */
	static final List<String> NAMES = List.of("from-bytes", "from-chars", "from-file", "from-channel");

	/** The system property that holds the control marker. */
	static final String CONTROL_PROPERTY = "memlock.dump.control";

	private static String control;

	private static char[] controlChars;

	private SecretDumpProbe() {
	}

	/**
	 * Store, check and keep the secrets until standard input ends.
	 * @param args the directory that holds the secret files, and the backend's id or
	 * {@code auto} for the strongest that works
	 * @throws IOException if a file cannot be read
	 */
	public static void main(String[] args) throws IOException {
		control = System.getProperty(CONTROL_PROPERTY);
		controlChars = control.toCharArray();
		Path directory = Path.of(args[0]);
		Backend backend = Arrays.stream(Backend.values())
			.filter((candidate) -> candidate.id().equals(args[1]))
			.findFirst()
			.orElse(null);
		try (LockedSecretStore store = LockedSecretStore.builder().backend(backend).build()) {
			store(store, directory);
			check(store, directory);
			StoreStatus status = store.status();
			print("backend", status.backend().id());
			print("locked", status.locked());
			print("dumpExcluded", status.dumpExcluded());
			print("secrets", status.secretCount());
			print("control", controlChars.length == control.length());
			print("ready", true);
			while (System.in.read() >= 0) {
				// Wait for the dumps to be taken.
			}
		}
	}

	private static void store(LockedSecretStore store, Path directory) throws IOException {
		byte[] bytes = bytesOf(directory.resolve("from-bytes"));
		store.put("from-bytes", bytes);
		print("bytesWiped", isZero(bytes));
		char[] chars = charsOf(directory.resolve("from-chars"));
		store.put("from-chars", chars);
		print("charsWiped", isZero(chars));
		store.putFile("from-file", directory.resolve("from-file"));
		try (FileChannel channel = FileChannel.open(directory.resolve("from-channel"))) {
			store.put("from-channel", channel);
		}
	}

	private static void check(LockedSecretStore store, Path directory) throws IOException {
		boolean readable = true;
		boolean matchesBytes = true;
		boolean matchesChars = true;
		for (String name : NAMES) {
			Path file = directory.resolve(name);
			try (FileChannel channel = FileChannel.open(file); Arena arena = Arena.ofConfined()) {
				MemorySegment expected = channel.map(MapMode.READ_ONLY, 0, channel.size(), arena);
				readable &= store.read(name, (secret) -> secret.mismatch(expected) == -1);
			}
			byte[] candidate = bytesOf(file);
			matchesBytes &= store.matches(name, candidate);
			Arrays.fill(candidate, (byte) 0);
			char[] characters = charsOf(file);
			matchesChars &= store.matches(name, characters);
			Arrays.fill(characters, '\0');
			matchesBytes &= !store.matches(name, new byte[] { 1, 2, 3 });
		}
		print("readable", readable);
		print("matchesBytes", matchesBytes);
		print("matchesChars", matchesChars);
	}

	private static byte[] bytesOf(Path file) throws IOException {
		try (FileChannel channel = FileChannel.open(file); Arena arena = Arena.ofConfined()) {
			return channel.map(MapMode.READ_ONLY, 0, channel.size(), arena).toArray(JAVA_BYTE);
		}
	}

	private static char[] charsOf(Path file) throws IOException {
		byte[] bytes = bytesOf(file);
		char[] chars = new char[bytes.length];
		for (int i = 0; i < bytes.length; i++) {
			chars[i] = (char) bytes[i];
		}
		Arrays.fill(bytes, (byte) 0);
		return chars;
	}

	private static boolean isZero(byte[] bytes) {
		for (byte b : bytes) {
			if (b != 0) {
				return false;
			}
		}
		return true;
	}

	private static boolean isZero(char[] chars) {
		for (char c : chars) {
			if (c != 0) {
				return false;
			}
		}
		return true;
	}

	private static void print(String key, Object value) {
		System.out.println(key + "=" + value);
	}

}
