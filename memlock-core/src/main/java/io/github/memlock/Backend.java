package io.github.memlock;

/**
 * The kind of memory a {@link LockedSecretStore} keeps its secrets in, strongest first.
 *
 * @since 0.1.0
 */
public enum Backend {

	/**
	 * Pages from {@code memfd_secret(2)}: removed from the kernel's direct map, locked,
	 * excluded from core dumps and not copied into forked children (Linux 5.14+, when the
	 * kernel enables secret memory).
	 */
	MEMFD_SECRET("memfd-secret"),

	/**
	 * Private anonymous pages locked with {@code mlock(2)}, excluded from core dumps and
	 * wiped in forked children.
	 */
	MLOCK("mlock"),

	/**
	 * Private anonymous pages that are not locked: still off-heap, zeroized on removal
	 * and excluded from core dumps where the platform allows it, but they may be swapped.
	 */
	UNLOCKED("unlocked");

	private final String id;

	Backend(String id) {
		this.id = id;
	}

	/**
	 * Return the identifier of the backend as used in configuration, metric tags and
	 * health details ({@code memfd-secret}, {@code mlock} or {@code unlocked}).
	 * @return the identifier
	 */
	public String id() {
		return this.id;
	}

	/**
	 * Return the backend with the given identifier.
	 * @param id an identifier as returned by {@link #id()}
	 * @return the backend
	 * @throws IllegalArgumentException if no backend has that identifier
	 */
	public static Backend fromId(String id) {
		for (Backend backend : values()) {
			if (backend.id.equals(id)) {
				return backend;
			}
		}
		throw new IllegalArgumentException("'backend' must be one of memfd-secret, mlock, unlocked");
	}

}
