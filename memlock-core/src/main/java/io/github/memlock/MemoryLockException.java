package io.github.memlock;

import io.github.memlock.nativeaccess.MemlockLimit;
import org.jspecify.annotations.Nullable;

/**
 * Raised when a {@link LockedSecretStore} cannot lock memory for its secrets, or cannot
 * unmap it on {@link LockedSecretStore#close() close}. The message says what happened,
 * the process's {@code RLIMIT_MEMLOCK}, what it has locked already and what to do; it
 * never contains secret bytes.
 *
 * @since 0.1.0
 */
public class MemoryLockException extends RuntimeException {

	static final String LIMIT_REMEDY = "Raise the locked-memory limit (ulimit -l, systemd LimitMEMLOCK=, docker run "
			+ "--ulimit memlock=<bytes>:<bytes>, or the container runtime's memlock ulimit in Kubernetes), "
			+ "grant the process the IPC_LOCK capability (CAP_IPC_LOCK), or allow unlocked memory.";

	static final String MEMFD_SECRET_REMEDY = "Run on Linux 5.14 or later with secret memory enabled (boot "
			+ "parameter secretmem.enable=1 before Linux 6.5) and memfd_secret allowed by the seccomp profile, "
			+ "or use the mlock backend.";

	static final String PLATFORM_REMEDY = "Run on Linux or macOS, where memory can be locked, or allow unlocked "
			+ "memory.";

	private final Backend backendTried;

	private final @Nullable String call;

	private final @Nullable String errnoName;

	private final long limitSoft;

	private final long limitHard;

	private final long lockedBytes;

	private final boolean ipcLockCapability;

	private final String remedy;

	/**
	 * Create an exception for a failure to lock memory.
	 * @param problem what happened, for example {@code mlock failed: EPERM (Operation not
	 * permitted)}
	 * @param backendTried the backend that failed (the last one tried)
	 * @param call the native call that failed, or {@code null} when none did
	 * @param errnoName the errno name the call set, or {@code null} when there was none
	 * @param limitSoft the soft {@code RLIMIT_MEMLOCK} in bytes
	 * ({@link MemlockLimit#UNLIMITED} for infinity, {@code -1} when unknown)
	 * @param limitHard the hard {@code RLIMIT_MEMLOCK} in bytes
	 * ({@link MemlockLimit#UNLIMITED} for infinity, {@code -1} when unknown)
	 * @param lockedBytes the bytes the process had locked ({@code VmLck}) at the time
	 * @param ipcLockCapability whether {@code CAP_IPC_LOCK} was effective
	 * @param cause the underlying failure, or {@code null}
	 */
	public MemoryLockException(String problem, Backend backendTried, @Nullable String call, @Nullable String errnoName,
			long limitSoft, long limitHard, long lockedBytes, boolean ipcLockCapability, @Nullable Throwable cause) {
		this(problem, backendTried, call, errnoName, limitSoft, limitHard, lockedBytes, ipcLockCapability,
				remedyFor(backendTried, errnoName), cause);
	}

	MemoryLockException(String problem, Backend backendTried, @Nullable String call, @Nullable String errnoName,
			long limitSoft, long limitHard, long lockedBytes, boolean ipcLockCapability, String remedy,
			@Nullable Throwable cause) {
		super(problem + "; " + facts(limitSoft, limitHard, lockedBytes, ipcLockCapability) + ". " + remedy, cause);
		this.backendTried = backendTried;
		this.call = call;
		this.errnoName = errnoName;
		this.limitSoft = limitSoft;
		this.limitHard = limitHard;
		this.lockedBytes = lockedBytes;
		this.ipcLockCapability = ipcLockCapability;
		this.remedy = remedy;
	}

	/**
	 * Return the backend that failed (the last one tried).
	 * @return the backend
	 */
	public Backend backendTried() {
		return this.backendTried;
	}

	/**
	 * Return the native call that failed, such as {@code mlock}.
	 * @return the call, or {@code null} when the failure was not a native call (for
	 * example a budget check)
	 */
	public @Nullable String call() {
		return this.call;
	}

	/**
	 * Return the errno name the failed call set, such as {@code EPERM}.
	 * @return the errno name, or {@code null} when there was none
	 */
	public @Nullable String errnoName() {
		return this.errnoName;
	}

	/**
	 * Return the soft {@code RLIMIT_MEMLOCK} at the time of the failure.
	 * @return the limit in bytes, {@link MemlockLimit#UNLIMITED} for infinity, {@code -1}
	 * when unknown
	 */
	public long limitSoft() {
		return this.limitSoft;
	}

	/**
	 * Return the hard {@code RLIMIT_MEMLOCK} at the time of the failure.
	 * @return the limit in bytes, {@link MemlockLimit#UNLIMITED} for infinity, {@code -1}
	 * when unknown
	 */
	public long limitHard() {
		return this.limitHard;
	}

	/**
	 * Return the bytes the process had locked ({@code VmLck}) at the time of the failure.
	 * @return the locked bytes
	 */
	public long lockedBytes() {
		return this.lockedBytes;
	}

	/**
	 * Return whether {@code CAP_IPC_LOCK} was effective at the time of the failure.
	 * @return whether the capability was effective
	 */
	public boolean ipcLockCapability() {
		return this.ipcLockCapability;
	}

	/**
	 * Return what an operator can do about the failure, in one or two sentences.
	 * @return the remedy
	 */
	public String remedy() {
		return this.remedy;
	}

	static String facts(long limitSoft, long limitHard, long lockedBytes, boolean ipcLockCapability) {
		return "RLIMIT_MEMLOCK soft " + describeLimit(limitSoft) + ", hard " + describeLimit(limitHard)
				+ "; the process has " + lockedBytes + " bytes locked (VmLck); CAP_IPC_LOCK is "
				+ (ipcLockCapability ? "effective" : "not effective");
	}

	static String describeLimit(long limit) {
		return (limit < 0) ? "unknown" : MemlockLimit.describe(limit);
	}

	static String remedyFor(Backend backendTried, @Nullable String errnoName) {
		if (errnoName == null || isLimitErrno(errnoName)) {
			return LIMIT_REMEDY;
		}
		return (backendTried == Backend.MEMFD_SECRET) ? MEMFD_SECRET_REMEDY : PLATFORM_REMEDY;
	}

	private static boolean isLimitErrno(@Nullable String errnoName) {
		return "EPERM".equals(errnoName) || "ENOMEM".equals(errnoName) || "EAGAIN".equals(errnoName);
	}

}
