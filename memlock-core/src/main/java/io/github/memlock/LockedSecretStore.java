package io.github.memlock;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Path;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.function.Function;

import io.github.memlock.nativeaccess.NativeMemory;
import org.jspecify.annotations.Nullable;

/**
 * A store of named secrets kept in off-heap memory that is locked in RAM, excluded from
 * core dumps and kept out of forked children.
 * <p>
 * Secrets are packed into page-aligned arenas, each surrounded by inaccessible guard
 * pages; the number of locked pages and of mappings grows with the bytes stored, not with
 * the number of secrets. Secrets are read through a callback that receives a read-only
 * view valid only during the call; no method returns a secret as a {@code String} or
 * {@code byte[]}. The store is thread-safe: readers run concurrently, while removing,
 * replacing and closing wait for the readers of the memory concerned.
 *
 * @since 0.1.0
 */
public final class LockedSecretStore implements AutoCloseable {

	private LockedSecretStore(Builder builder) {
		throw new UnsupportedOperationException("not implemented yet");
	}

	/**
	 * Open a store with the default settings: the strongest backend that works, no
	 * unlocked fallback, guard pages, wipe on fork and the derived maximum of locked
	 * bytes.
	 * @return a new store
	 * @throws MemoryLockException if no backend can lock memory
	 */
	public static LockedSecretStore open() {
		return builder().build();
	}

	/**
	 * Return a builder for a store with non-default settings.
	 * @return a new builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Store a secret under a name, replacing any secret of that name atomically. The
	 * bytes are copied into locked memory and the caller's array is then filled with
	 * zeros.
	 * @param name the secret's name: non-empty, at most 255 characters, no control
	 * characters
	 * @param secret the secret; zero-filled on return, also when storing fails
	 * @throws IllegalArgumentException if the name breaks a rule
	 * @throws LockBudgetExceededException if the secret does not fit the locking budget
	 * @throws MemoryLockException if memory cannot be locked
	 * @throws IllegalStateException if the store is closed
	 */
	public void put(String name, byte[] secret) {
		throw new UnsupportedOperationException("not implemented yet");
	}

	/**
	 * Store a secret given as characters under a name, encoded as UTF-8 piece by piece so
	 * that no heap copy of the whole secret is made. The caller's array is then filled
	 * with zeros.
	 * @param name the secret's name: non-empty, at most 255 characters, no control
	 * characters
	 * @param secret the secret; zero-filled on return, also when storing fails
	 * @throws IllegalArgumentException if the name breaks a rule or the characters are
	 * not valid UTF-16
	 * @throws LockBudgetExceededException if the secret does not fit the locking budget
	 * @throws MemoryLockException if memory cannot be locked
	 * @throws IllegalStateException if the store is closed
	 */
	public void put(String name, char[] secret) {
		throw new UnsupportedOperationException("not implemented yet");
	}

	/**
	 * Store the content of a file under a name, read straight into locked memory.
	 * @param name the secret's name
	 * @param file the file to read
	 * @throws IOException if the file cannot be read
	 * @throws IllegalArgumentException if the name breaks a rule
	 * @throws LockBudgetExceededException if the content does not fit the locking budget
	 * @throws MemoryLockException if memory cannot be locked
	 * @throws IllegalStateException if the store is closed
	 */
	public void putFile(String name, Path file) throws IOException {
		throw new UnsupportedOperationException("not implemented yet");
	}

	/**
	 * Store everything a channel yields until its end under a name, read straight into
	 * locked memory. The channel is not closed.
	 * @param name the secret's name
	 * @param channel the channel to read to its end
	 * @throws IOException if reading fails or the content exceeds
	 * {@link #MAX_CHANNEL_SECRET_BYTES}
	 * @throws IllegalArgumentException if the name breaks a rule
	 * @throws LockBudgetExceededException if the content does not fit the locking budget
	 * @throws MemoryLockException if memory cannot be locked
	 * @throws IllegalStateException if the store is closed
	 */
	public void put(String name, ReadableByteChannel channel) throws IOException {
		throw new UnsupportedOperationException("not implemented yet");
	}

	/**
	 * The largest secret {@link #put(String, ReadableByteChannel)} accepts from a channel
	 * of unknown length (1 MiB); the content is staged in locked memory until its end.
	 */
	public static final long MAX_CHANNEL_SECRET_BYTES = 1024 * 1024;

	/**
	 * Give a callback read access to a secret. The segment it receives is read-only and
	 * valid only during the call; using it afterwards raises
	 * {@link IllegalStateException}. Removing, replacing or closing waits until the
	 * callback returns.
	 * @param <T> the callback's result type
	 * @param name the secret's name
	 * @param reader the callback; it should copy nothing it does not need out of the
	 * segment
	 * @return the callback's result
	 * @throws NoSuchElementException if no secret has that name
	 * @throws IllegalStateException if the store is closed
	 */
	public <T extends @Nullable Object> T read(String name, Function<MemorySegment, T> reader) {
		throw new UnsupportedOperationException("not implemented yet");
	}

	/**
	 * Compare a secret with a candidate in time that depends only on the secret's length,
	 * then fill the candidate with zeros.
	 * @param name the secret's name
	 * @param candidate the bytes to compare; zero-filled on return
	 * @return whether the candidate equals the secret
	 * @throws NoSuchElementException if no secret has that name
	 * @throws IllegalStateException if the store is closed
	 */
	public boolean matches(String name, byte[] candidate) {
		throw new UnsupportedOperationException("not implemented yet");
	}

	/**
	 * Compare a secret with a candidate given as characters (UTF-8) in time that depends
	 * only on the secret's length, then fill the candidate with zeros.
	 * @param name the secret's name
	 * @param candidate the characters to compare; zero-filled on return
	 * @return whether the UTF-8 encoding of the candidate equals the secret
	 * @throws NoSuchElementException if no secret has that name
	 * @throws IllegalStateException if the store is closed
	 */
	public boolean matches(String name, char[] candidate) {
		throw new UnsupportedOperationException("not implemented yet");
	}

	/**
	 * Remove a secret and zeroize its memory at once (after any reader of it returns).
	 * @param name the secret's name
	 * @return whether a secret of that name was stored
	 * @throws IllegalStateException if the store is closed
	 */
	public boolean remove(String name) {
		throw new UnsupportedOperationException("not implemented yet");
	}

	/**
	 * Return whether a secret of the given name is stored.
	 * @param name the name
	 * @return whether it is stored
	 * @throws IllegalStateException if the store is closed
	 */
	public boolean contains(String name) {
		throw new UnsupportedOperationException("not implemented yet");
	}

	/**
	 * Return the names of the stored secrets.
	 * @return an unmodifiable snapshot of the names
	 * @throws IllegalStateException if the store is closed
	 */
	public Set<String> names() {
		throw new UnsupportedOperationException("not implemented yet");
	}

	/**
	 * Return the number of stored secrets.
	 * @return the number of secrets
	 * @throws IllegalStateException if the store is closed
	 */
	public int size() {
		throw new UnsupportedOperationException("not implemented yet");
	}

	/**
	 * Return a snapshot of the store and of what the kernel reports about its memory.
	 * Cheap and safe at any time, also after {@link #close()}.
	 * @return the status
	 */
	public StoreStatus status() {
		throw new UnsupportedOperationException("not implemented yet");
	}

	/**
	 * Zeroize every secret, unlock and unmap all memory of the store. Waits for running
	 * readers; later calls of any method but {@link #status()} and {@code close()} raise
	 * {@link IllegalStateException}. Closing twice does nothing.
	 */
	@Override
	public void close() {
		throw new UnsupportedOperationException("not implemented yet");
	}

	/**
	 * Builds a {@link LockedSecretStore}.
	 *
	 * @since 0.1.0
	 */
	public static final class Builder {

		private @Nullable Backend backend;

		private boolean allowUnlocked;

		private long maxLockedBytes = -1;

		private boolean guardPages = true;

		private boolean wipeOnFork = true;

		private @Nullable NativeMemory nativeMemory;

		private Builder() {
		}

		/**
		 * Force a backend instead of choosing the strongest that works. A forced backend
		 * that fails does not fall through to another, except to {@link Backend#UNLOCKED}
		 * when {@link #allowUnlocked(boolean) unlocked memory is allowed}.
		 * @param backend the backend, or {@code null} to choose automatically
		 * @return this builder
		 */
		public Builder backend(@Nullable Backend backend) {
			this.backend = backend;
			return this;
		}

		/**
		 * Set whether secrets may be kept in unlocked memory when locking fails, at start
		 * or when the store grows. The store then reports itself degraded instead of
		 * failing. Default {@code false}.
		 * @param allowUnlocked whether unlocked memory is acceptable
		 * @return this builder
		 */
		public Builder allowUnlocked(boolean allowUnlocked) {
			this.allowUnlocked = allowUnlocked;
			return this;
		}

		/**
		 * Set the most memory the store may lock, in bytes. Default: the soft
		 * {@code RLIMIT_MEMLOCK} minus what the process has locked at start, or 64 MiB
		 * when the limit is infinite or {@code CAP_IPC_LOCK} is effective.
		 * @param maxLockedBytes the maximum, positive
		 * @return this builder
		 */
		public Builder maxLockedBytes(long maxLockedBytes) {
			if (maxLockedBytes <= 0) {
				throw new IllegalArgumentException("'maxLockedBytes' must be positive");
			}
			this.maxLockedBytes = maxLockedBytes;
			return this;
		}

		/**
		 * Set whether each arena is surrounded by inaccessible guard pages. Default
		 * {@code true}.
		 * @param guardPages whether to add guard pages
		 * @return this builder
		 */
		public Builder guardPages(boolean guardPages) {
			this.guardPages = guardPages;
			return this;
		}

		/**
		 * Set whether secrets are kept out of forked children ({@code MADV_WIPEONFORK} on
		 * private arenas, {@code MADV_DONTFORK} on shared ones). Default {@code true}.
		 * @param wipeOnFork whether to keep secrets out of forked children
		 * @return this builder
		 */
		public Builder wipeOnFork(boolean wipeOnFork) {
			this.wipeOnFork = wipeOnFork;
			return this;
		}

		/**
		 * Use the given native calls instead of {@link NativeMemory#current()}; a seam
		 * for tests that select another platform or inject faults.
		 * @param nativeMemory the native calls
		 * @return this builder
		 */
		public Builder nativeMemory(NativeMemory nativeMemory) {
			this.nativeMemory = nativeMemory;
			return this;
		}

		/**
		 * Open the store: select the backend and probe it by creating the first arena.
		 * @return the store
		 * @throws MemoryLockException if no allowed backend works
		 */
		public LockedSecretStore build() {
			return new LockedSecretStore(this);
		}

	}

}
