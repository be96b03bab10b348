package io.github.memlock.nativeaccess;

import java.lang.foreign.MemorySegment;

/**
 * A program that {@link MemlockLimitTests} starts in a child JVM under other limits and
 * capabilities; it locks pages one at a time and prints what happened as
 * {@code key=value} lines.
 */
public final class LockProbe {

	private LockProbe() {
	}

	/**
	 * Lock up to the given number of pages, one {@code mlock} per page, stopping at the
	 * first failure.
	 * @param args the number of pages
	 */
	public static void main(String[] args) {
		NativeMemory nativeMemory = NativeMemory.current();
		ProcFs procFs = ProcFs.self();
		int pages = Integer.parseInt(args[0]);
		long pageSize = nativeMemory.pageSize();
		MemlockLimit limit = nativeMemory.memlockLimit();
		System.out.println("pageSize=" + pageSize);
		System.out.println("limitSoft=" + limit.soft());
		System.out.println("limitHard=" + limit.hard());
		System.out.println("ipcLock=" + procFs.ipcLockEffective());
		MemorySegment region = nativeMemory.mapAnonymous(pages * pageSize);
		int locked = 0;
		try {
			while (locked < pages) {
				nativeMemory.lock(region.asSlice(locked * pageSize, pageSize));
				locked++;
			}
			System.out.println("error=none");
		}
		catch (NativeCallException ex) {
			System.out.println("error=" + ex.errnoName());
			System.out.println("call=" + ex.call());
		}
		System.out.println("locked=" + locked);
		System.out.println("vmLck=" + procFs.lockedBytes());
	}

}
