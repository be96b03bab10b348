package io.github.memlock.nativeaccess;

/**
 * The soft and hard {@code RLIMIT_MEMLOCK} of the process, in bytes. {@link #UNLIMITED}
 * stands for {@code RLIM_INFINITY}.
 *
 * @param soft the soft limit ({@code rlim_cur}), the one the kernel enforces
 * @param hard the hard limit ({@code rlim_max}), the ceiling an unprivileged process may
 * raise its soft limit to
 * @since 0.1.0
 */
public record MemlockLimit(long soft, long hard) {

	/** The value that stands for {@code RLIM_INFINITY}. */
	public static final long UNLIMITED = Long.MAX_VALUE;

	/**
	 * Return whether the soft limit is {@code RLIM_INFINITY}.
	 * @return whether locking is not limited by the soft limit
	 */
	public boolean softUnlimited() {
		return this.soft == UNLIMITED;
	}

	/**
	 * Format a limit for people: bytes, or {@code unlimited}.
	 * @param limit a limit in bytes or {@link #UNLIMITED}
	 * @return the text
	 */
	public static String describe(long limit) {
		return (limit == UNLIMITED) ? "unlimited" : limit + " bytes";
	}

}
