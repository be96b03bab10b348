package io.github.memlock;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.github.memlock.nativeaccess.NativeMemoryException;
import io.github.memlock.nativeaccess.ProcFs;
import org.jspecify.annotations.Nullable;

/**
 * Packs secrets into arenas. Secrets of up to half a page go into slots of a size class
 * (16, 32, 64 ... bytes, doubling up to half a page) carved from a page of their own
 * class; larger secrets get a run of whole pages. New arenas double the capacity of the
 * existing ones, from one page up to {@value #MAX_ARENA_BYTES} bytes an arena, so that
 * the number of mappings grows with the logarithm of the bytes stored and never with the
 * number of secrets. An arena is released as soon as its last slot is freed, so its pages
 * are only unlocked when no secret lives in them.
 * <p>
 * Secrets go to locked arenas; only when those cannot grow and unlocked memory is allowed
 * do they go to arenas of the unlocked backend. Every method is synchronized; the caller
 * makes sure no reader uses a slot while it is freed.
 * <p>
 * An arena that cannot be unmapped when it empties (a failed {@code munmap}) is kept,
 * zero-filled and never used again, until {@link #releaseAll()} releases it; the locked
 * memory it still holds stays counted.
 */
final class SlotAllocator {

	/** The smallest slot; a zero-length secret also takes one. */
	static final int MIN_SLOT = 16;

	/** The largest arena the store grows by, unless a single secret needs more. */
	static final long MAX_ARENA_BYTES = 256 * 1024;

	private final @Nullable ArenaProvider lockedArenas;

	private final ArenaProvider unlockedArenas;

	private final boolean allowUnlocked;

	private final LockBudget budget;

	private final long pageSize;

	private final long maxSlabSlot;

	private final int maxArenaPages;

	private final List<SecretArena> arenas = new ArrayList<>();

	private final List<Leftover> leftovers = new ArrayList<>();

	private final List<LinkedHashSet<SlabPage>> partialLocked = new ArrayList<>();

	private final List<LinkedHashSet<SlabPage>> partialUnlocked = new ArrayList<>();

	private long usedBytes;

	private long lockedBytes;

	private long unlockedSlots;

	private long lockFailures;

	private @Nullable String lastLockFailure;

	/**
	 * Create an allocator.
	 * @param lockedArenas the provider of locked arenas, or {@code null} when the store
	 * runs on the unlocked backend
	 * @param unlockedArenas the provider of unlocked arenas
	 * @param allowUnlocked whether secrets may go to unlocked arenas when locked ones
	 * cannot grow
	 * @param budget the locking budget
	 * @param pageSize the page size
	 */
	SlotAllocator(@Nullable ArenaProvider lockedArenas, ArenaProvider unlockedArenas, boolean allowUnlocked,
			LockBudget budget, long pageSize) {
		this.lockedArenas = lockedArenas;
		this.unlockedArenas = unlockedArenas;
		this.allowUnlocked = allowUnlocked || lockedArenas == null;
		this.budget = budget;
		this.pageSize = pageSize;
		this.maxSlabSlot = pageSize / 2;
		this.maxArenaPages = (int) Math.max(1, MAX_ARENA_BYTES / pageSize);
		for (long size = MIN_SLOT; size <= this.maxSlabSlot; size *= 2) {
			this.partialLocked.add(new LinkedHashSet<>());
			this.partialUnlocked.add(new LinkedHashSet<>());
		}
	}

	/**
	 * Return the size of the slot a secret of the given length takes.
	 * @param length the secret's length
	 * @return the slot size
	 */
	long slotSize(long length) {
		if (length <= this.maxSlabSlot) {
			return Math.max(MIN_SLOT, Long.highestOneBit(Math.max(length - 1, 1)) << 1);
		}
		return Math.ceilDiv(length, this.pageSize) * this.pageSize;
	}

	/**
	 * Allocate a slot for a secret of the given length, growing the arenas if needed.
	 * @param length the secret's length
	 * @return the slot, whose bytes are zero
	 * @throws LockBudgetExceededException if locked memory cannot grow by enough and
	 * unlocked memory is not allowed
	 * @throws MemoryLockException if memory cannot be locked and unlocked memory is not
	 * allowed
	 */
	synchronized Slot allocate(long length) {
		long size = slotSize(length);
		Slot slot = null;
		if (this.lockedArenas != null) {
			slot = allocateIn(true, size);
			if (slot == null) {
				slot = growAndAllocate(this.lockedArenas, size);
			}
		}
		if (slot == null) {
			slot = allocateIn(false, size);
		}
		if (slot == null) {
			grow(this.unlockedArenas, pagesFor(size));
			slot = allocateIn(false, size);
		}
		if (slot == null) {
			throw new IllegalStateException("No slot of " + size + " bytes in a fresh arena");
		}
		this.usedBytes += slot.size();
		if (!slot.arena().locked()) {
			this.unlockedSlots++;
		}
		return slot;
	}

	private @Nullable Slot growAndAllocate(ArenaProvider provider, long size) {
		try {
			grow(provider, pagesFor(size));
			return allocateIn(true, size);
		}
		catch (MemoryLockException ex) {
			if (!this.allowUnlocked) {
				throw ex;
			}
			lockFailed(ex);
			return null;
		}
	}

	/**
	 * Count a failure to lock memory after which unlocked memory was used instead.
	 * @param ex the failure
	 */
	synchronized void lockFailed(MemoryLockException ex) {
		this.lockFailures++;
		this.lastLockFailure = describe(ex);
	}

	private String describe(MemoryLockException ex) {
		if (ex instanceof LockBudgetExceededException budgetExceeded) {
			return budgetExceeded.reason();
		}
		return String.valueOf((ex.getCause() != null) ? ex.getCause().getMessage() : ex.getMessage());
	}

	private int pagesFor(long size) {
		return (size <= this.maxSlabSlot) ? 1 : Math.toIntExact(size / this.pageSize);
	}

	private void grow(ArenaProvider provider, int neededPages) {
		boolean locked = provider.backend() != Backend.UNLOCKED;
		long capacityPages = 0;
		for (SecretArena arena : this.arenas) {
			if (arena.locked() == locked) {
				capacityPages += arena.pages();
			}
		}
		int doubled = (int) Math.min(this.maxArenaPages, Math.max(1, Long.highestOneBit(capacityPages) * 2));
		int pages = Math.max(neededPages, doubled);
		if (locked) {
			pages = this.budget.fit(provider, neededPages, pages, this.lockedBytes);
		}
		SecretArena arena = provider.create(pages);
		this.arenas.add(arena);
		this.lockedBytes += arena.chargedBytes();
	}

	private @Nullable Slot allocateIn(boolean locked, long size) {
		if (size > this.maxSlabSlot) {
			return allocateRun(locked, Math.toIntExact(size / this.pageSize));
		}
		int sizeClass = Long.numberOfTrailingZeros(size) - Long.numberOfTrailingZeros(MIN_SLOT);
		LinkedHashSet<SlabPage> partial = (locked ? this.partialLocked : this.partialUnlocked).get(sizeClass);
		SlabPage slab = partial.isEmpty() ? newSlabPage(locked, size, partial) : partial.getFirst();
		if (slab == null) {
			return null;
		}
		int index = slab.take();
		if (slab.full()) {
			partial.remove(slab);
		}
		return new Slot(slab.arena, slab.page * this.pageSize + index * size, size, slab, index);
	}

	private @Nullable SlabPage newSlabPage(boolean locked, long size, LinkedHashSet<SlabPage> partial) {
		for (SecretArena arena : this.arenas) {
			if (arena.locked() == locked) {
				int page = arena.findFree(1);
				if (page >= 0) {
					arena.takeSlabPage(page);
					SlabPage slab = new SlabPage(arena, page, (int) (this.pageSize / size));
					partial.add(slab);
					return slab;
				}
			}
		}
		return null;
	}

	private @Nullable Slot allocateRun(boolean locked, int pages) {
		for (SecretArena arena : this.arenas) {
			if (arena.locked() == locked) {
				int start = arena.findFree(pages);
				if (start >= 0) {
					arena.takeRun(start, pages);
					return new Slot(arena, start * this.pageSize, pages * this.pageSize, null, pages);
				}
			}
		}
		return null;
	}

	/**
	 * Zeroize a slot and give it back; release its arena if it was the last slot in use.
	 * @param slot the slot, which no reader may use any more
	 */
	synchronized void free(Slot slot) {
		slot.segment().fill((byte) 0);
		SecretArena arena = slot.arena();
		SlabPage slab = slot.slab();
		if (slab != null) {
			LinkedHashSet<SlabPage> partial = (arena.locked() ? this.partialLocked : this.partialUnlocked)
				.get(Long.numberOfTrailingZeros(slot.size()) - Long.numberOfTrailingZeros(MIN_SLOT));
			slab.give(slot.index());
			if (slab.unused()) {
				partial.remove(slab);
				arena.freePages(slab.page, 1);
			}
			else {
				partial.add(slab);
			}
		}
		else {
			arena.freePages(Math.toIntExact(slot.offset() / this.pageSize), slot.index());
		}
		this.usedBytes -= slot.size();
		if (!arena.locked()) {
			this.unlockedSlots--;
		}
		if (arena.empty()) {
			release(arena);
		}
	}

	private @Nullable NativeMemoryException release(SecretArena arena) {
		this.arenas.remove(arena);
		this.lockedBytes -= arena.chargedBytes();
		return tryRelease(providerOf(arena), arena);
	}

	/**
	 * Zeroize, unlock and unmap an arena that holds no secret, such as an emptied arena
	 * or a bounce buffer. If it cannot be unmapped, keep it to retry on
	 * {@link #releaseAll()}.
	 * @param provider the provider that created the arena
	 * @param arena the arena
	 */
	synchronized void discard(ArenaProvider provider, SecretArena arena) {
		tryRelease(provider, arena);
	}

	private @Nullable NativeMemoryException tryRelease(ArenaProvider provider, SecretArena arena) {
		try {
			provider.release(arena);
			return null;
		}
		catch (NativeMemoryException ex) {
			keep(provider, arena);
			return ex;
		}
	}

	/**
	 * Keep an arena that holds no secret and could not be unmapped, to retry on
	 * {@link #releaseAll()}.
	 * @param provider the provider that created the arena
	 * @param arena the arena, already zero-filled
	 */
	synchronized void keep(ArenaProvider provider, SecretArena arena) {
		// munlock may have worked where munmap failed; count what the kernel still locks.
		Optional<Set<String>> flags = flagsOf(arena);
		boolean locked = flags.map((set) -> set.contains("lo")).orElse(arena.locked());
		Leftover leftover = new Leftover(provider, arena, locked ? arena.chargedBytes() : 0);
		this.leftovers.add(leftover);
		this.lockedBytes += leftover.chargedBytes();
	}

	private static Optional<Set<String>> flagsOf(SecretArena arena) {
		try {
			return ProcFs.self().vmFlags(arena.data().address());
		}
		catch (RuntimeException ex) {
			return Optional.empty();
		}
	}

	private ArenaProvider providerOf(SecretArena arena) {
		return (arena.locked() && this.lockedArenas != null) ? this.lockedArenas : this.unlockedArenas;
	}

	/**
	 * Zeroize, unlock and unmap every arena, whatever its slots hold, and retry the
	 * arenas kept because an earlier release failed. An arena that cannot be unmapped now
	 * is kept for the next call.
	 * @throws NativeMemoryException the first failure to unmap, after every arena was
	 * tried
	 */
	synchronized void releaseAll() {
		NativeMemoryException failure = null;
		for (Leftover leftover : List.copyOf(this.leftovers)) {
			try {
				leftover.provider().release(leftover.arena());
				this.leftovers.remove(leftover);
				this.lockedBytes -= leftover.chargedBytes();
			}
			catch (NativeMemoryException ex) {
				failure = (failure != null) ? failure : ex;
			}
		}
		for (SecretArena arena : List.copyOf(this.arenas)) {
			NativeMemoryException ex = release(arena);
			failure = (failure != null) ? failure : ex;
		}
		this.partialLocked.forEach(LinkedHashSet::clear);
		this.partialUnlocked.forEach(LinkedHashSet::clear);
		this.usedBytes = 0;
		this.unlockedSlots = 0;
		if (failure != null) {
			throw failure;
		}
	}

	/**
	 * Return the allocator's figures.
	 * @return a snapshot
	 */
	synchronized Usage usage() {
		long capacity = 0;
		boolean dumpExcluded = true;
		boolean wipeOnFork = true;
		for (SecretArena arena : this.arenas) {
			capacity += arena.data().byteSize();
			dumpExcluded &= arena.dumpExcluded();
			wipeOnFork &= arena.wipeOnFork();
		}
		return new Usage(this.lockedBytes, this.usedBytes, capacity, this.unlockedSlots, this.lockFailures,
				(this.unlockedSlots > 0) ? this.lastLockFailure : null, this.arenas.size(), dumpExcluded, wipeOnFork);
	}

	/**
	 * Return the arenas; for tests that check them through {@code /proc}.
	 * @return a snapshot of the arenas
	 */
	synchronized List<SecretArena> arenas() {
		return List.copyOf(this.arenas);
	}

	/**
	 * Return the arenas kept because they could not be unmapped; for tests that check
	 * that they hold no secret bytes.
	 * @return a snapshot of the kept arenas
	 */
	synchronized List<SecretArena> leftovers() {
		return this.leftovers.stream().map(Leftover::arena).toList();
	}

	/**
	 * An arena that holds no secret but could not be unmapped.
	 *
	 * @param provider the provider that created it
	 * @param arena the arena, zero-filled
	 * @param chargedBytes the locked memory it still holds
	 */
	private record Leftover(ArenaProvider provider, SecretArena arena, long chargedBytes) {

	}

	/**
	 * The allocator's figures at one moment.
	 *
	 * @param lockedBytes the bytes the store's arenas add to the process's locked memory
	 * @param usedBytes the bytes of the slots in use
	 * @param capacityBytes the bytes of all data pages
	 * @param unlockedSlots the slots in use in unlocked arenas
	 * @param lockFailures how often locked memory could not grow and unlocked memory was
	 * used instead
	 * @param lockFailure the last such failure while unlocked slots are in use
	 * @param arenaCount the number of arenas
	 * @param dumpExcluded whether every arena is excluded from core dumps
	 * @param wipeOnFork whether no arena is visible to forked children
	 */
	record Usage(long lockedBytes, long usedBytes, long capacityBytes, long unlockedSlots, long lockFailures,
			@Nullable String lockFailure, int arenaCount, boolean dumpExcluded, boolean wipeOnFork) {

	}

	/**
	 * A page carved into slots of one size, with a bit per slot in use.
	 */
	static final class SlabPage {

		private final SecretArena arena;

		private final int page;

		private final int slots;

		private final long[] used;

		private int inUse;

		SlabPage(SecretArena arena, int page, int slots) {
			this.arena = arena;
			this.page = page;
			this.slots = slots;
			this.used = new long[Math.ceilDiv(slots, 64)];
		}

		int take() {
			for (int word = 0; word < this.used.length; word++) {
				long free = ~this.used[word];
				if (free != 0) {
					int index = word * 64 + Long.numberOfTrailingZeros(free);
					if (index < this.slots) {
						this.used[word] |= 1L << index;
						this.inUse++;
						return index;
					}
				}
			}
			throw new IllegalStateException("Slab page is full");
		}

		void give(int index) {
			this.used[index / 64] &= ~(1L << index);
			this.inUse--;
		}

		boolean full() {
			return this.inUse == this.slots;
		}

		boolean unused() {
			return this.inUse == 0;
		}

	}

}
