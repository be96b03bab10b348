package io.github.memlock;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.StampedLock;
import java.util.function.Function;

import io.github.memlock.nativeaccess.MemlockLimit;
import io.github.memlock.nativeaccess.NativeCallException;
import io.github.memlock.nativeaccess.NativeMemory;
import io.github.memlock.nativeaccess.NativeMemoryException;
import io.github.memlock.nativeaccess.ProcFs;
import io.github.memlock.nativeaccess.ScopedSegments;
import org.jspecify.annotations.Nullable;

/**
 * A store of named secrets kept in off-heap memory that is locked in RAM, excluded from
 * core dumps and kept out of forked children.
 * <p>
 * When it opens, the store probes the backends strongest first ({@link Backend}):
 * {@code memfd-secret}, then {@code mlock}, then, only if
 * {@link Builder#allowUnlocked(boolean) allowed}, {@code unlocked}; each probe maps,
 * locks and releases a one-page arena, so the kernel itself decides. A backend forced
 * with {@link Builder#backend(Backend)} never falls through to another locking backend,
 * only to {@code unlocked} when that is allowed.
 * <p>
 * Secrets are packed into page-aligned arenas, each surrounded by inaccessible guard
 * pages; the number of locked pages and of mappings grows with the bytes stored, not with
 * the number of secrets (10,000 secrets of 32 bytes lock about 0.5 MiB in 7 arenas).
 * Before an arena is locked the store checks its budget: the soft {@code RLIMIT_MEMLOCK}
 * minus what the process has locked, unless {@code CAP_IPC_LOCK} is effective, and the
 * store's {@link Builder#maxLockedBytes(long) maximum}; a request that does not fit fails
 * with {@link LockBudgetExceededException} and leaves stored secrets as they are.
 * <p>
 * Secrets are read through a callback that receives a read-only view valid only during
 * the call; no method returns a secret as a {@code String} or {@code byte[]}, and
 * {@link #toString()} shows the backend and the number of secrets only. The store is
 * thread-safe: readers take no store-wide lock and run concurrently, while removing or
 * replacing a secret waits for that secret's running readers, and closing for all
 * readers, before memory is zeroized.
 * <p>
 * Limits: file and channel content passes through a one-page locked bounce buffer on the
 * {@code memfd-secret} backend, which briefly locks one more page; a callback of
 * {@link #read} must not change the store.
 *
 * @since 0.1.0
 */
public final class LockedSecretStore implements AutoCloseable {

	/**
	 * The largest secret {@link #put(String, ReadableByteChannel)} accepts from a channel
	 * (1 MiB); the content is staged in locked memory until the channel ends.
	 */
	public static final long MAX_CHANNEL_SECRET_BYTES = 1024 * 1024;

	/** The longest name a secret may have. */
	static final int MAX_NAME_LENGTH = 255;

	private static final long INITIAL_STAGING_BYTES = 256;

	private static final long READER_WAIT_NANOS = 50_000;

	private static final String RELEASE_REMEDY = "The memory was zero-filled before unmapping was tried; "
			+ "call close() again to retry.";

	private final NativeMemory nativeMemory;

	private final Backend backend;

	private final boolean allowUnlocked;

	private final boolean wipeOnFork;

	private final long pageSize;

	private final LockBudget budget;

	private final SlotAllocator allocator;

	private final @Nullable String startReason;

	private final long startFailures;

	private final boolean probedDumpExcluded;

	private final boolean probedWipeOnFork;

	private final Map<String, Entry> entries = new ConcurrentHashMap<>();

	// Readers take no store-wide lock: each entry counts its own readers (see Entry).
	// Changes hold the read side of this lock so that they run side by side, and close
	// takes the write side so that no change is half done when the arenas go.
	private final StampedLock changes = new StampedLock();

	private final ThreadLocal<ReadDepth> readDepth = ThreadLocal.withInitial(ReadDepth::new);

	private volatile boolean closed;

	private LockedSecretStore(Builder builder) {
		this.nativeMemory = (builder.nativeMemory != null) ? builder.nativeMemory : NativeMemory.current();
		this.allowUnlocked = builder.allowUnlocked;
		this.wipeOnFork = builder.wipeOnFork;
		this.budget = new LockBudget(this.nativeMemory, builder.maxLockedBytes);
		this.pageSize = pageSize(builder);
		ArenaProvider unlocked = provider(Backend.UNLOCKED, builder);
		Selection selection = select(builder);
		this.backend = selection.provider().backend();
		this.startReason = selection.reason();
		this.startFailures = (selection.reason() != null && builder.backend != Backend.UNLOCKED) ? 1 : 0;
		this.probedDumpExcluded = selection.dumpExcluded();
		this.probedWipeOnFork = selection.wipeOnFork();
		ArenaProvider locked = (this.backend != Backend.UNLOCKED) ? selection.provider() : null;
		this.allocator = new SlotAllocator(locked, unlocked, this.allowUnlocked, this.budget, this.pageSize);
		SecretArena leftover = selection.leftover();
		if (leftover != null) {
			this.allocator.keep(selection.provider(), leftover);
		}
	}

	private long pageSize(Builder builder) {
		try {
			return this.nativeMemory.pageSize();
		}
		catch (NativeMemoryException ex) {
			// Arenas are laid out in pages, so no backend can work without the size.
			throw this.budget.failure((builder.backend != null) ? builder.backend : Backend.MEMFD_SECRET, ex);
		}
	}

	private ArenaProvider provider(Backend backend, Builder builder) {
		return new ArenaProvider(this.nativeMemory, backend, builder.guardPages, builder.wipeOnFork, this.pageSize,
				this.budget);
	}

	/**
	 * Choose the backend: probe each candidate by creating and releasing a one-page
	 * arena, which shows both whether the kernel lets it lock and which flags it really
	 * sets.
	 */
	private Selection select(Builder builder) {
		List<Backend> candidates = (builder.backend != null) ? List.of(builder.backend)
				: List.of(Backend.MEMFD_SECRET, Backend.MLOCK);
		List<String> reasons = new ArrayList<>();
		MemoryLockException last = null;
		for (Backend candidate : candidates) {
			ArenaProvider provider = provider(candidate, builder);
			try {
				return probe(provider, (candidate != Backend.UNLOCKED) ? null : "the unlocked backend was selected");
			}
			catch (MemoryLockException ex) {
				reasons.add(candidate.id() + ": " + reasonOf(ex));
				last = ex;
			}
		}
		if (last == null) {
			throw new IllegalStateException("No backend was tried");
		}
		// The limits have fields of their own in the status; the reason says what failed.
		String reason = String.join("; ", reasons);
		if (!builder.allowUnlocked) {
			throw new MemoryLockException("No backend could lock memory (" + String.join("; ", reasons) + ")",
					last.backendTried(), last.call(), last.errnoName(), last.limitSoft(), last.limitHard(),
					last.lockedBytes(), last.ipcLockCapability(), last.remedy(), last);
		}
		return probe(provider(Backend.UNLOCKED, builder), reason);
	}

	private Selection probe(ArenaProvider provider, @Nullable String reason) {
		this.budget.checkProbe(provider);
		SecretArena arena = provider.create(1);
		SecretArena leftover = null;
		try {
			provider.release(arena);
		}
		catch (NativeMemoryException ex) {
			// The backend works; the zero-filled probe arena is released on close.
			leftover = arena;
		}
		return new Selection(provider, reason, arena.dumpExcluded(), arena.wipeOnFork(), leftover);
	}

	private static String reasonOf(MemoryLockException ex) {
		Throwable cause = ex.getCause();
		if (cause instanceof NativeMemoryException nativeFailure) {
			return nativeFailure.getMessage();
		}
		if (ex instanceof LockBudgetExceededException budgetExceeded) {
			return budgetExceeded.reason();
		}
		return String.valueOf(ex.getMessage());
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
	 * @throws IllegalStateException if the store is closed or the call is made from a
	 * {@link #read read} callback
	 */
	public void put(String name, byte[] secret) {
		try {
			checkName(name);
			store(name, () -> {
				Slot slot = this.allocator.allocate(secret.length);
				MemorySegment.copy(MemorySegment.ofArray(secret), 0, slot.segment(), 0, secret.length);
				return new Entry(slot, secret.length);
			});
		}
		finally {
			Arrays.fill(secret, (byte) 0);
		}
	}

	/**
	 * Store a secret given as characters under a name, encoded as UTF-8 straight into
	 * locked memory so that no heap copy of the secret is made. The caller's array is
	 * then filled with zeros.
	 * @param name the secret's name: non-empty, at most 255 characters, no control
	 * characters
	 * @param secret the secret; zero-filled on return, also when storing fails
	 * @throws IllegalArgumentException if the name breaks a rule or the characters are
	 * not valid UTF-16
	 * @throws LockBudgetExceededException if the secret does not fit the locking budget
	 * @throws MemoryLockException if memory cannot be locked
	 * @throws IllegalStateException if the store is closed or the call is made from a
	 * {@link #read read} callback
	 */
	public void put(String name, char[] secret) {
		try {
			checkName(name);
			long length = SecretEncoding.utf8Length(secret);
			store(name, () -> {
				Slot slot = this.allocator.allocate(length);
				try {
					SecretEncoding.encode(secret, slot.segment().asSlice(0, length));
				}
				catch (RuntimeException ex) {
					this.allocator.free(slot);
					throw ex;
				}
				return new Entry(slot, length);
			});
		}
		finally {
			Arrays.fill(secret, '\0');
		}
	}

	/**
	 * Store the content of a file under a name, read straight into locked memory (through
	 * a one-page locked bounce buffer on the {@code memfd-secret} backend, whose pages
	 * the kernel cannot write to). A regular file is read up to the size it had when
	 * opened; a file that reports no size is read like a channel.
	 * @param name the secret's name
	 * @param file the file to read
	 * @throws IOException if the file cannot be read
	 * @throws IllegalArgumentException if the name breaks a rule
	 * @throws LockBudgetExceededException if the content does not fit the locking budget
	 * @throws MemoryLockException if memory cannot be locked
	 * @throws IllegalStateException if the store is closed or the call is made from a
	 * {@link #read read} callback
	 */
	public void putFile(String name, Path file) throws IOException {
		checkName(name);
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
			long size = channel.size();
			if (size == 0) {
				put(name, channel);
				return;
			}
			store(name, () -> readSized(channel, size));
		}
	}

	private Entry readSized(ReadableByteChannel channel, long size) throws IOException {
		try (BounceBuffer bounce = openBounceBuffer()) {
			Slot slot = this.allocator.allocate(size);
			try {
				long length = bounce.transfer(channel, slot.segment().asSlice(0, size), slot.arena());
				return new Entry(slot, length);
			}
			catch (IOException | RuntimeException ex) {
				this.allocator.free(slot);
				throw ex;
			}
		}
	}

	/**
	 * Store everything a channel yields until its end under a name, read straight into
	 * locked memory (through a one-page locked bounce buffer on the {@code memfd-secret}
	 * backend). As the length is not known beforehand, the content is staged in locked
	 * slots that double in size up to {@link #MAX_CHANNEL_SECRET_BYTES}, then moved to a
	 * slot of its size. The channel is not closed; it should be blocking. A channel that
	 * adapts an {@code InputStream} copies through a heap buffer of its own.
	 * @param name the secret's name
	 * @param channel the channel to read to its end
	 * @throws IOException if reading fails or the content exceeds
	 * {@link #MAX_CHANNEL_SECRET_BYTES}
	 * @throws IllegalArgumentException if the name breaks a rule
	 * @throws LockBudgetExceededException if the content does not fit the locking budget
	 * @throws MemoryLockException if memory cannot be locked
	 * @throws IllegalStateException if the store is closed or the call is made from a
	 * {@link #read read} callback
	 */
	public void put(String name, ReadableByteChannel channel) throws IOException {
		checkName(name);
		store(name, () -> readStaged(channel));
	}

	private Entry readStaged(ReadableByteChannel channel) throws IOException {
		try (BounceBuffer bounce = openBounceBuffer()) {
			return readStaged(channel, bounce);
		}
	}

	private Entry readStaged(ReadableByteChannel channel, BounceBuffer bounce) throws IOException {
		Slot staging = this.allocator.allocate(INITIAL_STAGING_BYTES);
		long length = 0;
		try {
			while (true) {
				MemorySegment free = staging.segment().asSlice(length);
				long read = bounce.transfer(channel, free, staging.arena());
				length += read;
				if (length > MAX_CHANNEL_SECRET_BYTES) {
					throw new IOException(
							"A secret read from a channel must not exceed " + MAX_CHANNEL_SECRET_BYTES + " bytes");
				}
				if (read < free.byteSize()) {
					break;
				}
				staging = move(staging, length, Math.min(staging.size() * 2, MAX_CHANNEL_SECRET_BYTES + 1));
			}
			if (this.allocator.slotSize(length) < staging.size()) {
				staging = move(staging, length, length);
			}
			return new Entry(staging, length);
		}
		catch (IOException | RuntimeException ex) {
			this.allocator.free(staging);
			throw ex;
		}
	}

	private Slot move(Slot from, long length, long size) {
		Slot to = this.allocator.allocate(size);
		MemorySegment.copy(from.segment(), 0, to.segment(), 0, length);
		this.allocator.free(from);
		return to;
	}

	/**
	 * Open the bounce buffer that file and channel content passes through on the
	 * {@code memfd-secret} backend, whose pages the kernel cannot write to. It is opened
	 * before the secret's slot, so that when locked memory runs out it is the slot that
	 * meets the end of the budget: the budget check then refuses it, or sends it to
	 * unlocked memory, instead of {@code mlock} failing on the bounce buffer.
	 */
	private BounceBuffer openBounceBuffer() {
		if (this.backend != Backend.MEMFD_SECRET) {
			return new BounceBuffer(null, null);
		}
		ArenaProvider provider = new ArenaProvider(this.nativeMemory, Backend.MLOCK, false, this.wipeOnFork,
				this.pageSize, this.budget);
		try {
			// Checked as a page of the store's own backend, so a refusal names that
			// backend.
			ArenaProvider charged = new ArenaProvider(this.nativeMemory, this.backend, false, this.wipeOnFork,
					this.pageSize, this.budget);
			this.budget.checkTransient(charged, 1);
			return new BounceBuffer(provider, provider.create(1));
		}
		catch (MemoryLockException ex) {
			if (!this.allowUnlocked) {
				throw ex;
			}
			// The content passes through unlocked memory; count it like any fallback.
			this.allocator.lockFailed(ex);
			ArenaProvider unlocked = unlockedProvider();
			return new BounceBuffer(unlocked, unlocked.create(1));
		}
	}

	private ArenaProvider unlockedProvider() {
		return new ArenaProvider(this.nativeMemory, Backend.UNLOCKED, false, this.wipeOnFork, this.pageSize,
				this.budget);
	}

	/**
	 * Make a new entry and publish it under a name. The new slot is written before it is
	 * published, and the slot it replaces is only zeroized once its readers are done, so
	 * a reader sees the old or the new secret, never a mix.
	 */
	private <E extends Exception> void store(String name, EntryFactory<E> factory) throws E {
		checkNotReading();
		long stamp = this.changes.readLock();
		try {
			ensureOpen();
			Entry previous = this.entries.put(name, factory.create());
			if (previous != null) {
				retire(previous);
			}
		}
		finally {
			this.changes.unlockRead(stamp);
		}
	}

	private void retire(Entry entry) {
		entry.retire();
		this.allocator.free(entry.slot());
	}

	/**
	 * Give a callback read access to a secret. The segment it receives is read-only,
	 * exactly as long as the secret and valid only during the call and only in the
	 * calling thread; using it afterwards raises {@link IllegalStateException}. Removing,
	 * replacing or closing waits until the callback returns; the callback must not itself
	 * change the store.
	 * @param <T> the callback's result type
	 * @param name the secret's name
	 * @param reader the callback; it should copy nothing it does not need out of the
	 * segment, and must not return the segment
	 * @return the callback's result
	 * @throws NoSuchElementException if no secret has that name
	 * @throws IllegalStateException if the store is closed
	 */
	public <T extends @Nullable Object> T read(String name, Function<MemorySegment, T> reader) {
		Objects.requireNonNull(reader, "'reader' must not be null");
		Entry entry = acquire(name);
		ReadDepth depth = this.readDepth.get();
		depth.count++;
		try {
			return ScopedSegments.read(entry.secret(), reader);
		}
		finally {
			depth.count--;
			entry.release();
		}
	}

	/**
	 * Compare a secret with a candidate in time that depends only on the secret's length
	 * (and the candidate's), not on where they differ. The candidate is not changed.
	 * @param name the secret's name
	 * @param candidate the bytes to compare
	 * @return whether the candidate equals the secret
	 * @throws NoSuchElementException if no secret has that name
	 * @throws IllegalStateException if the store is closed
	 */
	public boolean matches(String name, byte[] candidate) {
		Objects.requireNonNull(candidate, "'candidate' must not be null");
		Entry entry = acquire(name);
		try {
			return SecretEncoding.matches(entry.secret(), candidate);
		}
		finally {
			entry.release();
		}
	}

	/**
	 * Compare a secret with the UTF-8 encoding of a candidate in time that depends only
	 * on the lengths, not on where they differ. The candidate is encoded piece by piece
	 * into a small buffer that is wiped afterwards; the candidate itself is not changed.
	 * @param name the secret's name
	 * @param candidate the characters to compare
	 * @return whether the UTF-8 encoding of the candidate equals the secret
	 * ({@code false} for a candidate that is not valid UTF-16)
	 * @throws NoSuchElementException if no secret has that name
	 * @throws IllegalStateException if the store is closed
	 */
	public boolean matches(String name, char[] candidate) {
		Objects.requireNonNull(candidate, "'candidate' must not be null");
		Entry entry = acquire(name);
		try {
			return SecretEncoding.matches(entry.secret(), candidate);
		}
		finally {
			entry.release();
		}
	}

	/**
	 * Find a secret's entry and register the caller as one of its readers. An entry found
	 * just as it is being replaced or removed refuses new readers; the lookup is then
	 * repeated and finds the replacement, nothing, or a closed store.
	 */
	private Entry acquire(String name) {
		Objects.requireNonNull(name, "'name' must not be null");
		while (true) {
			ensureOpen();
			Entry entry = this.entries.get(name);
			if (entry == null) {
				// close() empties the map after marking the store closed; say closed, not
				// missing.
				ensureOpen();
				throw new NoSuchElementException(
						(validName(name) == null) ? "No secret named '" + name + "'" : "No secret with that name");
			}
			if (entry.tryAcquire()) {
				return entry;
			}
			Thread.onSpinWait();
		}
	}

	/**
	 * Remove a secret and zeroize its memory at once (after its running readers return).
	 * An arena left without secrets is zeroized, unlocked and unmapped.
	 * @param name the secret's name
	 * @return whether a secret of that name was stored
	 * @throws IllegalStateException if the store is closed or the call is made from a
	 * {@link #read read} callback
	 */
	public boolean remove(String name) {
		Objects.requireNonNull(name, "'name' must not be null");
		checkNotReading();
		long stamp = this.changes.readLock();
		try {
			ensureOpen();
			Entry entry = this.entries.remove(name);
			if (entry == null) {
				return false;
			}
			retire(entry);
			return true;
		}
		finally {
			this.changes.unlockRead(stamp);
		}
	}

	/**
	 * Return whether a secret of the given name is stored.
	 * @param name the name
	 * @return whether it is stored
	 * @throws IllegalStateException if the store is closed
	 */
	public boolean contains(String name) {
		ensureOpen();
		return this.entries.containsKey(Objects.requireNonNull(name, "'name' must not be null"));
	}

	/**
	 * Return the names of the stored secrets.
	 * @return an unmodifiable snapshot of the names
	 * @throws IllegalStateException if the store is closed
	 */
	public Set<String> names() {
		ensureOpen();
		return Set.copyOf(this.entries.keySet());
	}

	/**
	 * Return the number of stored secrets.
	 * @return the number of secrets
	 * @throws IllegalStateException if the store is closed
	 */
	public int size() {
		ensureOpen();
		return this.entries.size();
	}

	/**
	 * Return a snapshot of the store and of what the kernel reports about its memory.
	 * Cheap (it reads {@code /proc/self/status} and the limit, and uses the flags the
	 * kernel showed for each arena when it was created) and safe at any time, also after
	 * {@link #close()}.
	 * @return the status
	 */
	public StoreStatus status() {
		SlotAllocator.Usage usage = this.allocator.usage();
		MemlockLimit limit = this.budget.limit();
		boolean closed = this.closed;
		boolean hasArenas = usage.arenaCount() > 0;
		boolean dumpExcluded = !closed && (hasArenas ? usage.dumpExcluded() : this.probedDumpExcluded);
		boolean wipeOnFork = !closed && (hasArenas ? usage.wipeOnFork() : this.probedWipeOnFork);
		boolean locked = !closed && this.backend != Backend.UNLOCKED && usage.unlockedSlots() == 0;
		String reason = (this.startReason != null) ? this.startReason : usage.lockFailure();
		return new StoreStatus(this.backend, locked, usage.lockedBytes(), usage.lockedBytes() / this.pageSize,
				usage.usedBytes(), usage.capacityBytes(), closed ? 0 : this.entries.size(), limit.soft(), limit.hard(),
				ipcLockEffective(), dumpExcluded, wipeOnFork, this.startFailures + usage.lockFailures(), closed, reason,
				this.pageSize);
	}

	private static boolean ipcLockEffective() {
		try {
			return ProcFs.self().ipcLockEffective();
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

	/**
	 * Zeroize every secret, unlock and unmap all memory of the store. Waits for running
	 * readers; afterwards every method but {@link #status()}, {@link #toString()} and
	 * {@code close()} raises {@link IllegalStateException}. Closing twice does nothing,
	 * unless the first close could not unmap some memory: then it tries again.
	 * @throws IllegalStateException if called from a {@link #read read} callback
	 * @throws MemoryLockException if some memory could not be unmapped; it is zero-filled
	 * and the store is closed all the same
	 */
	@Override
	public void close() {
		checkNotReading();
		long stamp = this.changes.writeLock();
		try {
			this.closed = true;
			this.entries.values().forEach(Entry::retire);
			this.entries.clear();
			this.allocator.releaseAll();
		}
		catch (NativeMemoryException ex) {
			throw releaseFailure(ex);
		}
		finally {
			this.changes.unlockWrite(stamp);
		}
	}

	private MemoryLockException releaseFailure(NativeMemoryException ex) {
		MemlockLimit limit = this.budget.limit();
		String errnoName = (ex instanceof NativeCallException call) ? call.errnoName() : null;
		return new MemoryLockException("Could not release the store's memory: " + ex.getMessage(), this.backend,
				ex.call(), errnoName, limit.soft(), limit.hard(), this.budget.lockedBytes(),
				this.budget.ipcLockEffective(), RELEASE_REMEDY, ex);
	}

	/**
	 * Return the raw slot of a secret, for tests in this package that check what memory
	 * holds after removal. The segment stays valid only while its arena holds another
	 * secret.
	 * @param name the secret's name
	 * @return the slot, or {@code null} if no secret has that name
	 */
	@Nullable Slot slotOf(String name) {
		Entry entry = this.entries.get(name);
		return (entry != null) ? entry.slot() : null;
	}

	/**
	 * Return the store's arenas, for tests in this package that check them through
	 * {@code /proc}.
	 * @return a snapshot of the arenas
	 */
	List<SecretArena> arenas() {
		return this.allocator.arenas();
	}

	/**
	 * Return the arenas that hold no secret but could not be unmapped yet, for tests in
	 * this package that check they hold no secret bytes.
	 * @return a snapshot of the arenas
	 */
	List<SecretArena> leftovers() {
		return this.allocator.leftovers();
	}

	private void ensureOpen() {
		if (this.closed) {
			throw new IllegalStateException("LockedSecretStore is closed");
		}
	}

	private void checkNotReading() {
		// Replacing, removing and closing wait for the readers of an entry; from inside a
		// callback that would wait for this very thread.
		if (this.readDepth.get().count > 0) {
			throw new IllegalStateException("A read callback must not change the store");
		}
	}

	private static void checkName(String name) {
		String problem = validName(Objects.requireNonNull(name, "'name' must not be null"));
		if (problem != null) {
			throw new IllegalArgumentException(problem);
		}
	}

	private static @Nullable String validName(String name) {
		if (name.isEmpty()) {
			return "'name' must not be empty";
		}
		if (name.length() > MAX_NAME_LENGTH) {
			return "'name' must be at most " + MAX_NAME_LENGTH + " characters long";
		}
		for (int i = 0; i < name.length(); i++) {
			if (Character.isISOControl(name.charAt(i))) {
				return "'name' must not contain control characters";
			}
		}
		return null;
	}

	@Override
	public String toString() {
		return "LockedSecretStore[backend=" + this.backend.id() + ", secrets=" + this.entries.size() + ", closed="
				+ this.closed + "]";
	}

	/**
	 * A stored secret: its slot, its length, and a count of the readers using it.
	 * <p>
	 * Each entry counts its own readers, so readers of different secrets touch no shared
	 * memory and scale with the cores; one store-wide read lock made two threads read at
	 * a quarter of the rate of one (see docs/benchmarks.md). Retiring an entry makes it
	 * refuse new readers and waits for the running ones before its slot is zeroized.
	 */
	private static final class Entry {

		private static final int RETIRED = Integer.MIN_VALUE;

		private static final VarHandle STATE;

		static {
			try {
				STATE = MethodHandles.lookup().findVarHandle(Entry.class, "state", int.class);
			}
			catch (ReflectiveOperationException ex) {
				throw new ExceptionInInitializerError(ex);
			}
		}

		private final Slot slot;

		private final MemorySegment secret;

		// The number of running readers, with RETIRED set once no new reader may start.
		private volatile int state;

		Entry(Slot slot, long length) {
			this.slot = slot;
			this.secret = slot.segment().asSlice(0, length);
		}

		Slot slot() {
			return this.slot;
		}

		MemorySegment secret() {
			return this.secret;
		}

		boolean tryAcquire() {
			int current = this.state;
			while (current >= 0) {
				int witness = (int) STATE.compareAndExchange(this, current, current + 1);
				if (witness == current) {
					return true;
				}
				current = witness;
			}
			return false;
		}

		void release() {
			STATE.getAndAdd(this, -1);
		}

		/**
		 * Refuse new readers, then wait for the running ones. Callbacks are short, so the
		 * wait spins first and only then sleeps in small steps.
		 */
		void retire() {
			int current = (int) STATE.getAndBitwiseOr(this, RETIRED);
			for (int spins = 0; (current & ~RETIRED) != 0; spins++) {
				if (spins < 1_000) {
					Thread.onSpinWait();
				}
				else {
					LockSupport.parkNanos(this, READER_WAIT_NANOS);
				}
				current = this.state;
			}
		}

	}

	/**
	 * A one-page buffer for content on its way into memory the kernel cannot write to, or
	 * none where the kernel can write to the target directly.
	 */
	private final class BounceBuffer implements AutoCloseable {

		private final @Nullable ArenaProvider provider;

		private final @Nullable SecretArena arena;

		BounceBuffer(@Nullable ArenaProvider provider, @Nullable SecretArena arena) {
			this.provider = provider;
			this.arena = arena;
		}

		long transfer(ReadableByteChannel channel, MemorySegment target, SecretArena targetArena) throws IOException {
			if (targetArena.kernelAccessible()) {
				return ChannelTransfer.fill(channel, target, null);
			}
			if (this.arena == null) {
				throw new IllegalStateException("No bounce buffer for memory the kernel cannot write to");
			}
			return ChannelTransfer.fill(channel, target, this.arena.data());
		}

		@Override
		public void close() {
			if (this.provider != null && this.arena != null) {
				LockedSecretStore.this.allocator.discard(this.provider, this.arena);
			}
		}

	}

	/**
	 * How deeply the current thread is inside {@link #read read} callbacks of this store.
	 */
	private static final class ReadDepth {

		private int count;

	}

	/**
	 * Makes a filled entry, freeing its slot itself when it fails.
	 */
	@FunctionalInterface
	private interface EntryFactory<E extends Exception> {

		Entry create() throws E;

	}

	/**
	 * The outcome of choosing a backend.
	 *
	 * @param provider the arenas of the chosen backend
	 * @param reason why the store is degraded, or {@code null}
	 * @param dumpExcluded whether the probe arena was excluded from core dumps
	 * @param wipeOnFork whether the probe arena was hidden from forked children
	 * @param leftover the probe arena when it could not be unmapped, or {@code null}
	 */
	private record Selection(ArenaProvider provider, @Nullable String reason, boolean dumpExcluded, boolean wipeOnFork,
			@Nullable SecretArena leftover) {

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
