package io.github.memlock.nativeaccess;

/**
 * The base of the failures of native memory calls.
 *
 * @since 0.1.0
 */
public abstract sealed class NativeMemoryException extends RuntimeException
		permits NativeCallException, UnsupportedNativeCallException {

	private final String call;

	NativeMemoryException(String call, String message) {
		super(message);
		this.call = call;
	}

	/**
	 * Return the name of the C function that failed, such as {@code mlock}.
	 * @return the call name
	 */
	public String call() {
		return this.call;
	}

}
