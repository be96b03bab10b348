package io.github.memlock.benchmarks.peer;

/**
 * A secret store under test, reduced to the operations the benchmarks time.
 * <p>
 * Implementations are safe for concurrent use by threads that work on distinct names; the
 * benchmarks never remove a name while another thread reads it.
 *
 * @since 0.1.0
 */
public interface SecretPeer extends AutoCloseable {

	/**
	 * Return the identifier used in results, for example {@code memlock-mlock}.
	 * @return the identifier
	 */
	String id();

	/**
	 * Store a secret under a name, replacing any secret stored under it. The store takes
	 * the array over and may wipe it.
	 * @param name the name
	 * @param secret the secret bytes
	 */
	void put(String name, byte[] secret);

	/**
	 * Read a secret through the store's scoped access and fold every byte into a
	 * checksum, so that the read cannot be optimised away and costs the same per byte for
	 * every store.
	 * @param name the name of a stored secret
	 * @return the checksum of the secret's bytes
	 */
	long read(String name);

	/**
	 * Compare a stored secret with a candidate in time that does not depend on where they
	 * differ.
	 * @param name the name of a stored secret
	 * @param candidate the candidate bytes
	 * @return whether they are equal
	 */
	boolean matches(String name, byte[] candidate);

	/**
	 * Remove a secret and release its memory.
	 * @param name the name
	 * @return whether a secret was stored under the name
	 */
	boolean remove(String name);

	/**
	 * Release every secret and the store itself.
	 */
	@Override
	void close();

}
