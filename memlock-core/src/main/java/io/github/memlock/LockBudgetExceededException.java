package io.github.memlock;

/**
 * Raised when storing a secret would need more locked memory than the budget allows:
 * {@code RLIMIT_MEMLOCK} minus what the process has locked already (unless
 * {@code CAP_IPC_LOCK} is effective), or the store's own maximum. Nothing already stored
 * is lost.
 *
 * @since 0.1.0
 */
public final class LockBudgetExceededException extends MemoryLockException {

	/**
	 * The remedy when the store's own maximum, not the kernel's limit, refused a request.
	 */
	static final String STORE_MAXIMUM_REMEDY = "Raise the store's maximum of locked bytes "
			+ "('memlock.max-locked-bytes', or LockedSecretStore.Builder.maxLockedBytes), "
			+ "or store fewer or smaller secrets";

	/**
	 * The words that end a degraded store's {@link StoreStatus#degradedReason() reason}
	 * when the store's own maximum, not {@code RLIMIT_MEMLOCK}, refused to lock more, so
	 * that a warning can name {@code memlock.max-locked-bytes} instead of the kernel's
	 * limit.
	 */
	public static final String STORE_MAXIMUM_REASON = "set by the store's maximum";

	private final long requestedBytes;

	private final long budgetBytes;

	private final boolean storeMaximum;

	/**
	 * Create an exception for a request that does not fit the locking budget.
	 * @param backendTried the backend the store uses
	 * @param requestedBytes the bytes that would have to be locked for the request
	 * @param budgetBytes the bytes that may still be locked
	 * @param limitSoft the soft {@code RLIMIT_MEMLOCK} in bytes
	 * @param limitHard the hard {@code RLIMIT_MEMLOCK} in bytes
	 * @param lockedBytes the bytes the process had locked ({@code VmLck})
	 * @param ipcLockCapability whether {@code CAP_IPC_LOCK} was effective
	 */
	public LockBudgetExceededException(Backend backendTried, long requestedBytes, long budgetBytes, long limitSoft,
			long limitHard, long lockedBytes, boolean ipcLockCapability) {
		this(backendTried, requestedBytes, budgetBytes, "the locked-memory limit", limitSoft, limitHard, lockedBytes,
				ipcLockCapability, false);
	}

	LockBudgetExceededException(Backend backendTried, long requestedBytes, long budgetBytes, String budgetSource,
			long limitSoft, long limitHard, long lockedBytes, boolean ipcLockCapability, boolean storeMaximum) {
		super("Cannot lock " + requestedBytes + " more bytes for secrets: only " + Math.max(budgetBytes, 0)
				+ " bytes are left under " + budgetSource, backendTried, null, null, limitSoft, limitHard, lockedBytes,
				ipcLockCapability, storeMaximum ? STORE_MAXIMUM_REMEDY : remedyFor(backendTried, null), null);
		this.requestedBytes = requestedBytes;
		this.budgetBytes = budgetBytes;
		this.storeMaximum = storeMaximum;
	}

	/**
	 * Return whether the store's own maximum of locked bytes refused the request, rather
	 * than the process's {@code RLIMIT_MEMLOCK}; raising the operating-system limit does
	 * not help then.
	 * @return whether the store's maximum was the binding limit
	 */
	public boolean exceedsStoreMaximum() {
		return this.storeMaximum;
	}

	/**
	 * Describe the refusal in one clause, for a degraded store's reason: the limits have
	 * fields of their own in the status, so they are not repeated here.
	 * @return the reason
	 */
	String reason() {
		return "locking " + this.requestedBytes + " more bytes would exceed the budget of "
				+ Math.max(this.budgetBytes, 0) + " bytes" + (this.storeMaximum ? " " + STORE_MAXIMUM_REASON : "");
	}

	/**
	 * Return the bytes that would have had to be locked for the request (whole pages).
	 * @return the requested bytes
	 */
	public long requestedBytes() {
		return this.requestedBytes;
	}

	/**
	 * Return the bytes that could still be locked when the request was refused.
	 * @return the remaining budget in bytes
	 */
	public long budgetBytes() {
		return this.budgetBytes;
	}

}
