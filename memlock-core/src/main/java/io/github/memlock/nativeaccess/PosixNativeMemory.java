package io.github.memlock.nativeaccess;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The calls as Linux and macOS make them, through {@link PosixLibc}: results checked,
 * errno turned into a {@link NativeCallException}. Subclasses supply the constants and
 * errno names that differ between the two systems.
 * <p>
 * The errno of each call is captured into a segment of a confined arena opened for that
 * call alone, so concurrent calls never share the buffer.
 */
abstract sealed class PosixNativeMemory implements NativeMemory permits LinuxNativeMemory, MacOsNativeMemory {

	/** {@code PROT_NONE}, the same on Linux and macOS. */
	static final int PROT_NONE = 0x0;

	/** {@code PROT_READ}, the same on Linux and macOS. */
	static final int PROT_READ = 0x1;

	/** {@code PROT_WRITE}, the same on Linux and macOS. */
	static final int PROT_WRITE = 0x2;

	/** {@code MAP_SHARED}, the same on Linux and macOS. */
	static final int MAP_SHARED = 0x01;

	/** {@code MAP_PRIVATE}, the same on Linux and macOS. */
	static final int MAP_PRIVATE = 0x02;

	/** {@code MAP_FIXED}, the same on Linux and macOS. */
	static final int MAP_FIXED = 0x10;

	/**
	 * {@code MAP_FAILED}, the address {@code mmap} returns on failure
	 * ({@code (void *) -1}).
	 */
	private static final long MAP_FAILED = -1L;

	private final Platform platform;

	private volatile long pageSize;

	PosixNativeMemory(Platform platform) {
		this.platform = platform;
	}

	@Override
	public Platform platform() {
		return this.platform;
	}

	@Override
	public long pageSize() {
		long size = this.pageSize;
		if (size == 0) {
			size = callLong("sysconf", (state) -> PosixLibc.sysconf(state, scPageSize()));
			this.pageSize = size;
		}
		return size;
	}

	@Override
	public MemorySegment mapAnonymous(long length) {
		return map(length, MAP_PRIVATE | mapAnonymous(), -1);
	}

	@Override
	public MemorySegment mapShared(int fd, long length) {
		return map(length, MAP_SHARED, fd);
	}

	@Override
	public MemorySegment reserve(long length) {
		return map(MemorySegment.NULL, length, PROT_NONE, MAP_PRIVATE | mapAnonymous(), -1);
	}

	@Override
	public MemorySegment mapSharedAt(MemorySegment placement, int fd) {
		return map(placement, placement.byteSize(), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd);
	}

	private MemorySegment map(long length, int flags, int fd) {
		return map(MemorySegment.NULL, length, PROT_READ | PROT_WRITE, flags, fd);
	}

	private MemorySegment map(MemorySegment hint, long length, int prot, int flags, int fd) {
		try (Arena arena = Arena.ofConfined()) {
			MemorySegment state = arena.allocate(PosixLibc.CALL_STATE);
			MemorySegment address = PosixLibc.mmap(state, hint, length, prot, flags, fd, 0);
			if (address.address() == MAP_FAILED) {
				throw failure("mmap", PosixLibc.errno(state));
			}
			return address.reinterpret(length);
		}
	}

	@Override
	public void unmap(MemorySegment region) {
		call("munmap", (state) -> PosixLibc.munmap(state, region, region.byteSize()));
	}

	@Override
	public void lock(MemorySegment region) {
		if (region.byteSize() != 0) {
			call("mlock", (state) -> PosixLibc.mlock(state, region, region.byteSize()));
		}
	}

	@Override
	public void unlock(MemorySegment region) {
		if (region.byteSize() != 0) {
			call("munlock", (state) -> PosixLibc.munlock(state, region, region.byteSize()));
		}
	}

	@Override
	public void advise(MemorySegment region, Advice advice) {
		int value = madvise(advice);
		if (region.byteSize() != 0) {
			call("madvise", (state) -> PosixLibc.madvise(state, region, region.byteSize(), value));
		}
	}

	@Override
	public void protect(MemorySegment region, Protection protection) {
		int prot = switch (protection) {
			case NONE -> PROT_NONE;
			case READ -> PROT_READ;
			case READ_WRITE -> PROT_READ | PROT_WRITE;
		};
		if (region.byteSize() != 0) {
			call("mprotect", (state) -> PosixLibc.mprotect(state, region, region.byteSize(), prot));
		}
	}

	@Override
	public MemlockLimit memlockLimit() {
		try (Arena arena = Arena.ofConfined()) {
			MemorySegment rlimit = arena.allocate(PosixLibc.RLIMIT);
			call("getrlimit", (state) -> PosixLibc.getrlimit(state, rlimitMemlock(), rlimit));
			return new MemlockLimit(limit(rlimit.get(JAVA_LONG, 0)), limit(rlimit.get(JAVA_LONG, 8)));
		}
	}

	/**
	 * Convert an {@code rlim_t} to a limit in bytes, mapping {@code RLIM_INFINITY}.
	 * @param rlim the C value
	 * @return the limit, {@link MemlockLimit#UNLIMITED} for infinity
	 */
	final long limit(long rlim) {
		return (rlim == rlimInfinity()) ? MemlockLimit.UNLIMITED : rlim;
	}

	@Override
	public void truncate(int fd, long length) {
		call("ftruncate", (state) -> PosixLibc.ftruncate(state, fd, length));
	}

	@Override
	public void close(int fd) {
		// No retry on EINTR: Linux and macOS release the descriptor even then, and a
		// retry
		// could close a descriptor another thread has just been given.
		call("close", (state) -> PosixLibc.close(state, fd));
	}

	/**
	 * Make a call that returns {@code -1} and sets errno on failure.
	 * @param name the C function name for the exception
	 * @param call the call, given its call-state segment
	 */
	final void call(String name, IntCall call) {
		callLong(name, (state) -> call.invoke(state));
	}

	/**
	 * Make a call that returns {@code -1} and sets errno on failure.
	 * @param name the C function name for the exception
	 * @param call the call, given its call-state segment
	 * @return the call's result
	 */
	final long callLong(String name, LongCall call) {
		try (Arena arena = Arena.ofConfined()) {
			MemorySegment state = arena.allocate(PosixLibc.CALL_STATE);
			long result = call.invoke(state);
			if (result == -1) {
				throw failure(name, PosixLibc.errno(state));
			}
			return result;
		}
	}

	/**
	 * Build the exception for a failed call.
	 * @param call the C function name
	 * @param errno the errno it set
	 * @return the exception
	 */
	final NativeCallException failure(String call, int errno) {
		return new NativeCallException(call, errno, errnoName(errno), describe(errno));
	}

	/**
	 * Return the {@code madvise} value of an advice, or throw
	 * {@link UnsupportedNativeCallException} when the system lacks it.
	 * @param advice the advice
	 * @return the value
	 */
	abstract int madvise(Advice advice);

	/**
	 * Return the flag for an anonymous mapping ({@code MAP_ANONYMOUS}).
	 * @return the flag
	 */
	abstract int mapAnonymous();

	/**
	 * Return the {@code sysconf} name of the page size ({@code _SC_PAGESIZE}).
	 * @return the name
	 */
	abstract int scPageSize();

	/**
	 * Return the resource number of {@code RLIMIT_MEMLOCK}.
	 * @return the resource
	 */
	abstract int rlimitMemlock();

	/**
	 * Return the value of {@code RLIM_INFINITY} as a signed long.
	 * @return the value
	 */
	abstract long rlimInfinity();

	/**
	 * Return the symbolic name of an errno value.
	 * @param errno the value
	 * @return the name
	 */
	abstract String errnoName(int errno);

	/**
	 * Return the C library's description of an errno value, safely from any thread.
	 * @param errno the value
	 * @return the description
	 */
	abstract String describe(int errno);

	/**
	 * A C call returning {@code int}.
	 */
	@FunctionalInterface
	interface IntCall {

		int invoke(MemorySegment callState);

	}

	/**
	 * A C call returning {@code long}.
	 */
	@FunctionalInterface
	interface LongCall {

		long invoke(MemorySegment callState);

	}

	@Override
	public String toString() {
		return "NativeMemory[" + this.platform + "]";
	}

}
