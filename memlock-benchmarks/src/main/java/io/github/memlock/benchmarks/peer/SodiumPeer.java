package io.github.memlock.benchmarks.peer;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentHashMap;

import com.goterl.lazysodium.SodiumJava;
import com.goterl.lazysodium.utils.LibraryLoader;
import com.sun.jna.Pointer;

/**
 * libsodium's guarded heap through lazysodium-java: each secret gets its own
 * {@code sodium_malloc} allocation (a locked page between two guard pages, with a canary)
 * and {@code sodium_free} wipes and unmaps it.
 * <p>
 * lazysodium is told to load the system's libsodium (Debian's {@code libsodium23}), not
 * the copy bundled in its jar. Reads go through a direct {@link ByteBuffer} over the
 * allocation, so no secret byte is copied to the heap; the allocation stays readable and
 * writable, which is libsodium's default and its fastest use.
 *
 * @since 0.1.0
 */
public final class SodiumPeer implements SecretPeer {

	/**
	 * The identifier of this peer in results.
	 */
	public static final String ID = "libsodium";

	private final SodiumJava sodium;

	private final Map<String, Allocation> secrets = new ConcurrentHashMap<>();

	/**
	 * Load the system's libsodium and initialise it.
	 */
	public SodiumPeer() {
		this.sodium = new SodiumJava(LibraryLoader.Mode.SYSTEM_ONLY);
		if (this.sodium.sodium_init() < 0) {
			throw new IllegalStateException("sodium_init failed");
		}
	}

	@Override
	public String id() {
		return ID;
	}

	@Override
	public void put(String name, byte[] secret) {
		Pointer pointer = this.sodium.sodium_malloc(secret.length);
		if (pointer == null) {
			throw new IllegalStateException(
					"sodium_malloc returned NULL after " + this.secrets.size() + " allocations");
		}
		pointer.write(0, secret, 0, secret.length);
		Arrays.fill(secret, (byte) 0);
		Allocation replaced = this.secrets.put(name, new Allocation(pointer, secret.length));
		if (replaced != null) {
			this.sodium.sodium_free(replaced.pointer());
		}
	}

	@Override
	public long read(String name) {
		return Checksums.of(get(name).view());
	}

	@Override
	public boolean matches(String name, byte[] candidate) {
		return Checksums.constantTimeEquals(get(name).view(), candidate);
	}

	@Override
	public boolean remove(String name) {
		Allocation removed = this.secrets.remove(name);
		if (removed == null) {
			return false;
		}
		this.sodium.sodium_free(removed.pointer());
		return true;
	}

	@Override
	public void close() {
		this.secrets.values().forEach((allocation) -> this.sodium.sodium_free(allocation.pointer()));
		this.secrets.clear();
	}

	private Allocation get(String name) {
		Allocation allocation = this.secrets.get(name);
		if (allocation == null) {
			throw new NoSuchElementException("No secret named '" + name + "'");
		}
		return allocation;
	}

	private record Allocation(Pointer pointer, int length) {

		ByteBuffer view() {
			return this.pointer.getByteBuffer(0, this.length);
		}

	}

}
