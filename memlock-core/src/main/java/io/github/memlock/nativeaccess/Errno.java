package io.github.memlock.nativeaccess;

import java.util.HashMap;
import java.util.Map;

/**
 * Symbolic errno names, which C only offers as macros, so they are tabled here.
 * <p>
 * Linux numbers come from {@code asm-generic/errno-base.h} and
 * {@code asm-generic/errno.h} (shared by x86-64 and aarch64); macOS numbers from
 * {@code sys/errno.h}, which agrees with Linux up to 34 except for 11 and differs above.
 * The Linux table also holds the glibc message of each value, used when a description is
 * needed without a native call ({@link NativeCallException#of(String, int)}).
 */
final class Errno {

	private static final Map<Integer, String> LINUX_NAMES = new HashMap<>();

	private static final Map<Integer, String> LINUX_MESSAGES = new HashMap<>();

	private static final Map<Integer, String> MACOS_NAMES = new HashMap<>();

	static {
		linux(1, "EPERM", "Operation not permitted");
		linux(2, "ENOENT", "No such file or directory");
		linux(3, "ESRCH", "No such process");
		linux(4, "EINTR", "Interrupted system call");
		linux(5, "EIO", "Input/output error");
		linux(6, "ENXIO", "No such device or address");
		linux(7, "E2BIG", "Argument list too long");
		linux(8, "ENOEXEC", "Exec format error");
		linux(9, "EBADF", "Bad file descriptor");
		linux(10, "ECHILD", "No child processes");
		linux(11, "EAGAIN", "Resource temporarily unavailable");
		linux(12, "ENOMEM", "Cannot allocate memory");
		linux(13, "EACCES", "Permission denied");
		linux(14, "EFAULT", "Bad address");
		linux(15, "ENOTBLK", "Block device required");
		linux(16, "EBUSY", "Device or resource busy");
		linux(17, "EEXIST", "File exists");
		linux(18, "EXDEV", "Invalid cross-device link");
		linux(19, "ENODEV", "No such device");
		linux(20, "ENOTDIR", "Not a directory");
		linux(21, "EISDIR", "Is a directory");
		linux(22, "EINVAL", "Invalid argument");
		linux(23, "ENFILE", "Too many open files in system");
		linux(24, "EMFILE", "Too many open files");
		linux(25, "ENOTTY", "Inappropriate ioctl for device");
		linux(26, "ETXTBSY", "Text file busy");
		linux(27, "EFBIG", "File too large");
		linux(28, "ENOSPC", "No space left on device");
		linux(29, "ESPIPE", "Illegal seek");
		linux(30, "EROFS", "Read-only file system");
		linux(31, "EMLINK", "Too many links");
		linux(32, "EPIPE", "Broken pipe");
		linux(33, "EDOM", "Numerical argument out of domain");
		linux(34, "ERANGE", "Numerical result out of range");
		linux(38, "ENOSYS", "Function not implemented");
		linux(75, "EOVERFLOW", "Value too large for defined data type");
		linux(95, "EOPNOTSUPP", "Operation not supported");
		MACOS_NAMES.putAll(LINUX_NAMES);
		MACOS_NAMES.keySet().removeIf((errno) -> errno > 34);
		MACOS_NAMES.put(11, "EDEADLK");
		MACOS_NAMES.put(35, "EAGAIN");
		MACOS_NAMES.put(45, "ENOTSUP");
		MACOS_NAMES.put(78, "ENOSYS");
		MACOS_NAMES.put(84, "EOVERFLOW");
		MACOS_NAMES.put(102, "EOPNOTSUPP");
	}

	private Errno() {
	}

	private static void linux(int errno, String name, String message) {
		LINUX_NAMES.put(errno, name);
		LINUX_MESSAGES.put(errno, message);
	}

	/**
	 * Return the Linux name of an errno value.
	 * @param errno the value
	 * @return the name, or {@code errno <n>} when it is not in the table
	 */
	static String linuxName(int errno) {
		return LINUX_NAMES.getOrDefault(errno, unknownName(errno));
	}

	/**
	 * Return whether an errno value is in the Linux table.
	 * @param errno the value
	 * @return whether it has a name
	 */
	static boolean isKnownOnLinux(int errno) {
		return LINUX_NAMES.containsKey(errno);
	}

	/**
	 * Return the glibc message of a Linux errno value.
	 * @param errno the value
	 * @return the message, or {@code Unknown error <n>} as glibc says for such values
	 */
	static String linuxMessage(int errno) {
		return LINUX_MESSAGES.getOrDefault(errno, unknownMessage(errno));
	}

	/**
	 * Return the macOS name of an errno value.
	 * @param errno the value
	 * @return the name, or {@code errno <n>} when it is not in the table
	 */
	static String macOsName(int errno) {
		return MACOS_NAMES.getOrDefault(errno, unknownName(errno));
	}

	static String unknownName(int errno) {
		return "errno " + errno;
	}

	static String unknownMessage(int errno) {
		return "Unknown error " + errno;
	}

}
