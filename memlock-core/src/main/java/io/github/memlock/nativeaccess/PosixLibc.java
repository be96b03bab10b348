package io.github.memlock.nativeaccess;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The raw C functions that Linux and macOS share, bound once through the native linker.
 * Each method returns the C result unchanged; those that can fail take a call-state
 * segment into which the linker copies errno right after the call, on the calling thread,
 * before the JVM can run anything that would overwrite it. {@link PosixNativeMemory}
 * interprets the results.
 * <p>
 * {@code size_t}, {@code off_t} and {@code rlim_t} are bound as {@code long}: both
 * supported systems are 64-bit only here.
 */
final class PosixLibc {

	private static final Linker LINKER = Linker.nativeLinker();

	/** The layout of the per-call segment that receives errno. */
	static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();

	/** The layout of {@code struct rlimit}: {@code rlim_cur}, then {@code rlim_max}. */
	static final StructLayout RLIMIT = MemoryLayout.structLayout(JAVA_LONG.withName("rlim_cur"),
			JAVA_LONG.withName("rlim_max"));

	private static final VarHandle errno$vh = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

	private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

	private static final MethodHandle mmap$mh = downcall("mmap",
			FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));

	private static final MethodHandle munmap$mh = downcall("munmap",
			FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));

	private static final MethodHandle mlock$mh = downcall("mlock", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));

	private static final MethodHandle munlock$mh = downcall("munlock",
			FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));

	private static final MethodHandle madvise$mh = downcall("madvise",
			FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));

	private static final MethodHandle mprotect$mh = downcall("mprotect",
			FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));

	private static final MethodHandle getrlimit$mh = downcall("getrlimit",
			FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));

	private static final MethodHandle sysconf$mh = downcall("sysconf", FunctionDescriptor.of(JAVA_LONG, JAVA_INT));

	private static final MethodHandle ftruncate$mh = downcall("ftruncate",
			FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG));

	private static final MethodHandle close$mh = downcall("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));

	private static final MethodHandle strerror$mh = LINKER.downcallHandle(symbol("strerror"),
			FunctionDescriptor.of(ADDRESS, JAVA_INT));

	private PosixLibc() {
	}

	/**
	 * Bind a C function that sets errno on failure; the handle takes the call-state
	 * segment as its first argument.
	 * @param name the function name
	 * @param descriptor its C signature
	 * @param options further linker options, such as the first variadic argument
	 * @return the handle
	 */
	static MethodHandle downcall(String name, FunctionDescriptor descriptor, Linker.Option... options) {
		Linker.Option[] all = new Linker.Option[options.length + 1];
		all[0] = CAPTURE_ERRNO;
		System.arraycopy(options, 0, all, 1, options.length);
		return LINKER.downcallHandle(symbol(name), descriptor, all);
	}

	private static MemorySegment symbol(String name) {
		return LINKER.defaultLookup()
			.find(name)
			.orElseThrow(() -> new IllegalStateException("C library function '" + name + "' not found"));
	}

	/**
	 * Return the errno a call stored in its call-state segment.
	 * @param callState the segment given to the call
	 * @return the errno value
	 */
	static int errno(MemorySegment callState) {
		return (int) errno$vh.get(callState, 0L);
	}

	static MemorySegment mmap(MemorySegment callState, MemorySegment address, long length, int prot, int flags, int fd,
			long offset) {
		try {
			return (MemorySegment) mmap$mh.invokeExact(callState, address, length, prot, flags, fd, offset);
		}
		catch (Throwable ex) {
			throw unexpected(ex);
		}
	}

	static int munmap(MemorySegment callState, MemorySegment address, long length) {
		try {
			return (int) munmap$mh.invokeExact(callState, address, length);
		}
		catch (Throwable ex) {
			throw unexpected(ex);
		}
	}

	static int mlock(MemorySegment callState, MemorySegment address, long length) {
		try {
			return (int) mlock$mh.invokeExact(callState, address, length);
		}
		catch (Throwable ex) {
			throw unexpected(ex);
		}
	}

	static int munlock(MemorySegment callState, MemorySegment address, long length) {
		try {
			return (int) munlock$mh.invokeExact(callState, address, length);
		}
		catch (Throwable ex) {
			throw unexpected(ex);
		}
	}

	static int madvise(MemorySegment callState, MemorySegment address, long length, int advice) {
		try {
			return (int) madvise$mh.invokeExact(callState, address, length, advice);
		}
		catch (Throwable ex) {
			throw unexpected(ex);
		}
	}

	static int mprotect(MemorySegment callState, MemorySegment address, long length, int prot) {
		try {
			return (int) mprotect$mh.invokeExact(callState, address, length, prot);
		}
		catch (Throwable ex) {
			throw unexpected(ex);
		}
	}

	static int getrlimit(MemorySegment callState, int resource, MemorySegment rlimit) {
		try {
			return (int) getrlimit$mh.invokeExact(callState, resource, rlimit);
		}
		catch (Throwable ex) {
			throw unexpected(ex);
		}
	}

	static long sysconf(MemorySegment callState, int name) {
		try {
			return (long) sysconf$mh.invokeExact(callState, name);
		}
		catch (Throwable ex) {
			throw unexpected(ex);
		}
	}

	static int ftruncate(MemorySegment callState, int fd, long length) {
		try {
			return (int) ftruncate$mh.invokeExact(callState, fd, length);
		}
		catch (Throwable ex) {
			throw unexpected(ex);
		}
	}

	static int close(MemorySegment callState, int fd) {
		try {
			return (int) close$mh.invokeExact(callState, fd);
		}
		catch (Throwable ex) {
			throw unexpected(ex);
		}
	}

	/**
	 * Return {@code strerror(errno)}. Callers must only pass values the C library knows:
	 * glibc and musl then return a pointer into a constant table, which makes the call
	 * safe from any thread (the buffer that makes {@code strerror} unsafe in general is
	 * only written for unknown values). The GNU {@code strerror_r} would avoid the
	 * question but has an incompatible XSI twin under the same name on musl.
	 * @param errno a known errno value
	 * @return the description
	 */
	static String strerror(int errno) {
		try {
			MemorySegment text = (MemorySegment) strerror$mh.invokeExact(errno);
			return text.reinterpret(Long.MAX_VALUE).getString(0);
		}
		catch (Throwable ex) {
			throw unexpected(ex);
		}
	}

	/**
	 * Wrap what an exact invocation of a correctly typed handle cannot throw unless the
	 * JVM itself is in trouble.
	 * @param ex the throwable
	 * @return an error to throw
	 */
	static RuntimeException unexpected(Throwable ex) {
		if (ex instanceof RuntimeException runtime) {
			return runtime;
		}
		if (ex instanceof Error error) {
			throw error;
		}
		return new IllegalStateException("Native call failed unexpectedly", ex);
	}

}
