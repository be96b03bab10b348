package io.github.memlock.nativeaccess;

/**
 * Raised when the platform does not offer a call at all, as opposed to the call failing
 * with an errno.
 *
 * @since 0.1.0
 */
public final class UnsupportedNativeCallException extends NativeMemoryException {

	private final Platform platform;

	/**
	 * Create an exception for a call the platform does not offer.
	 * @param call the C function name
	 * @param platform the platform that lacks it
	 */
	public UnsupportedNativeCallException(String call, Platform platform) {
		super(call, call + " is not supported on " + platform);
		this.platform = platform;
	}

	/**
	 * Return the platform that lacks the call.
	 * @return the platform
	 */
	public Platform platform() {
		return this.platform;
	}

}
