package io.github.memlock.nativeaccess;

import java.lang.foreign.MemorySegment;

/**
 * The operating-system calls memlock needs, one method per call, each failing with a
 * {@link NativeCallException} that carries the call's own errno.
 * <p>
 * Obtain the instance for the running platform with {@link #current()}. Supported
 * platforms:
 * <ul>
 * <li>Linux x86-64 and aarch64: every call.</li>
 * <li>macOS: {@code mmap}, {@code munmap}, {@code mlock}, {@code munlock},
 * {@code mprotect}, {@code getrlimit} and the page size; dump exclusion, fork advice and
 * {@code memfd_secret} raise {@link UnsupportedNativeCallException}.</li>
 * <li>anything else: every call raises {@link UnsupportedNativeCallException}.</li>
 * </ul>
 * A zero-length region is a no-op for {@code mlock}, {@code munlock}, {@code madvise} and
 * {@code mprotect}, as in the Rust crate os-memlock. Segments returned by the mapping
 * methods have global scope: they stay valid until {@link #unmap} and must not be used
 * after it.
 * <p>
 * Implementations are thread-safe. The interface is the seam through which tests select
 * another platform ({@link #forPlatform(Platform)}) or inject faults by decorating it.
 *
 * @since 0.1.0
 */
public interface NativeMemory {

	/**
	 * Return the native memory calls of the platform this JVM runs on.
	 * <p>
	 * The system property {@value Platform#OVERRIDE_PROPERTY} selects another
	 * {@link Platform} by name; it exists so that tests on Linux can exercise the
	 * behaviour of platforms they cannot run on.
	 * @return the calls for the current platform, never {@code null}
	 */
	static NativeMemory current() {
		return NativeMemories.current();
	}

	/**
	 * Return the native memory calls as they behave on the given platform. On a platform
	 * other than the one the JVM runs on, only {@link Platform#UNSUPPORTED} is
	 * meaningful.
	 * @param platform the platform whose behaviour is wanted
	 * @return the calls for that platform
	 */
	static NativeMemory forPlatform(Platform platform) {
		return NativeMemories.forPlatform(platform);
	}

	/**
	 * Return the platform these calls belong to.
	 * @return the platform
	 */
	Platform platform();

	/**
	 * Return the size of a memory page in bytes, as the kernel reports it.
	 * @return the page size
	 */
	long pageSize();

	/**
	 * Map fresh, zero-filled, private anonymous memory readable and writable
	 * ({@code mmap(NULL, length, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0)}).
	 * @param length the length in bytes, a positive multiple of the page size
	 * @return the mapped region
	 */
	MemorySegment mapAnonymous(long length);

	/**
	 * Map a file descriptor shared, readable and writable
	 * ({@code mmap(NULL, length, PROT_READ|PROT_WRITE, MAP_SHARED, fd, 0)}).
	 * @param fd the file descriptor, for example from {@link #memfdSecret()}
	 * @param length the length in bytes, a positive multiple of the page size
	 * @return the mapped region
	 */
	MemorySegment mapShared(int fd, long length);

	/**
	 * Reserve address space that faults on any access
	 * ({@code mmap(NULL, length, PROT_NONE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0)}). Nothing
	 * is committed or locked; parts of it can later be replaced with
	 * {@link #mapSharedAt(MemorySegment, int)}, and the rest serves as guard pages that
	 * cost no locked memory.
	 * @param length the length in bytes, a positive multiple of the page size
	 * @return the reserved region
	 */
	MemorySegment reserve(long length);

	/**
	 * Map a file descriptor shared, readable and writable, exactly over a page-aligned
	 * part of a region the caller owns, replacing what was there
	 * ({@code mmap(placement, size, PROT_READ|PROT_WRITE, MAP_SHARED|MAP_FIXED, fd, 0)}).
	 * {@code MAP_FIXED} silently replaces any mapping in the range, so the placement must
	 * lie inside a region returned by {@link #reserve(long)}.
	 * @param placement where to map, for example a slice of a reserved region
	 * @param fd the file descriptor, for example from {@link #memfdSecret()}
	 * @return the mapped region, at the placement's address and of its size
	 */
	MemorySegment mapSharedAt(MemorySegment placement, int fd);

	/**
	 * Unmap a region returned by one of the mapping methods ({@code munmap}).
	 * @param region the whole region or a page-aligned part of it
	 */
	void unmap(MemorySegment region);

	/**
	 * Lock a region into RAM ({@code mlock}).
	 * @param region a region inside a mapping
	 */
	void lock(MemorySegment region);

	/**
	 * Unlock a region ({@code munlock}). Locks do not nest: this unlocks every page the
	 * region touches.
	 * @param region a region inside a mapping
	 */
	void unlock(MemorySegment region);

	/**
	 * Give the kernel one piece of advice about a region ({@code madvise}).
	 * @param region a page-aligned region inside a mapping
	 * @param advice the advice
	 */
	void advise(MemorySegment region, Advice advice);

	/**
	 * Change the access protection of a region ({@code mprotect}).
	 * @param region a page-aligned region inside a mapping
	 * @param protection the new protection
	 */
	void protect(MemorySegment region, Protection protection);

	/**
	 * Return the process's {@code RLIMIT_MEMLOCK} ({@code getrlimit}).
	 * @return the soft and hard limits
	 */
	MemlockLimit memlockLimit();

	/**
	 * Create a secret memory file descriptor ({@code memfd_secret(0)} through
	 * {@code syscall}); its pages are removed from the kernel's direct map. Linux 5.14+,
	 * and only when the kernel was booted with secret memory enabled.
	 * <p>
	 * Note: the kernel locks and dump-excludes the memory itself when it is mapped with
	 * {@link #mapShared} (the mapping shows {@code lo} and {@code dd}, and counts in
	 * {@code VmLck} and against {@code RLIMIT_MEMLOCK}: over the limit {@code mmap} fails
	 * with {@code EAGAIN}). {@link #lock} on it fails with {@code ENOMEM}, because the
	 * kernel will not fault secret pages in on another's behalf, and
	 * {@link Advice#WIPE_ON_FORK} fails with {@code EINVAL} as it does on any shared
	 * mapping; {@link Advice#DONT_FORK} works. Plain {@code read(2)} and {@code write(2)}
	 * work on the memory (the kernel copies through the process's own page tables), but
	 * anything that pins pages does not: {@code O_DIRECT}, {@code vmsplice},
	 * {@code process_vm_readv}, {@code /proc/<pid>/mem}.
	 * @return the new file descriptor
	 */
	int memfdSecret();

	/**
	 * Set the length of a file ({@code ftruncate}).
	 * @param fd the file descriptor
	 * @param length the new length in bytes
	 */
	void truncate(int fd, long length);

	/**
	 * Close a file descriptor ({@code close}).
	 * @param fd the file descriptor
	 */
	void close(int fd);

}
