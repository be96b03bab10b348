package io.github.memlock.nativeaccess;

/**
 * An {@code mprotect} access protection.
 *
 * @since 0.1.0
 */
public enum Protection {

	/** {@code PROT_NONE}: any access faults; used for guard pages. */
	NONE,

	/** {@code PROT_READ}. */
	READ,

	/** {@code PROT_READ|PROT_WRITE}. */
	READ_WRITE

}
