package io.github.memlock.benchmarks.peer;

import java.security.MessageDigest;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The unprotected baseline: secrets as {@code byte[]} values of a
 * {@link ConcurrentHashMap}, the fastest a store can be and what memlock replaces.
 *
 * @since 0.1.0
 */
public final class OnHeapPeer implements SecretPeer {

	/**
	 * The identifier of this peer in results.
	 */
	public static final String ID = "on-heap";

	private final Map<String, byte[]> secrets = new ConcurrentHashMap<>();

	@Override
	public String id() {
		return ID;
	}

	@Override
	public void put(String name, byte[] secret) {
		this.secrets.put(name, secret);
	}

	@Override
	public long read(String name) {
		return Checksums.of(get(name));
	}

	@Override
	public boolean matches(String name, byte[] candidate) {
		return MessageDigest.isEqual(get(name), candidate);
	}

	@Override
	public boolean remove(String name) {
		return this.secrets.remove(name) != null;
	}

	@Override
	public void close() {
		this.secrets.clear();
	}

	private byte[] get(String name) {
		byte[] secret = this.secrets.get(name);
		if (secret == null) {
			throw new NoSuchElementException("No secret named '" + name + "'");
		}
		return secret;
	}

}
