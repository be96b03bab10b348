package io.github.memlock.nativeaccess;

/**
 * The operating systems memlock knows, and what each supports.
 *
 * @since 0.1.0
 */
public enum Platform {

	/** Linux on x86-64: every call. */
	LINUX_X86_64,

	/** Linux on aarch64: every call. */
	LINUX_AARCH64,

	/**
	 * macOS: mapping, locking and protection; no dump exclusion, fork advice or secret
	 * memory.
	 */
	MACOS,

	/** Any other system: no call is available. */
	UNSUPPORTED;

	/**
	 * The system property that replaces platform detection with the named constant (for
	 * example {@code -Dmemlock.native.platform=UNSUPPORTED}). It is a test seam.
	 */
	public static final String OVERRIDE_PROPERTY = "memlock.native.platform";

}
