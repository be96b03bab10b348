package io.github.memlock.autoconfigure;

import java.lang.foreign.MemorySegment;

import io.github.memlock.nativeaccess.Advice;
import io.github.memlock.nativeaccess.NativeMemory;
import io.github.memlock.nativeaccess.NativeMemoryException;
import io.github.memlock.nativeaccess.Protection;

import org.springframework.boot.autoconfigure.preinitialize.BackgroundPreinitializer;

/**
 * Binds memlock's native calls on Spring Boot's background pre-initialization thread, so
 * that opening the {@link io.github.memlock.LockedSecretStore} later in the context
 * refresh does not wait for the JDK's foreign function support to start.
 * <p>
 * The first downcall handle a JVM creates costs it about 150 ms (the linker, its
 * generated classes and the call-state layout); measured on 2 cores, that was most of
 * what the starter added to context start. Class initialization is thread-safe, so a
 * store opened before the binding is done simply waits for it. Spring Boot skips all
 * pre-initializers when the system property
 * {@code spring.backgroundpreinitializer.ignore} is {@code true}. The calls are bound
 * even when {@code memlock.enabled} is {@code false}, as pre-initializers run before the
 * environment can be read; that costs background CPU time only.
 *
 * @since 0.1.0
 */
final class MemlockBackgroundPreinitializer implements BackgroundPreinitializer {

	@Override
	public void preinitialize() {
		NativeMemory nativeMemory = NativeMemory.current();
		try {
			nativeMemory.pageSize();
			nativeMemory.memlockLimit();
			exerciseMapping(nativeMemory);
			exerciseSecretMemory(nativeMemory);
		}
		catch (NativeMemoryException ex) {
			// Unsupported platforms and failing calls are reported when the store opens,
			// with the policy that decides what they mean.
		}
	}

	/**
	 * Make the first call through the handles the store's probe uses, which costs the JVM
	 * a few milliseconds each, on a page that is never locked: locking here could change
	 * the {@code VmLck} the store reads to derive its budget.
	 */
	private static void exerciseMapping(NativeMemory nativeMemory) {
		MemorySegment page = nativeMemory.mapAnonymous(nativeMemory.pageSize());
		try {
			nativeMemory.advise(page, Advice.DONT_DUMP);
			nativeMemory.protect(page, Protection.NONE);
		}
		finally {
			nativeMemory.unmap(page);
		}
	}

	private static void exerciseSecretMemory(NativeMemory nativeMemory) {
		int fd = nativeMemory.memfdSecret();
		try {
			nativeMemory.truncate(fd, nativeMemory.pageSize());
		}
		finally {
			nativeMemory.close(fd);
		}
	}

}
