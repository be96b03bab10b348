package io.github.memlock.benchmarks.probe;

import java.util.Random;

import io.github.memlock.benchmarks.peer.Peers;
import io.github.memlock.benchmarks.peer.SecretPeer;

/**
 * Stores a number of 32-byte secrets in one peer and prints how many bytes and mappings
 * that added, as one CSV line: {@code peer,secrets,stored,locked_bytes,mappings,failure}.
 * <p>
 * Meant to run in a fresh child JVM (see {@link ProbeRunner}); a peer that fails before
 * the count is reached reports how many it stored and the failure.
 *
 * @since 0.1.0
 */
public final class FootprintProbe {

	/**
	 * The CSV header matching the printed line.
	 */
	public static final String HEADER = "peer,secrets,stored,locked_bytes,mappings,failure";

	private FootprintProbe() {
	}

	/**
	 * Run the probe.
	 * @param args the peer identifier and the number of secrets
	 */
	public static void main(String[] args) {
		String peerId = args[0];
		int secrets = Integer.parseInt(args[1]);
		Random random = new Random(7);
		byte[] secret = new byte[32];
		try (SecretPeer peer = Peers.create(peerId)) {
			long lockedBefore = ProcSelf.lockedBytes();
			long mappingsBefore = ProcSelf.mappingCount();
			MappingGuard guard = new MappingGuard();
			int stored = 0;
			String failure = "";
			try {
				for (; stored < secrets; stored++) {
					guard.check(stored);
					random.nextBytes(secret);
					peer.put("secret-" + stored, secret);
				}
			}
			catch (RuntimeException | Error ex) {
				failure = Failures.describe(ex);
			}
			long locked = ProcSelf.lockedBytes() - lockedBefore;
			long mappings = ProcSelf.mappingCount() - mappingsBefore;
			System.out.println(String.join(",", peerId, Integer.toString(secrets), Integer.toString(stored),
					Long.toString(locked), Long.toString(mappings), failure));
		}
	}

}
