package io.github.memlock;

import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Opens stores on a forced backend for tests, skipping the test where this machine does
 * not offer the backend (a kernel without secret memory, for example).
 */
final class StoreBackends {

	private StoreBackends() {
	}

	static LockedSecretStore open(Backend backend) {
		return open(backend, UnaryOperator.identity());
	}

	static LockedSecretStore open(Backend backend, UnaryOperator<LockedSecretStore.Builder> customizer) {
		try {
			return customizer.apply(LockedSecretStore.builder().backend(backend)).build();
		}
		catch (MemoryLockException ex) {
			assumeThat(ex).as("backend %s is available here", backend.id()).isNull();
			throw ex;
		}
	}

}
