package io.github.memlock.autoconfigure;

import io.github.memlock.nativeaccess.NativeMemory;
import io.github.memlock.nativeaccess.NativeMemoryException;

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
			// One call through each kind of handle the store's probe uses first.
			nativeMemory.pageSize();
			nativeMemory.memlockLimit();
		}
		catch (NativeMemoryException ex) {
			// Unsupported platforms and failing calls are reported when the store opens,
			// with the policy that decides what they mean.
		}
	}

}
