package io.github.memlock;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import io.github.memlock.nativeaccess.Advice;
import io.github.memlock.nativeaccess.MemlockLimit;
import io.github.memlock.nativeaccess.NativeCallException;
import io.github.memlock.nativeaccess.NativeMemory;
import io.github.memlock.nativeaccess.Platform;
import io.github.memlock.nativeaccess.Protection;
import org.jspecify.annotations.Nullable;

/**
 * Real native calls, except those told to fail with a given errno: every call of a kind
 * ({@link #fail}) or only its n-th call ({@link #failOnce}). Records each call in order,
 * so that a dry run lists the call sites a scenario reaches, and keeps the regions it
 * mapped and has not unmapped, so that a test can tell whether the store released all it
 * took. Each recorded call names its call site: the frames of memlock's own classes that
 * led to it, so that one site reached twice in the same way can be told from another.
 * <p>
 * Calls are named as the C function, as {@link NativeCallException#call()} names them:
 * {@code sysconf} for the page size, {@code getrlimit} for the limit, {@code mmap} for
 * every mapping method.
 */
final class FaultyNativeMemory implements NativeMemory {

	private final NativeMemory delegate;

	private final Map<String, Integer> failures = new ConcurrentHashMap<>();

	private final Map<String, OnceFault> onceFailures = new ConcurrentHashMap<>();

	private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

	private final List<NativeCall> record = new ArrayList<>();

	private final Map<Long, Long> mapped = new ConcurrentHashMap<>();

	private final List<long[]> everMapped = new ArrayList<>();

	private final StackWalker stackWalker = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

	FaultyNativeMemory() {
		this(NativeMemory.current());
	}

	FaultyNativeMemory(NativeMemory delegate) {
		this.delegate = delegate;
	}

	/**
	 * Make every call of a kind fail until {@link #heal healed}.
	 * @param call the C function name
	 * @param errno the errno the calls fail with
	 * @return this decorator
	 */
	FaultyNativeMemory fail(String call, int errno) {
		this.failures.put(call, errno);
		return this;
	}

	/**
	 * Make only the given call of a kind fail, counting the calls of that kind made since
	 * this decorator was created, including those already made.
	 * @param call the C function name
	 * @param occurrence which call fails, from 1
	 * @param errno the errno it fails with
	 * @return this decorator
	 */
	FaultyNativeMemory failOnce(String call, int occurrence, int errno) {
		this.onceFailures.put(call, new OnceFault(occurrence, errno));
		return this;
	}

	FaultyNativeMemory heal(String call) {
		this.failures.remove(call);
		this.onceFailures.remove(call);
		return this;
	}

	int calls(String call) {
		AtomicInteger count = this.calls.get(call);
		return (count != null) ? count.get() : 0;
	}

	/**
	 * Return the calls made so far, in order, failed ones included.
	 * @return a snapshot of the calls
	 */
	List<NativeCall> record() {
		synchronized (this.record) {
			return List.copyOf(this.record);
		}
	}

	/**
	 * Return the regions mapped through this decorator and not unmapped since, by
	 * address.
	 * @return a snapshot of address to length
	 */
	Map<Long, Long> liveMappings() {
		return Map.copyOf(this.mapped);
	}

	/**
	 * Return every region mapped through this decorator, unmapped since or not.
	 * @return start and length of each region
	 */
	List<long[]> everMapped() {
		synchronized (this.everMapped) {
			return List.copyOf(this.everMapped);
		}
	}

	private void call(String call, String detail) {
		int occurrence = this.calls.computeIfAbsent(call, (key) -> new AtomicInteger()).incrementAndGet();
		Integer errno = this.failures.get(call);
		OnceFault once = this.onceFailures.get(call);
		if (errno == null && once != null && once.occurrence() == occurrence) {
			errno = once.errno();
		}
		synchronized (this.record) {
			this.record.add(new NativeCall(call, occurrence, detail, errno, site()));
		}
		if (errno != null) {
			throw NativeCallException.of(call, errno);
		}
	}

	private String site() {
		return this.stackWalker.walk((frames) -> frames.filter(FaultyNativeMemory::isMemlockFrame)
			.map((frame) -> frame.getDeclaringClass().getSimpleName() + "." + frame.getMethodName() + ":"
					+ frame.getLineNumber())
			.collect(Collectors.joining(" < ")));
	}

	private static boolean isMemlockFrame(StackWalker.StackFrame frame) {
		Class<?> type = frame.getDeclaringClass();
		Class<?> host = type.getNestHost();
		return type.getPackageName().equals("io.github.memlock") && host != FaultyNativeMemory.class
				&& !host.getSimpleName().endsWith("Tests");
	}

	private MemorySegment mapped(MemorySegment region) {
		this.mapped.put(region.address(), region.byteSize());
		synchronized (this.everMapped) {
			this.everMapped.add(new long[] { region.address(), region.byteSize() });
		}
		return region;
	}

	@Override
	public Platform platform() {
		return this.delegate.platform();
	}

	@Override
	public long pageSize() {
		call("sysconf", "_SC_PAGESIZE");
		return this.delegate.pageSize();
	}

	@Override
	public MemorySegment mapAnonymous(long length) {
		call("mmap", "anonymous " + length);
		return mapped(this.delegate.mapAnonymous(length));
	}

	@Override
	public MemorySegment mapShared(int fd, long length) {
		call("mmap", "shared " + length);
		return mapped(this.delegate.mapShared(fd, length));
	}

	@Override
	public MemorySegment reserve(long length) {
		call("mmap", "reserve " + length);
		return mapped(this.delegate.reserve(length));
	}

	@Override
	public MemorySegment mapSharedAt(MemorySegment placement, int fd) {
		// Replaces part of a reservation, which stays the region to unmap.
		call("mmap", "shared fixed " + placement.byteSize());
		return this.delegate.mapSharedAt(placement, fd);
	}

	@Override
	public void unmap(MemorySegment region) {
		call("munmap", Long.toString(region.byteSize()));
		this.delegate.unmap(region);
		this.mapped.remove(region.address(), region.byteSize());
	}

	@Override
	public void lock(MemorySegment region) {
		call("mlock", Long.toString(region.byteSize()));
		this.delegate.lock(region);
	}

	@Override
	public void unlock(MemorySegment region) {
		call("munlock", Long.toString(region.byteSize()));
		this.delegate.unlock(region);
	}

	@Override
	public void advise(MemorySegment region, Advice advice) {
		call("madvise", advice.name());
		this.delegate.advise(region, advice);
	}

	@Override
	public void protect(MemorySegment region, Protection protection) {
		call("mprotect", protection.name());
		this.delegate.protect(region, protection);
	}

	@Override
	public MemlockLimit memlockLimit() {
		call("getrlimit", "RLIMIT_MEMLOCK");
		return this.delegate.memlockLimit();
	}

	@Override
	public int memfdSecret() {
		call("memfd_secret", "");
		return this.delegate.memfdSecret();
	}

	@Override
	public void truncate(int fd, long length) {
		call("ftruncate", Long.toString(length));
		this.delegate.truncate(fd, length);
	}

	@Override
	public void close(int fd) {
		call("close", "");
		this.delegate.close(fd);
	}

	@Override
	public String toString() {
		return "FaultyNativeMemory[" + this.delegate + "]";
	}

	/**
	 * One native call as the decorator saw it.
	 *
	 * @param name the C function name
	 * @param occurrence how many calls of that name had been made, this one included
	 * @param detail what the call was for (advice, protection, length)
	 * @param errno the errno it was made to fail with, or {@code null} when it was passed
	 * on
	 * @param site the frames of memlock's classes that made the call, innermost first
	 */
	record NativeCall(String name, int occurrence, String detail, @Nullable Integer errno, String site) {

		@Override
		public String toString() {
			return this.name + "#" + this.occurrence + "(" + this.detail + ")";
		}

	}

	private record OnceFault(int occurrence, int errno) {

	}

}
