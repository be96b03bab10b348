package io.github.memlock.benchmarks.probe;

import java.util.Random;

import io.github.memlock.benchmarks.peer.Peers;
import io.github.memlock.benchmarks.peer.SecretPeer;

/**
 * Stores 32-byte secrets in one peer until it fails or a cap is reached and prints, as
 * one CSV line, how far it got:
 * {@code peer,stored,locked_bytes,last_locking_put,failure}.
 * <p>
 * Meant to run in a child JVM under a small {@code RLIMIT_MEMLOCK} without
 * {@code CAP_IPC_LOCK} (see {@link ProbeRunner}). {@code last_locking_put} is the number
 * of secrets stored when {@code VmLck} last grew: a peer that goes on storing after it
 * stops growing keeps the later secrets in memory that is not locked.
 *
 * @since 0.1.0
 */
public final class LimitProbe {

	/**
	 * The CSV header matching the printed line.
	 */
	public static final String HEADER = "peer,stored,locked_bytes,last_locking_put,failure";

	private static final int EXACT_SAMPLES = 20_000;

	private static final int SAMPLE_EVERY = 256;

	private LimitProbe() {
	}

	/**
	 * Run the probe.
	 * @param args the peer identifier and the cap on the number of secrets
	 */
	public static void main(String[] args) {
		String peerId = args[0];
		int cap = Integer.parseInt(args[1]);
		Random random = new Random(7);
		byte[] secret = new byte[32];
		int stored = 0;
		long locked = ProcSelf.lockedBytes();
		int lastLockingPut = 0;
		String failure = "";
		MappingGuard guard = new MappingGuard();
		try (SecretPeer peer = Peers.create(peerId)) {
			for (; stored < cap; stored++) {
				guard.check(stored);
				random.nextBytes(secret);
				peer.put("secret-" + stored, secret);
				if (stored < EXACT_SAMPLES || stored % SAMPLE_EVERY == 0) {
					long now = ProcSelf.lockedBytes();
					if (now > locked) {
						lastLockingPut = stored + 1;
						locked = now;
					}
				}
			}
			locked = Math.max(locked, ProcSelf.lockedBytes());
		}
		catch (RuntimeException | Error ex) {
			failure = Failures.describe(ex);
		}
		System.out.println(String.join(",", peerId, Integer.toString(stored), Long.toString(locked),
				Integer.toString(lastLockingPut), failure));
	}

}
