package io.github.memlock.benchmarks.peer;

import java.util.ArrayList;
import java.util.List;

import io.github.memlock.Backend;

/**
 * Creates peers by identifier and tells which of them work on this machine.
 * <p>
 * Run as a program, it prints the identifiers of the usable peers separated by commas,
 * which {@code run.sh} passes to JMH as the {@code peer} parameter.
 *
 * @since 0.1.0
 */
public final class Peers {

	/**
	 * Every peer identifier, in the order results are shown.
	 */
	public static final List<String> ALL = List.of(OnHeapPeer.ID, AsherahPeer.ID, SodiumPeer.ID,
			MemlockPeer.idOf(Backend.MEMFD_SECRET), MemlockPeer.idOf(Backend.MLOCK));

	private Peers() {
	}

	/**
	 * Create the peer with the given identifier.
	 * @param id one of {@link #ALL}
	 * @return a new, empty peer
	 * @throws IllegalArgumentException if the identifier is unknown
	 */
	public static SecretPeer create(String id) {
		return switch (id) {
			case OnHeapPeer.ID -> new OnHeapPeer();
			case AsherahPeer.ID -> new AsherahPeer();
			case SodiumPeer.ID -> new SodiumPeer();
			case "memlock-memfd-secret" -> new MemlockPeer(Backend.MEMFD_SECRET);
			case "memlock-mlock" -> new MemlockPeer(Backend.MLOCK);
			default -> throw new IllegalArgumentException("Unknown peer '" + id + "'");
		};
	}

	/**
	 * Return the peers that can be created here and survive a put, read and remove of one
	 * secret, reporting the others on standard error.
	 * @return the usable peer identifiers
	 */
	public static List<String> available() {
		List<String> available = new ArrayList<>();
		for (String id : ALL) {
			try (SecretPeer peer = create(id)) {
				peer.put("probe", new byte[] { 1, 2, 3 });
				peer.read("probe");
				peer.remove("probe");
				available.add(id);
			}
			catch (RuntimeException | LinkageError ex) {
				System.err.println("Peer '" + id + "' is not usable here: " + ex);
			}
		}
		return available;
	}

	/**
	 * Print the usable peer identifiers, separated by commas.
	 * @param args ignored
	 */
	public static void main(String[] args) {
		System.out.println(String.join(",", available()));
	}

}
