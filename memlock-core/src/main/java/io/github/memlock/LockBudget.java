package io.github.memlock;

import io.github.memlock.nativeaccess.MemlockLimit;
import io.github.memlock.nativeaccess.NativeCallException;
import io.github.memlock.nativeaccess.NativeMemory;
import io.github.memlock.nativeaccess.NativeMemoryException;
import io.github.memlock.nativeaccess.ProcFs;
import io.github.memlock.nativeaccess.UnsupportedNativeCallException;

/**
 * Decides how much more memory a store may lock and describes failures to lock with the
 * limits in force: the soft {@code RLIMIT_MEMLOCK} minus what the process has locked
 * ({@code VmLck}), unless {@code CAP_IPC_LOCK} is effective, and the store's own maximum.
 */
final class LockBudget {

	/**
	 * The maximum when the limit does not bound locking: infinite or lifted by the
	 * capability.
	 */
	static final long DEFAULT_MAX_LOCKED_BYTES = 64L * 1024 * 1024;

	private final NativeMemory nativeMemory;

	private final long maxLockedBytes;

	private final boolean maxConfigured;

	/**
	 * Create a budget.
	 * @param nativeMemory the native calls
	 * @param maxLockedBytes the store's maximum, or {@code 0} or less to derive it from
	 * the limit
	 */
	LockBudget(NativeMemory nativeMemory, long maxLockedBytes) {
		this.nativeMemory = nativeMemory;
		this.maxConfigured = maxLockedBytes > 0;
		this.maxLockedBytes = this.maxConfigured ? maxLockedBytes : derivedMaximum();
	}

	private long derivedMaximum() {
		MemlockLimit limit = limit();
		if (limit.softUnlimited() || limit.soft() < 0 || ipcLockEffective()) {
			return DEFAULT_MAX_LOCKED_BYTES;
		}
		return Math.max(limit.soft() - lockedBytes(), 0);
	}

	long maxLockedBytes() {
		return this.maxLockedBytes;
	}

	/**
	 * Return the process's {@code RLIMIT_MEMLOCK}, or {@code -1} for both values when the
	 * platform cannot tell.
	 * @return the limit
	 */
	MemlockLimit limit() {
		try {
			return this.nativeMemory.memlockLimit();
		}
		catch (NativeMemoryException ex) {
			return new MemlockLimit(-1, -1);
		}
	}

	boolean ipcLockEffective() {
		return ProcFs.self().ipcLockEffective();
	}

	long lockedBytes() {
		return ProcFs.self().lockedBytes();
	}

	/**
	 * Check that the configured maximum allows a one-page arena of a backend. The limit
	 * itself is left to the kernel here, so that a probe failing on it reports the errno
	 * the kernel gave.
	 * @param provider the provider of the arena
	 * @throws LockBudgetExceededException if the configured maximum is too small
	 */
	void checkProbe(ArenaProvider provider) {
		long needed = provider.chargedBytes(1);
		if (this.maxConfigured && needed > this.maxLockedBytes) {
			MemlockLimit limit = limit();
			throw new LockBudgetExceededException(provider.backend(), needed, this.maxLockedBytes, storeMaximum(),
					limit.soft(), limit.hard(), lockedBytes(), ipcLockEffective(), true);
		}
	}

	private String storeMaximum() {
		return "the store's maximum of " + this.maxLockedBytes + " locked bytes";
	}

	/**
	 * Check that a store that has locked {@code storeLocked} bytes may lock a new arena,
	 * and return how many pages it may have.
	 * @param provider the provider of the arena, which knows what it charges
	 * @param neededPages the pages the request needs
	 * @param wantedPages the pages the arena would have if the budget allowed
	 * @param storeLocked the bytes the store has locked already
	 * @return the pages for the arena, between {@code neededPages} and
	 * {@code wantedPages}
	 * @throws LockBudgetExceededException if not even {@code neededPages} fit
	 */
	int fit(ArenaProvider provider, int neededPages, int wantedPages, long storeLocked) {
		return fitWithin(provider, neededPages, wantedPages, this.maxLockedBytes - storeLocked);
	}

	/**
	 * Check that a short-lived arena, such as a bounce buffer, fits under
	 * {@code RLIMIT_MEMLOCK}. The store's maximum bounds what the store keeps, so it does
	 * not apply.
	 * @param provider the provider of the arena
	 * @param pages the arena's pages
	 * @throws LockBudgetExceededException if the arena does not fit
	 */
	void checkTransient(ArenaProvider provider, int pages) {
		fitWithin(provider, pages, pages, Long.MAX_VALUE);
	}

	private int fitWithin(ArenaProvider provider, int neededPages, int wantedPages, long storeLeft) {
		boolean ipcLock = ipcLockEffective();
		MemlockLimit limit = limit();
		boolean limited = !ipcLock && !limit.softUnlimited() && limit.soft() >= 0;
		long locked = lockedBytes();
		long processLeft = limited ? limit.soft() - locked : Long.MAX_VALUE;
		long left = Math.min(storeLeft, processLeft);
		long needed = provider.chargedBytes(neededPages);
		if (needed > left) {
			boolean storeBound = storeLeft < processLeft;
			String source = storeBound ? storeMaximum()
					: "RLIMIT_MEMLOCK (the soft limit minus what the process has locked)";
			throw new LockBudgetExceededException(provider.backend(), needed, left, source, limit.soft(), limit.hard(),
					locked, ipcLock, storeBound);
		}
		int pages = wantedPages;
		while (pages > neededPages && provider.chargedBytes(pages) > left) {
			pages--;
		}
		return pages;
	}

	/**
	 * Describe a failed native call of a backend as a {@link MemoryLockException} with
	 * the limits in force.
	 * @param backend the backend
	 * @param ex the failure
	 * @return the exception
	 */
	MemoryLockException failure(Backend backend, NativeMemoryException ex) {
		MemlockLimit limit = limit();
		String errnoName = (ex instanceof NativeCallException call) ? call.errnoName() : null;
		String remedy = (ex instanceof UnsupportedNativeCallException) ? ((backend == Backend.MEMFD_SECRET)
				? MemoryLockException.MEMFD_SECRET_REMEDY : MemoryLockException.PLATFORM_REMEDY)
				: MemoryLockException.remedyFor(backend, errnoName);
		return new MemoryLockException(backend.id() + " backend: " + ex.getMessage(), backend, ex.call(), errnoName,
				limit.soft(), limit.hard(), lockedBytes(), ipcLockEffective(), remedy, ex);
	}

	/**
	 * Describe a failure that is not a native call's, such as a mapping the kernel did
	 * not lock, as a {@link MemoryLockException} with the limits in force.
	 * @param backend the backend
	 * @param problem what happened
	 * @return the exception
	 */
	MemoryLockException failure(Backend backend, String problem) {
		MemlockLimit limit = limit();
		return new MemoryLockException(backend.id() + " backend: " + problem, backend, null, null, limit.soft(),
				limit.hard(), lockedBytes(), ipcLockEffective(), MemoryLockException.remedyFor(backend, "unlocked"),
				null);
	}

}
