package io.github.memlock.nativeaccess;

/**
 * Raised when a native call returns failure; carries the call, the errno that call set
 * (captured right after it, per thread), the errno's symbolic name and its
 * {@code strerror} text.
 *
 * @since 0.1.0
 */
public final class NativeCallException extends NativeMemoryException {

	private final int errno;

	private final String errnoName;

	private final String strerror;

	/**
	 * Create an exception for a failed call.
	 * @param call the C function name, such as {@code mlock}
	 * @param errno the errno value the call set
	 * @param errnoName the symbolic name, such as {@code ENOMEM}
	 * @param strerror the system's description of the errno
	 */
	public NativeCallException(String call, int errno, String errnoName, String strerror) {
		super(call, call + " failed: " + errnoName + " (" + strerror + ")");
		this.errno = errno;
		this.errnoName = errnoName;
		this.strerror = strerror;
	}

	/**
	 * Create an exception for a call failing with a Linux errno value, naming and
	 * describing it as glibc does; meant for decorators of {@link NativeMemory} that
	 * inject failures in tests.
	 * @param call the C function name, such as {@code mlock}
	 * @param errno the Linux errno value, such as {@code 12} for {@code ENOMEM}
	 * @return the exception
	 */
	public static NativeCallException of(String call, int errno) {
		return new NativeCallException(call, errno, Errno.linuxName(errno), Errno.linuxMessage(errno));
	}

	/**
	 * Return the errno value the call set.
	 * @return the errno
	 */
	public int errno() {
		return this.errno;
	}

	/**
	 * Return the symbolic errno name, such as {@code EPERM}, or {@code errno <n>} for a
	 * value without a known name.
	 * @return the errno name
	 */
	public String errnoName() {
		return this.errnoName;
	}

	/**
	 * Return the system's description of the errno ({@code strerror}).
	 * @return the description
	 */
	public String strerror() {
		return this.strerror;
	}

}
