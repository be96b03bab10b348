package io.github.memlock.nativeaccess;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The calls on macOS: mapping, locking, protection and limits work; macOS has no
 * {@code MADV_DONTDUMP}, {@code MADV_WIPEONFORK} or {@code MADV_DONTFORK} equivalent and
 * no {@code memfd_secret}, so those raise {@link UnsupportedNativeCallException}.
 * <p>
 * Note: the constants come from the macOS SDK headers named on each; they cannot be
 * exercised by the tests, which run on Linux.
 */
final class MacOsNativeMemory extends PosixNativeMemory {

	/** {@code MAP_ANON} ({@code sys/mman.h}). */
	static final int MAP_ANON = 0x1000;

	/** {@code _SC_PAGESIZE} ({@code unistd.h}). */
	static final int SC_PAGESIZE = 29;

	/** {@code RLIMIT_MEMLOCK} ({@code sys/resource.h}). */
	static final int RLIMIT_MEMLOCK = 6;

	/** {@code RLIM_INFINITY}: {@code 2^63 - 1} ({@code sys/resource.h}). */
	static final long RLIM_INFINITY = Long.MAX_VALUE;

	private static final int STRERROR_BUFFER = 128;

	// macOS strerror always writes into one static buffer, so the XSI strerror_r (int
	// result, caller's buffer) is used instead.
	private static final MethodHandle strerror_r$mh = PosixLibc.downcall("strerror_r",
			FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_LONG));

	MacOsNativeMemory() {
		super(Platform.MACOS);
	}

	@Override
	public int memfdSecret() {
		throw new UnsupportedNativeCallException("memfd_secret", platform());
	}

	@Override
	int madvise(Advice advice) {
		throw new UnsupportedNativeCallException("madvise", platform());
	}

	@Override
	int mapAnonymous() {
		return MAP_ANON;
	}

	@Override
	int scPageSize() {
		return SC_PAGESIZE;
	}

	@Override
	int rlimitMemlock() {
		return RLIMIT_MEMLOCK;
	}

	@Override
	long rlimInfinity() {
		return RLIM_INFINITY;
	}

	@Override
	String errnoName(int errno) {
		return Errno.macOsName(errno);
	}

	@Override
	String describe(int errno) {
		try (Arena arena = Arena.ofConfined()) {
			MemorySegment state = arena.allocate(PosixLibc.CALL_STATE);
			MemorySegment buffer = arena.allocate(STRERROR_BUFFER);
			int result = (int) strerror_r$mh.invokeExact(state, errno, buffer, (long) STRERROR_BUFFER);
			return (result == 0) ? buffer.getString(0) : Errno.unknownMessage(errno);
		}
		catch (Throwable ex) {
			throw PosixLibc.unexpected(ex);
		}
	}

}
