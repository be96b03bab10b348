package io.github.memlock.benchmarks.peer;

import io.github.memlock.Backend;
import io.github.memlock.LockedSecretStore;

/**
 * memlock's {@link LockedSecretStore} forced onto one backend, with its defaults
 * otherwise (guard pages, wipe-on-fork, derived budget, unlocked fallback refused).
 *
 * @since 0.1.0
 */
public final class MemlockPeer implements SecretPeer {

	private final String id;

	private final LockedSecretStore store;

	/**
	 * Open a store on the given backend.
	 * @param backend the backend to force
	 * @throws io.github.memlock.MemoryLockException if the backend cannot be used here
	 */
	public MemlockPeer(Backend backend) {
		this.id = idOf(backend);
		this.store = LockedSecretStore.builder().backend(backend).build();
	}

	/**
	 * Return the peer identifier of a backend, for example {@code memlock-mlock}.
	 * @param backend the backend
	 * @return the identifier
	 */
	public static String idOf(Backend backend) {
		return "memlock-" + backend.id();
	}

	@Override
	public String id() {
		return this.id;
	}

	@Override
	public void put(String name, byte[] secret) {
		this.store.put(name, secret);
	}

	@Override
	public long read(String name) {
		return this.store.read(name, Checksums::of);
	}

	@Override
	public boolean matches(String name, byte[] candidate) {
		return this.store.matches(name, candidate);
	}

	@Override
	public boolean remove(String name) {
		return this.store.remove(name);
	}

	@Override
	public void close() {
		this.store.close();
	}

	/**
	 * Return the store, for measurements that read its status.
	 * @return the store
	 */
	public LockedSecretStore store() {
		return this.store;
	}

}
