package io.github.memlock.autoconfigure;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

import io.github.memlock.LockedSecretStore;
import io.github.memlock.MemoryLockException;
import io.github.memlock.StoreStatus;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Loads the secrets configured under {@code memlock.secrets} into a
 * {@link LockedSecretStore}, reading each file straight into locked memory.
 * <p>
 * Each of {@code memlock.secrets.directories} contributes one secret per regular file
 * directly inside it, named after the file. The rules for the other entries follow the
 * layout the kubelet gives a mounted Kubernetes Secret (the real files in a hidden
 * {@code ..<timestamp>} directory, a {@code ..data} symbolic link to it, and one symbolic
 * link {@code <key> -> ..data/<key>} per key):
 * <ul>
 * <li>entries whose name starts with {@code ..} are the kubelet's own and are never
 * loaded, silently;</li>
 * <li>a symbolic link is followed when its final target lies inside the directory, and
 * skipped with a warning when it points outside it, to nothing (the kubelet briefly
 * leaves such a link behind when a key is removed) or round in a loop;</li>
 * <li>other hidden entries (a name starting with a single {@code .}), subdirectories (not
 * descended into) and anything that is not a regular file (sockets, pipes, devices) are
 * skipped with a warning that names them.</li>
 * </ul>
 * Each of {@code memlock.secrets.files.<name>} is loaded as the secret {@code <name>},
 * wherever its symbolic links lead.
 * <p>
 * The content is stored byte for byte, NUL bytes and a trailing newline included; names
 * with spaces, dots or non-ASCII letters are kept as they are. Loading fails with a
 * {@link SecretLoadingException} whose message names the file and the property and says
 * what to do, before any secret is stored, when a directory or file is missing or cannot
 * be read, a name is given twice or is already in the store, or a file's name has control
 * characters or bytes the JVM cannot decode in its file-name encoding
 * ({@code sun.jnu.encoding}). It also fails, once the file is read, for an empty file (an
 * empty secret would match an empty candidate) and for a file that does not fit the
 * store's locked memory when the store does not allow unlocked memory
 * ({@code memlock.required=true}); when it does, the store keeps that secret in unlocked
 * memory and a warning names it. Messages and warnings never contain secret bytes, and
 * show control characters as {@code \}{@code uXXXX} escapes.
 *
 * @since 0.1.0
 */
public final class MemlockSecretLoader {

	private static final Log logger = LogFactory.getLog(MemlockSecretLoader.class);

	private static final String DIRECTORIES_PROPERTY = "memlock.secrets.directories";

	private static final String FILES_PROPERTY = "memlock.secrets.files";

	private final MemlockProperties.Secrets secrets;

	/**
	 * Create a loader for the given secret sources.
	 * @param secrets the sources, usually bound from {@code memlock.secrets}
	 */
	public MemlockSecretLoader(MemlockProperties.Secrets secrets) {
		this.secrets = secrets;
	}

	/**
	 * Find every configured secret, then store each under its name.
	 * @param store the store to fill
	 * @return the names of the stored secrets, in loading order
	 * @throws SecretLoadingException if a source cannot be read, is empty or has a name
	 * that is given twice, already stored or not a valid secret name, or if the store
	 * cannot lock memory for a secret (the cause is then the store's
	 * {@link MemoryLockException})
	 */
	public List<String> load(LockedSecretStore store) {
		Map<String, Source> sources = findSources(store);
		for (Source source : sources.values()) {
			long lockFailures = store.status().lockFailures();
			source.storeIn(store);
			warnIfUnlocked(source, store.status(), lockFailures);
		}
		return List.copyOf(sources.keySet());
	}

	private Map<String, Source> findSources(LockedSecretStore store) {
		Map<String, Source> sources = new LinkedHashMap<>();
		List<Path> directories = this.secrets.getDirectories();
		for (int i = 0; i < directories.size(); i++) {
			String property = DIRECTORIES_PROPERTY + "[" + i + "]";
			for (Source source : findInDirectory(directories.get(i), property)) {
				add(sources, source, store);
			}
		}
		this.secrets.getFiles()
			.forEach((name, file) -> add(sources, fileSource(name, file, FILES_PROPERTY + "." + name), store));
		return sources;
	}

	private List<Source> findInDirectory(Path directory, String property) {
		Path root = realDirectory(directory, property);
		List<Source> sources = new ArrayList<>();
		for (Path entry : list(root, directory, property)) {
			Source source = directorySource(root, entry, property);
			if (source != null) {
				sources.add(source);
			}
		}
		return sources;
	}

	private List<Path> list(Path root, Path directory, String property) {
		try (Stream<Path> entries = Files.list(root)) {
			return entries.sorted().toList();
		}
		catch (IOException ex) {
			throw failure("Cannot list secret directory '" + directory + "' ('" + property + "'): " + describe(ex), ex);
		}
	}

	private Path realDirectory(Path directory, String property) {
		try {
			Path root = directory.toRealPath();
			if (!Files.isDirectory(root)) {
				throw failure("Secret directory '" + directory + "' ('" + property
						+ "') is not a directory; name a single file in '" + FILES_PROPERTY + ".<name>' instead", null);
			}
			return root;
		}
		catch (IOException ex) {
			throw failure("Cannot read secret directory '" + directory + "' ('" + property + "'): " + describe(ex), ex);
		}
	}

	private @Nullable Source directorySource(Path root, Path entry, String property) {
		String name = entry.getFileName().toString();
		if (name.startsWith("..")) {
			return null;
		}
		if (name.startsWith(".")) {
			skip(entry, property, "it is hidden");
			return null;
		}
		Path target = Files.isSymbolicLink(entry) ? linkTarget(root, entry, property) : entry;
		if (target == null) {
			return null;
		}
		BasicFileAttributes attributes = attributes(target, property);
		if (attributes.isDirectory()) {
			skip(entry, property, "it is a directory and subdirectories are not loaded");
			return null;
		}
		if (!attributes.isRegularFile()) {
			skip(entry, property, "it is not a regular file");
			return null;
		}
		checkFileName(entry, property);
		return new Source(name, target, property);
	}

	private @Nullable Path linkTarget(Path root, Path link, String property) {
		try {
			Path target = link.toRealPath();
			if (!target.startsWith(root)) {
				skip(link, property, "it is a symbolic link to '" + target + "', outside the directory");
				return null;
			}
			return target;
		}
		catch (NoSuchFileException ex) {
			skip(link, property, "it is a symbolic link that points to nothing");
			return null;
		}
		catch (AccessDeniedException ex) {
			throw unresolvable(link, property, ex);
		}
		catch (FileSystemException ex) {
			// For instance ELOOP (the link leads round in a loop) or ENOTDIR (its path
			// runs
			// through a file): like a dangling link, it leads to no secret.
			skip(link, property, "it is a symbolic link that cannot be resolved ("
					+ Objects.requireNonNullElse(ex.getReason(), "no reason given") + ")");
			return null;
		}
		catch (IOException ex) {
			throw unresolvable(link, property, ex);
		}
	}

	private static SecretLoadingException unresolvable(Path link, String property, IOException ex) {
		return failure("Cannot resolve secret link '" + link + "' ('" + property + "'): " + describe(ex), ex);
	}

	/**
	 * Refuse a file whose name cannot be a secret's: the store rejects control
	 * characters, and the JVM turns name bytes that its file-name encoding cannot decode
	 * into U+FFFD, so the secret would not get the name the file has.
	 */
	private static void checkFileName(Path entry, String property) {
		String name = entry.getFileName().toString();
		if (name.chars().anyMatch(Character::isISOControl)) {
			throw failure("Secret file '" + entry + "' ('" + property
					+ "') has control characters in its name, which a secret name must not have; rename the file",
					null);
		}
		if (name.indexOf('\uFFFD') >= 0) {
			throw failure("Secret file '" + entry + "' ('" + property
					+ "') has a name the JVM cannot decode in its file-name encoding (sun.jnu.encoding '"
					+ System.getProperty("sun.jnu.encoding") + "'); start the JVM with a UTF-8 locale "
					+ "(for example LANG=C.UTF-8) or rename the file", null);
		}
	}

	private Source fileSource(String name, Path file, String property) {
		if (!attributes(file, property).isRegularFile()) {
			throw failure("Secret file '" + file + "' ('" + property
					+ "') is not a regular file; point the property at a regular file", null);
		}
		return new Source(name, file, property);
	}

	private BasicFileAttributes attributes(Path file, String property) {
		try {
			return Files.readAttributes(file, BasicFileAttributes.class);
		}
		catch (IOException ex) {
			throw failure("Cannot read secret file '" + file + "' ('" + property + "'): " + describe(ex), ex);
		}
	}

	private void add(Map<String, Source> sources, Source source, LockedSecretStore store) {
		Source existing = sources.putIfAbsent(source.name(), source);
		if (existing != null) {
			throw failure("Secret '" + source.name() + "' is configured twice: by '" + existing.file() + "' ('"
					+ existing.property() + "') and by '" + source.file() + "' ('" + source.property()
					+ "'); keep the name in one source only", null);
		}
		if (store.contains(source.name())) {
			throw failure(
					"Secret '" + source.name() + "' from '" + source.file() + "' ('" + source.property()
							+ "') is already in the store; rename the file or do not store that name before loading",
					null);
		}
	}

	private static void warnIfUnlocked(Source source, StoreStatus status, long lockFailuresBefore) {
		if (status.lockFailures() > lockFailuresBefore && status.degradedReason() != null) {
			logger.warn(printable("Keeping " + source.describe() + " in unlocked memory: it does not fit in locked "
					+ "memory (" + status.degradedReason() + "). Raise 'memlock.max-locked-bytes' or the "
					+ "locked-memory limit so that it fits, or set 'memlock.required' to true to refuse to start "
					+ "instead."));
		}
	}

	private static void skip(Path entry, String property, String reason) {
		logger.warn(printable("Skipping '" + entry + "' in secret directory ('" + property + "'): " + reason));
	}

	private static SecretLoadingException failure(String message, @Nullable Throwable cause) {
		return new SecretLoadingException(printable(message), null, cause);
	}

	/**
	 * Describe a failed file operation and what to do about it.
	 */
	private static String describe(IOException ex) {
		String problem = ex.getClass().getSimpleName() + ((ex.getMessage() != null) ? " " + ex.getMessage() : "");
		if (ex instanceof NoSuchFileException) {
			return problem + "; correct the path (a relative one is resolved against the working directory) "
					+ "or remove the property";
		}
		if (ex instanceof AccessDeniedException) {
			return problem + "; let the application's user read it (for a Kubernetes Secret volume, "
					+ "check its defaultMode and the pod's fsGroup)";
		}
		return problem;
	}

	/**
	 * Return the text with control characters as {@code \}{@code uXXXX} escapes, so that
	 * a file name cannot break a log line or forge one.
	 */
	private static String printable(String text) {
		StringBuilder printable = new StringBuilder(text.length());
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			printable.append(Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c));
		}
		return printable.toString();
	}

	/**
	 * A secret to load: its name, the file holding it and the property that configured
	 * it.
	 */
	private record Source(String name, Path file, String property) {

		void storeIn(LockedSecretStore store) {
			try {
				store.putFile(this.name, this.file);
			}
			catch (IOException ex) {
				throw failure("Cannot read " + describe() + ": " + MemlockSecretLoader.describe(ex), ex);
			}
			catch (IllegalArgumentException ex) {
				throw failure(
						"Cannot store " + describe() + ": " + ex.getMessage() + "; rename the file or the property",
						ex);
			}
			catch (MemoryLockException ex) {
				throw new SecretLoadingException(printable("Cannot lock " + describe() + ": " + ex.getMessage()),
						printable(describe()), ex);
			}
			if (store.read(this.name, MemorySegment::byteSize) == 0) {
				store.remove(this.name);
				throw failure("Secret file '" + this.file + "' ('" + this.property
						+ "') is empty; write the secret into it or remove it", null);
			}
		}

		String describe() {
			return "secret '" + this.name + "' from '" + this.file + "' ('" + this.property + "')";
		}

	}

}
