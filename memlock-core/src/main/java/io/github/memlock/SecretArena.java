package io.github.memlock;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

import org.jspecify.annotations.Nullable;

/**
 * A page-aligned region of secret memory and the bookkeeping of its pages: each page is
 * free, carved into slots of one size class, or part of a run of whole pages that holds
 * one large secret.
 * <p>
 * Only {@link #data()} is ever read or written from Java. The guard pages around it are
 * {@code PROT_NONE}: touching them would kill the JVM with {@code SIGSEGV}, so they are
 * only ever handed to native calls.
 */
final class SecretArena {

	private static final byte FREE = 0;

	private static final byte SLAB = 1;

	private static final byte RUN = 2;

	private final MemorySegment mapping;

	private final MemorySegment data;

	private final long pageSize;

	private final int pages;

	private final Backend backend;

	private final long chargedBytes;

	private final boolean dumpExcluded;

	private final boolean wipeOnFork;

	private final java.lang.foreign.@Nullable Arena allocation;

	private final byte[] pageKinds;

	private int usedPages;

	SecretArena(MemorySegment mapping, MemorySegment data, long pageSize, Backend backend, long chargedBytes,
			boolean dumpExcluded, boolean wipeOnFork, java.lang.foreign.@Nullable Arena allocation) {
		this.mapping = mapping;
		this.data = data;
		this.pageSize = pageSize;
		this.pages = Math.toIntExact(data.byteSize() / pageSize);
		this.backend = backend;
		this.chargedBytes = chargedBytes;
		this.dumpExcluded = dumpExcluded;
		this.wipeOnFork = wipeOnFork;
		this.allocation = allocation;
		this.pageKinds = new byte[this.pages];
	}

	/**
	 * Return the whole mapping, guard pages included; for native calls only.
	 * @return the mapping
	 */
	MemorySegment mapping() {
		return this.mapping;
	}

	/**
	 * Return the pages that hold secrets, without the guard pages.
	 * @return the data pages
	 */
	MemorySegment data() {
		return this.data;
	}

	int pages() {
		return this.pages;
	}

	long pageSize() {
		return this.pageSize;
	}

	Backend backend() {
		return this.backend;
	}

	/**
	 * Return whether the data pages are locked in RAM.
	 * @return whether the arena is locked
	 */
	boolean locked() {
		return this.backend != Backend.UNLOCKED;
	}

	/**
	 * Return whether the kernel may write into the data pages on the process's behalf
	 * ({@code read(2)}); pages of {@code memfd_secret} are off limits to it.
	 * @return whether system calls may fill the pages
	 */
	boolean kernelAccessible() {
		return this.backend != Backend.MEMFD_SECRET;
	}

	/**
	 * Return the bytes this arena adds to the process's locked memory ({@code VmLck}).
	 * @return the charged bytes
	 */
	long chargedBytes() {
		return this.chargedBytes;
	}

	/**
	 * Return whether the kernel reported the data pages as excluded from core dumps when
	 * the arena was created.
	 * @return whether {@code dd} was set
	 */
	boolean dumpExcluded() {
		return this.dumpExcluded;
	}

	/**
	 * Return whether the kernel reported the data pages as wiped in ({@code wf}) or not
	 * copied to ({@code dc}) forked children when the arena was created.
	 * @return whether a forked child cannot see the pages
	 */
	boolean wipeOnFork() {
		return this.wipeOnFork;
	}

	/**
	 * Return the FFM arena that owns the memory when it could not be mapped with
	 * {@code mmap}.
	 * @return the FFM arena, or {@code null} for a mapping
	 */
	java.lang.foreign.@Nullable Arena allocation() {
		return this.allocation;
	}

	boolean empty() {
		return this.usedPages == 0;
	}

	/**
	 * Find a run of free pages.
	 * @param count the number of pages
	 * @return the index of the first page, or {@code -1} when there is no such run
	 */
	int findFree(int count) {
		int start = 0;
		for (int page = 0; page < this.pages; page++) {
			if (this.pageKinds[page] != FREE) {
				start = page + 1;
			}
			else if (page - start + 1 == count) {
				return start;
			}
		}
		return -1;
	}

	void takeSlabPage(int page) {
		this.pageKinds[page] = SLAB;
		this.usedPages++;
	}

	void takeRun(int start, int count) {
		Arrays.fill(this.pageKinds, start, start + count, RUN);
		this.usedPages += count;
	}

	void freePages(int start, int count) {
		Arrays.fill(this.pageKinds, start, start + count, FREE);
		this.usedPages -= count;
	}

	@Override
	public String toString() {
		return "SecretArena[" + this.backend.id() + ", " + this.pages + " pages]";
	}

}
