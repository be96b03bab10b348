package io.github.memlock.autoconfigure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.github.memlock.LockedSecretStore;
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
 * skipped with a warning when it points outside it or to nothing (the kubelet briefly
 * leaves such a link behind when a key is removed);</li>
 * <li>other hidden entries (a name starting with a single {@code .}), subdirectories (not
 * descended into) and anything that is not a regular file (sockets, pipes, devices) are
 * skipped with a warning that names them.</li>
 * </ul>
 * Each of {@code memlock.secrets.files.<name>} is loaded as the secret {@code <name>},
 * wherever its symbolic links lead. Every source is found and checked before the first is
 * stored. A directory or file that cannot be read, or two sources for the same name, fail
 * loading with an {@link IllegalStateException} that names the file and the property.
 * Messages never contain secret bytes.
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
	 * @throws IllegalStateException if a source cannot be read or a name is given twice
	 * @throws io.github.memlock.MemoryLockException if the store cannot lock memory for a
	 * secret
	 */
	public List<String> load(LockedSecretStore store) {
		Map<String, Source> sources = findSources(store);
		sources.values().forEach((source) -> source.storeIn(store));
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
			throw new IllegalStateException(
					"Cannot list secret directory '" + directory + "' ('" + property + "'): " + describe(ex), ex);
		}
	}

	private Path realDirectory(Path directory, String property) {
		try {
			Path root = directory.toRealPath();
			if (!Files.isDirectory(root)) {
				throw new IllegalStateException(
						"Secret directory '" + directory + "' ('" + property + "') is not a directory");
			}
			return root;
		}
		catch (IOException ex) {
			throw new IllegalStateException(
					"Cannot read secret directory '" + directory + "' ('" + property + "'): " + describe(ex), ex);
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
		catch (IOException ex) {
			throw new IllegalStateException(
					"Cannot resolve secret link '" + link + "' ('" + property + "'): " + describe(ex), ex);
		}
	}

	private Source fileSource(String name, Path file, String property) {
		if (!attributes(file, property).isRegularFile()) {
			throw new IllegalStateException("Secret file '" + file + "' ('" + property + "') is not a regular file");
		}
		return new Source(name, file, property);
	}

	private BasicFileAttributes attributes(Path file, String property) {
		try {
			return Files.readAttributes(file, BasicFileAttributes.class);
		}
		catch (IOException ex) {
			throw new IllegalStateException(
					"Cannot read secret file '" + file + "' ('" + property + "'): " + describe(ex), ex);
		}
	}

	private void add(Map<String, Source> sources, Source source, LockedSecretStore store) {
		Source existing = sources.putIfAbsent(source.name(), source);
		if (existing != null) {
			throw new IllegalStateException("Secret '" + source.name() + "' is configured twice: by '" + existing.file()
					+ "' ('" + existing.property() + "') and by '" + source.file() + "' ('" + source.property() + "')");
		}
		if (store.contains(source.name())) {
			throw new IllegalStateException("Secret '" + source.name() + "' from '" + source.file() + "' ('"
					+ source.property() + "') is already in the store");
		}
	}

	private static void skip(Path entry, String property, String reason) {
		logger.warn("Skipping '" + entry + "' in secret directory ('" + property + "'): " + reason);
	}

	private static String describe(IOException ex) {
		return ex.getClass().getSimpleName() + ((ex.getMessage() != null) ? " " + ex.getMessage() : "");
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
				throw new IllegalStateException("Cannot read secret '" + this.name + "' from '" + this.file + "' ('"
						+ this.property + "'): " + describe(ex), ex);
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalStateException("Cannot store secret '" + this.name + "' from '" + this.file + "' ('"
						+ this.property + "'): " + ex.getMessage(), ex);
			}
		}

	}

}
