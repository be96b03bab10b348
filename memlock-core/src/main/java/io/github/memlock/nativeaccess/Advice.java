package io.github.memlock.nativeaccess;

/**
 * One {@code madvise} advice. The advice values are enumerations, not bit flags, so each
 * is given in a call of its own.
 *
 * @since 0.1.0
 */
public enum Advice {

	/** {@code MADV_DONTDUMP}: leave the region out of core dumps (Linux 3.4+). */
	DONT_DUMP,

	/** {@code MADV_DODUMP}: undo {@link #DONT_DUMP}. */
	DO_DUMP,

	/**
	 * {@code MADV_WIPEONFORK}: a forked child sees the region zero-filled (Linux 4.14+,
	 * private anonymous mappings only).
	 */
	WIPE_ON_FORK,

	/** {@code MADV_DONTFORK}: a forked child does not get the region at all. */
	DONT_FORK

}
