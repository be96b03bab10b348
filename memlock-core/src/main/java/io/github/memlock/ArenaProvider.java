package io.github.memlock;

import java.lang.foreign.MemorySegment;
import java.util.Optional;
import java.util.Set;

import io.github.memlock.nativeaccess.Advice;
import io.github.memlock.nativeaccess.NativeMemory;
import io.github.memlock.nativeaccess.NativeMemoryException;
import io.github.memlock.nativeaccess.ProcFs;
import io.github.memlock.nativeaccess.Protection;
import io.github.memlock.nativeaccess.UnsupportedNativeCallException;

/**
 * Creates and releases the arenas of one backend, and knows what each costs in locked
 * memory.
 * <ul>
 * <li>{@code memfd-secret}: {@code memfd_secret}, {@code ftruncate}, a shared mapping,
 * {@code MADV_DONTDUMP} and, with wipe on fork, {@code MADV_DONTFORK}. The kernel locks a
 * secret memory mapping itself when it maps it and charges the whole mapping to
 * {@code RLIMIT_MEMLOCK} ({@code mmap} fails with {@code EAGAIN} beyond it), so the
 * mapping covers the data pages only and the guard pages are an unlocked
 * {@code PROT_NONE} reservation around it; an explicit {@code mlock} of such pages fails
 * on current kernels because they cannot be pinned, so none is made and the kernel's
 * {@code lo} flag is checked instead.</li>
 * <li>{@code mlock}: a private anonymous mapping whose data pages are locked, with
 * {@code MADV_DONTDUMP} and, with wipe on fork, {@code MADV_WIPEONFORK}. Guard pages are
 * not locked and cost nothing.</li>
 * <li>{@code unlocked}: the same mapping without the lock; where the platform cannot map
 * memory at all, plain off-heap memory without guard pages.</li>
 * </ul>
 */
final class ArenaProvider {

	private final NativeMemory nativeMemory;

	private final Backend backend;

	private final boolean guardPages;

	private final boolean wipeOnFork;

	private final long pageSize;

	private final LockBudget budget;

	ArenaProvider(NativeMemory nativeMemory, Backend backend, boolean guardPages, boolean wipeOnFork, long pageSize,
			LockBudget budget) {
		this.nativeMemory = nativeMemory;
		this.backend = backend;
		this.guardPages = guardPages;
		this.wipeOnFork = wipeOnFork;
		this.pageSize = pageSize;
		this.budget = budget;
	}

	Backend backend() {
		return this.backend;
	}

	/**
	 * Return the bytes an arena of the given size adds to the process's locked memory.
	 * @param pages the data pages of the arena
	 * @return the locked bytes it costs
	 */
	long chargedBytes(int pages) {
		return switch (this.backend) {
			case MEMFD_SECRET, MLOCK -> pages * this.pageSize;
			case UNLOCKED -> 0;
		};
	}

	/**
	 * Create an arena.
	 * @param pages the number of data pages
	 * @return the arena
	 * @throws MemoryLockException if the backend cannot provide it
	 */
	SecretArena create(int pages) {
		long guard = this.guardPages ? this.pageSize : 0;
		long dataSize = pages * this.pageSize;
		long total = dataSize + 2 * guard;
		return switch (this.backend) {
			case MEMFD_SECRET -> createSecretMemory(total, guard, dataSize);
			case MLOCK -> createLocked(total, guard, dataSize);
			case UNLOCKED -> createUnlocked(total, guard, dataSize);
		};
	}

	private SecretArena createSecretMemory(long total, long guard, long dataSize) {
		// The secret mapping covers the data pages only, placed inside a PROT_NONE
		// reservation whose ends are the guard pages: the kernel locks and charges every
		// page of a secret memory mapping, but reserved address space costs nothing.
		MemorySegment mapping = reserve(total);
		try {
			MemorySegment data = mapSecretMemory(mapping.asSlice(guard, dataSize));
			adviseIfPossible(data, Advice.DONT_DUMP);
			if (this.wipeOnFork) {
				adviseIfPossible(data, Advice.DONT_FORK);
			}
			Optional<Set<String>> flags = flags(data);
			if (flags.isPresent() && !flags.get().contains("lo")) {
				throw this.budget.failure(this.backend, "the kernel did not lock the secret memory mapping");
			}
			return arena(mapping, data, dataSize, flags);
		}
		catch (NativeMemoryException ex) {
			this.nativeMemory.unmap(mapping);
			throw this.budget.failure(this.backend, ex);
		}
		catch (RuntimeException ex) {
			this.nativeMemory.unmap(mapping);
			throw ex;
		}
	}

	private MemorySegment reserve(long total) {
		try {
			return this.nativeMemory.reserve(total);
		}
		catch (NativeMemoryException ex) {
			throw this.budget.failure(this.backend, ex);
		}
	}

	private MemorySegment mapSecretMemory(MemorySegment placement) {
		int fd = this.nativeMemory.memfdSecret();
		try {
			this.nativeMemory.truncate(fd, placement.byteSize());
			return this.nativeMemory.mapSharedAt(placement, fd);
		}
		finally {
			closeDescriptor(fd);
		}
	}

	private void closeDescriptor(int fd) {
		try {
			this.nativeMemory.close(fd);
		}
		catch (NativeMemoryException ex) {
			// The mapping keeps the memory alive without the descriptor, and Linux
			// releases
			// the descriptor even when close reports an error, so there is nothing to
			// undo.
		}
	}

	private SecretArena createLocked(long total, long guard, long dataSize) {
		MemorySegment mapping = mapAnonymous(total);
		try {
			protectGuards(mapping, guard);
			MemorySegment data = mapping.asSlice(guard, dataSize);
			this.nativeMemory.lock(data);
			adviseIfPossible(data, Advice.DONT_DUMP);
			if (this.wipeOnFork) {
				adviseIfPossible(data, Advice.WIPE_ON_FORK);
			}
			return arena(mapping, data, dataSize, flags(data));
		}
		catch (NativeMemoryException ex) {
			this.nativeMemory.unmap(mapping);
			throw this.budget.failure(this.backend, ex);
		}
	}

	private SecretArena createUnlocked(long total, long guard, long dataSize) {
		MemorySegment mapping;
		try {
			mapping = this.nativeMemory.mapAnonymous(total);
		}
		catch (UnsupportedNativeCallException ex) {
			return allocateOffHeap(dataSize);
		}
		catch (NativeMemoryException ex) {
			throw this.budget.failure(this.backend, ex);
		}
		try {
			protectGuards(mapping, guard);
			MemorySegment data = mapping.asSlice(guard, dataSize);
			adviseIfPossible(data, Advice.DONT_DUMP);
			if (this.wipeOnFork) {
				adviseIfPossible(data, Advice.WIPE_ON_FORK);
			}
			return arena(mapping, data, 0, flags(data));
		}
		catch (NativeMemoryException ex) {
			this.nativeMemory.unmap(mapping);
			throw this.budget.failure(this.backend, ex);
		}
	}

	private SecretArena allocateOffHeap(long dataSize) {
		// Without mmap there are no guard pages and no advice, but the secret still lives
		// off the Java heap, where the garbage collector neither copies nor leaves it.
		java.lang.foreign.Arena allocation = java.lang.foreign.Arena.ofShared();
		MemorySegment data = allocation.allocate(dataSize, this.pageSize);
		return new SecretArena(data, data, this.pageSize, this.backend, 0, false, false, allocation);
	}

	private MemorySegment mapAnonymous(long total) {
		try {
			return this.nativeMemory.mapAnonymous(total);
		}
		catch (NativeMemoryException ex) {
			throw this.budget.failure(this.backend, ex);
		}
	}

	private void protectGuards(MemorySegment mapping, long guard) {
		if (guard > 0) {
			this.nativeMemory.protect(mapping.asSlice(0, guard), Protection.NONE);
			this.nativeMemory.protect(mapping.asSlice(mapping.byteSize() - guard, guard), Protection.NONE);
		}
	}

	private void adviseIfPossible(MemorySegment region, Advice advice) {
		try {
			this.nativeMemory.advise(region, advice);
		}
		catch (NativeMemoryException ex) {
			// Dump exclusion and fork advice are defence in depth; a kernel or platform
			// without them still locks, and the status reports the flags the kernel
			// shows.
		}
	}

	private Optional<Set<String>> flags(MemorySegment data) {
		try {
			return ProcFs.self().vmFlags(data.address());
		}
		catch (RuntimeException ex) {
			// smaps could not be read: report the flags as absent rather than guess.
			return Optional.empty();
		}
	}

	private SecretArena arena(MemorySegment mapping, MemorySegment data, long charged, Optional<Set<String>> flags) {
		boolean dumpExcluded = flags.map((set) -> set.contains("dd")).orElse(false);
		boolean wipeOnFork = flags.map((set) -> set.contains("wf") || set.contains("dc")).orElse(false);
		return new SecretArena(mapping, data, this.pageSize, this.backend, charged, dumpExcluded, wipeOnFork, null);
	}

	/**
	 * Zeroize, unlock and unmap an arena. Only called once no slot of the arena holds a
	 * secret and no reader can reach it.
	 * @param arena the arena
	 * @throws NativeMemoryException if {@code munmap} fails; the arena is then
	 * zero-filled and still mapped
	 */
	void release(SecretArena arena) {
		arena.data().fill((byte) 0);
		java.lang.foreign.Arena allocation = arena.allocation();
		if (allocation != null) {
			allocation.close();
			return;
		}
		if (this.backend == Backend.MLOCK) {
			unlockIfPossible(arena.data());
		}
		// munmap also drops the kernel's own lock of a secret memory mapping.
		this.nativeMemory.unmap(arena.mapping());
	}

	private void unlockIfPossible(MemorySegment data) {
		try {
			this.nativeMemory.unlock(data);
		}
		catch (NativeMemoryException ex) {
			// munmap, which follows, removes the lock of every page it unmaps (mlock(2)),
			// so a failed munlock must not keep the arena mapped and locked.
		}
	}

}
