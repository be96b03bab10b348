package io.github.memlock.benchmarks.peer;

import java.security.MessageDigest;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentHashMap;

import com.godaddy.asherah.securememory.Secret;
import com.godaddy.asherah.securememory.SecretFactory;
import com.godaddy.asherah.securememory.protectedmemoryimpl.ProtectedMemorySecretFactory;

/**
 * Asherah SecureMemory: each secret is its own {@code mmap}ed, {@code mlock}ed,
 * dump-excluded region that stays {@code PROT_NONE} except while it is read (JNA).
 *
 * @since 0.1.0
 */
public final class AsherahPeer implements SecretPeer {

	/**
	 * The identifier of this peer in results.
	 */
	public static final String ID = "asherah";

	private final SecretFactory factory = new ProtectedMemorySecretFactory();

	private final Map<String, Secret> secrets = new ConcurrentHashMap<>();

	@Override
	public String id() {
		return ID;
	}

	@Override
	public void put(String name, byte[] secret) {
		Secret created = this.factory.createSecret(secret);
		Secret replaced = this.secrets.put(name, created);
		if (replaced != null) {
			replaced.close();
		}
	}

	@Override
	public long read(String name) {
		return get(name).withSecretBytes((byte[] bytes) -> Checksums.of(bytes));
	}

	@Override
	public boolean matches(String name, byte[] candidate) {
		return get(name).withSecretBytes((byte[] bytes) -> MessageDigest.isEqual(bytes, candidate));
	}

	@Override
	public boolean remove(String name) {
		Secret removed = this.secrets.remove(name);
		if (removed == null) {
			return false;
		}
		removed.close();
		return true;
	}

	@Override
	public void close() {
		this.secrets.values().forEach(Secret::close);
		this.secrets.clear();
	}

	private Secret get(String name) {
		Secret secret = this.secrets.get(name);
		if (secret == null) {
			throw new NoSuchElementException("No secret named '" + name + "'");
		}
		return secret;
	}

}
