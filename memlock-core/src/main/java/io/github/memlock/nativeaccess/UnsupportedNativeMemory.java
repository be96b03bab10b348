package io.github.memlock.nativeaccess;

import java.lang.foreign.MemorySegment;

/**
 * The calls on a system memlock does not know: each raises
 * {@link UnsupportedNativeCallException}, except {@link #pageSize()}, which answers the
 * common 4096 bytes without asking the system so that callers can still size plain
 * off-heap memory. It makes no native call, so it works without native access too.
 */
final class UnsupportedNativeMemory implements NativeMemory {

	/** The page size assumed where the system cannot be asked. */
	static final long ASSUMED_PAGE_SIZE = 4096;

	static final UnsupportedNativeMemory INSTANCE = new UnsupportedNativeMemory();

	private UnsupportedNativeMemory() {
	}

	@Override
	public Platform platform() {
		return Platform.UNSUPPORTED;
	}

	@Override
	public long pageSize() {
		return ASSUMED_PAGE_SIZE;
	}

	@Override
	public MemorySegment mapAnonymous(long length) {
		throw unsupported("mmap");
	}

	@Override
	public MemorySegment mapShared(int fd, long length) {
		throw unsupported("mmap");
	}

	@Override
	public MemorySegment reserve(long length) {
		throw unsupported("mmap");
	}

	@Override
	public MemorySegment mapSharedAt(MemorySegment placement, int fd) {
		throw unsupported("mmap");
	}

	@Override
	public void unmap(MemorySegment region) {
		throw unsupported("munmap");
	}

	@Override
	public void lock(MemorySegment region) {
		throw unsupported("mlock");
	}

	@Override
	public void unlock(MemorySegment region) {
		throw unsupported("munlock");
	}

	@Override
	public void advise(MemorySegment region, Advice advice) {
		throw unsupported("madvise");
	}

	@Override
	public void protect(MemorySegment region, Protection protection) {
		throw unsupported("mprotect");
	}

	@Override
	public MemlockLimit memlockLimit() {
		throw unsupported("getrlimit");
	}

	@Override
	public int memfdSecret() {
		throw unsupported("memfd_secret");
	}

	@Override
	public void truncate(int fd, long length) {
		throw unsupported("ftruncate");
	}

	@Override
	public void close(int fd) {
		throw unsupported("close");
	}

	private UnsupportedNativeCallException unsupported(String call) {
		return new UnsupportedNativeCallException(call, Platform.UNSUPPORTED);
	}

	@Override
	public String toString() {
		return "NativeMemory[UNSUPPORTED]";
	}

}
