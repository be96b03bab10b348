package io.github.memlock;

import java.lang.foreign.MemorySegment;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.memlock.nativeaccess.Advice;
import io.github.memlock.nativeaccess.MemlockLimit;
import io.github.memlock.nativeaccess.NativeCallException;
import io.github.memlock.nativeaccess.NativeMemory;
import io.github.memlock.nativeaccess.Platform;
import io.github.memlock.nativeaccess.Protection;

/**
 * Real native calls, except those told to fail with a given errno; counts the calls made.
 */
final class FaultyNativeMemory implements NativeMemory {

	private final NativeMemory delegate = NativeMemory.current();

	private final Map<String, Integer> failures = new ConcurrentHashMap<>();

	private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

	FaultyNativeMemory fail(String call, int errno) {
		this.failures.put(call, errno);
		return this;
	}

	FaultyNativeMemory heal(String call) {
		this.failures.remove(call);
		return this;
	}

	int calls(String call) {
		AtomicInteger count = this.calls.get(call);
		return (count != null) ? count.get() : 0;
	}

	private void call(String call) {
		this.calls.computeIfAbsent(call, (key) -> new AtomicInteger()).incrementAndGet();
		Integer errno = this.failures.get(call);
		if (errno != null) {
			throw NativeCallException.of(call, errno);
		}
	}

	@Override
	public Platform platform() {
		return this.delegate.platform();
	}

	@Override
	public long pageSize() {
		return this.delegate.pageSize();
	}

	@Override
	public MemorySegment mapAnonymous(long length) {
		call("mmap");
		return this.delegate.mapAnonymous(length);
	}

	@Override
	public MemorySegment mapShared(int fd, long length) {
		call("mmap");
		return this.delegate.mapShared(fd, length);
	}

	@Override
	public MemorySegment reserve(long length) {
		call("mmap");
		return this.delegate.reserve(length);
	}

	@Override
	public MemorySegment mapSharedAt(MemorySegment placement, int fd) {
		call("mmap");
		return this.delegate.mapSharedAt(placement, fd);
	}

	@Override
	public void unmap(MemorySegment region) {
		call("munmap");
		this.delegate.unmap(region);
	}

	@Override
	public void lock(MemorySegment region) {
		call("mlock");
		this.delegate.lock(region);
	}

	@Override
	public void unlock(MemorySegment region) {
		call("munlock");
		this.delegate.unlock(region);
	}

	@Override
	public void advise(MemorySegment region, Advice advice) {
		call("madvise");
		this.delegate.advise(region, advice);
	}

	@Override
	public void protect(MemorySegment region, Protection protection) {
		call("mprotect");
		this.delegate.protect(region, protection);
	}

	@Override
	public MemlockLimit memlockLimit() {
		return this.delegate.memlockLimit();
	}

	@Override
	public int memfdSecret() {
		call("memfd_secret");
		return this.delegate.memfdSecret();
	}

	@Override
	public void truncate(int fd, long length) {
		call("ftruncate");
		this.delegate.truncate(fd, length);
	}

	@Override
	public void close(int fd) {
		this.delegate.close(fd);
	}

}
