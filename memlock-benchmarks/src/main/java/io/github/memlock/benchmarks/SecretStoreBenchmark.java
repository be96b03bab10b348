package io.github.memlock.benchmarks;

import java.util.Random;

import io.github.memlock.benchmarks.peer.Peers;
import io.github.memlock.benchmarks.peer.SecretPeer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * Times put, scoped read, constant-time match and remove on every peer, with one store
 * shared by all benchmark threads and a separate set of names per thread.
 * <p>
 * Each put hands the store a fresh copy of the input, because memlock wipes the caller's
 * array; the copy is made for every peer so that all pay the same. A put replaces one of
 * a few names, so the store stays the same size however long the run: for Asherah and
 * libsodium that means one allocation and one release per put. A remove alone cannot be
 * repeated without a put in between, so it is timed as a put of a new name followed by
 * its removal.
 *
 * @since 0.1.0
 */
@Fork(value = 1,
		jvmArgsAppend = { "--enable-native-access=ALL-UNNAMED", "-Dslf4j.internal.verbosity=ERROR", "-Xms1g",
				"-Xmx1g" })
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class SecretStoreBenchmark {

	/**
	 * Put a 32-byte secret, replacing the one stored under the name.
	 * @param store the store
	 * @param worker this thread's names and inputs
	 */
	@Benchmark
	public void put32(StoreState store, WorkerState worker) {
		store.peer.put(worker.putName(), worker.secret32.clone());
	}

	/**
	 * Read a 32-byte secret through scoped access.
	 * @param store the store
	 * @param worker this thread's names and inputs
	 * @return the checksum, consumed by JMH
	 */
	@Benchmark
	public long read32(StoreState store, WorkerState worker) {
		return store.peer.read(worker.read32Name());
	}

	/**
	 * Read a 1 KiB secret through scoped access.
	 * @param store the store
	 * @param worker this thread's names and inputs
	 * @return the checksum, consumed by JMH
	 */
	@Benchmark
	public long read1k(StoreState store, WorkerState worker) {
		return store.peer.read(worker.read1kName());
	}

	/**
	 * Compare a 32-byte secret with an equal candidate (the full-length, worst case).
	 * @param store the store
	 * @param worker this thread's names and inputs
	 * @return whether it matched, consumed by JMH
	 */
	@Benchmark
	public boolean matches32(StoreState store, WorkerState worker) {
		return store.peer.matches(worker.read32Name(), worker.secret32);
	}

	/**
	 * Put a 32-byte secret under a name that is not stored, then remove it.
	 * @param store the store
	 * @param worker this thread's names and inputs
	 * @return whether the removal found the secret, consumed by JMH
	 */
	@Benchmark
	public boolean putThenRemove32(StoreState store, WorkerState worker) {
		store.peer.put(worker.churnName, worker.secret32.clone());
		return store.peer.remove(worker.churnName);
	}

	/**
	 * The store under test, shared by the benchmark threads.
	 */
	@State(Scope.Benchmark)
	public static class StoreState {

		/**
		 * The peer identifier.
		 */
		@Param({ "on-heap", "asherah", "libsodium", "memlock-memfd-secret", "memlock-mlock" })
		public String peerId = "";

		SecretPeer peer = Peers.create("on-heap");

		/**
		 * Open the store.
		 */
		@Setup(Level.Trial)
		public void open() {
			this.peer = Peers.create(this.peerId);
		}

		/**
		 * Close the store.
		 */
		@TearDown(Level.Trial)
		public void close() {
			this.peer.close();
		}

	}

	/**
	 * One benchmark thread's names and inputs; the secrets it reads are stored at setup.
	 */
	@State(Scope.Thread)
	public static class WorkerState {

		private static final int NAMES = 16;

		private final String[] putNames = new String[NAMES];

		private final String[] read32Names = new String[NAMES];

		private final String[] read1kNames = new String[NAMES];

		byte[] secret32 = new byte[32];

		String churnName = "";

		private int next;

		/**
		 * Store the secrets this thread reads and replaces.
		 * @param store the store
		 * @param thread the thread's index among the benchmark threads
		 */
		@Setup(Level.Trial)
		public void store(StoreState store, ThreadParams thread) {
			String prefix = "t" + thread.getThreadIndex() + "-";
			Random random = new Random(42 + thread.getThreadIndex());
			random.nextBytes(this.secret32);
			byte[] secret1k = new byte[1024];
			random.nextBytes(secret1k);
			for (int i = 0; i < NAMES; i++) {
				this.putNames[i] = prefix + "put-" + i;
				this.read32Names[i] = prefix + "read32-" + i;
				this.read1kNames[i] = prefix + "read1k-" + i;
				store.peer.put(this.putNames[i], this.secret32.clone());
				store.peer.put(this.read32Names[i], this.secret32.clone());
				store.peer.put(this.read1kNames[i], secret1k.clone());
			}
			this.churnName = prefix + "churn";
		}

		String putName() {
			return this.putNames[advance()];
		}

		String read32Name() {
			return this.read32Names[advance()];
		}

		String read1kName() {
			return this.read1kNames[advance()];
		}

		private int advance() {
			this.next = (this.next + 1) & (NAMES - 1);
			return this.next;
		}

	}

}
