package io.github.memlock.nativeaccess;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The calls on Linux (x86-64 and aarch64, which share every constant used here).
 */
final class LinuxNativeMemory extends PosixNativeMemory {

	/** {@code MAP_ANONYMOUS} ({@code asm-generic/mman-common.h}). */
	static final int MAP_ANONYMOUS = 0x20;

	/** {@code MADV_DONTFORK} ({@code asm-generic/mman-common.h}). */
	static final int MADV_DONTFORK = 10;

	/** {@code MADV_DONTDUMP} ({@code asm-generic/mman-common.h}, Linux 3.4+). */
	static final int MADV_DONTDUMP = 16;

	/** {@code MADV_DODUMP} ({@code asm-generic/mman-common.h}, Linux 3.4+). */
	static final int MADV_DODUMP = 17;

	/** {@code MADV_WIPEONFORK} ({@code asm-generic/mman-common.h}, Linux 4.14+). */
	static final int MADV_WIPEONFORK = 18;

	/** {@code _SC_PAGESIZE} (glibc {@code bits/confname.h}). */
	static final int SC_PAGESIZE = 30;

	/** {@code RLIMIT_MEMLOCK} ({@code asm-generic/resource.h}). */
	static final int RLIMIT_MEMLOCK = 8;

	/** {@code RLIM_INFINITY}: all bits set ({@code asm-generic/resource.h}). */
	static final long RLIM_INFINITY = -1L;

	/**
	 * {@code __NR_memfd_secret}: 447 in both the x86-64 table and the generic table that
	 * aarch64 uses (Linux 5.14+). glibc has no wrapper, hence {@code syscall}.
	 */
	static final long NR_MEMFD_SECRET = 447;

	// syscall(long number, ...) is variadic: the flags argument must be passed as one.
	private static final MethodHandle syscall$mh = PosixLibc.downcall("syscall",
			FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_INT), Linker.Option.firstVariadicArg(1));

	LinuxNativeMemory(Platform platform) {
		super(platform);
	}

	@Override
	public int memfdSecret() {
		return Math.toIntExact(callLong("memfd_secret", LinuxNativeMemory::memfdSecret));
	}

	private static long memfdSecret(MemorySegment callState) {
		try {
			return (long) syscall$mh.invokeExact(callState, NR_MEMFD_SECRET, 0);
		}
		catch (Throwable ex) {
			throw PosixLibc.unexpected(ex);
		}
	}

	@Override
	int madvise(Advice advice) {
		return switch (advice) {
			case DONT_DUMP -> MADV_DONTDUMP;
			case DO_DUMP -> MADV_DODUMP;
			case WIPE_ON_FORK -> MADV_WIPEONFORK;
			case DONT_FORK -> MADV_DONTFORK;
		};
	}

	@Override
	int mapAnonymous() {
		return MAP_ANONYMOUS;
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
		return Errno.linuxName(errno);
	}

	// strerror only for values in the table: for those glibc and musl return constant
	// strings, so the call is thread-safe in practice (see PosixLibc.strerror).
	@Override
	String describe(int errno) {
		return Errno.isKnownOnLinux(errno) ? PosixLibc.strerror(errno) : Errno.unknownMessage(errno);
	}

}
