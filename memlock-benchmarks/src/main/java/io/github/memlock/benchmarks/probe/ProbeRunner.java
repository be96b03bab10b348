package io.github.memlock.benchmarks.probe;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.github.memlock.benchmarks.peer.OnHeapPeer;

/**
 * Runs the footprint and limit probes for every given peer, each in a fresh child JVM,
 * and writes {@code footprint.csv} and {@code limit.csv}.
 * <p>
 * The limit probe runs under {@code prlimit --memlock=8388608:8388608} with
 * {@code CAP_IPC_LOCK} removed by {@code setpriv}, because root holds the capability and
 * it lets a process lock past any limit.
 *
 * @since 0.1.0
 */
public final class ProbeRunner {

	/**
	 * The numbers of 32-byte secrets stored by the footprint probe.
	 */
	public static final int[] SECRET_COUNTS = { 1_000, 10_000, 100_000 };

	/**
	 * The {@code RLIMIT_MEMLOCK} of the limit probe: 8 MiB.
	 */
	public static final long LIMIT_BYTES = 8L * 1024 * 1024;

	/**
	 * How many secrets the limit probe stores at most.
	 */
	public static final int LIMIT_CAP = 1_000_000;

	private ProbeRunner() {
	}

	/**
	 * Run the probes.
	 * @param args the output directory and the peer identifiers, separated by commas
	 * @throws IOException if the results cannot be written
	 */
	public static void main(String[] args) throws IOException {
		Path output = Path.of(args[0]);
		List<String> peers = List.of(args[1].split(","));
		Files.createDirectories(output);
		List<String> footprint = new ArrayList<>(List.of(FootprintProbe.HEADER));
		ChildJvm jvm = ChildJvm.like("-Xms512m", "-Xmx512m");
		for (String peer : peers) {
			for (int count : SECRET_COUNTS) {
				System.err.println("footprint: " + peer + " x " + count);
				footprint.add(runOrReport(jvm, FootprintProbe.class, peer + "," + count + ",0,0,0,", peer,
						Integer.toString(count)));
			}
		}
		Files.write(output.resolve("footprint.csv"), footprint);
		List<String> limit = new ArrayList<>(List.of(LimitProbe.HEADER));
		ChildJvm limited = jvm.through("prlimit", "--memlock=" + LIMIT_BYTES + ":" + LIMIT_BYTES, "--", "setpriv",
				"--inh-caps=-ipc_lock", "--bounding-set=-ipc_lock", "--");
		for (String peer : peers) {
			if (!peer.equals(OnHeapPeer.ID)) {
				System.err.println("limit: " + peer);
				limit.add(runOrReport(limited, LimitProbe.class, peer + ",0,0,0,", peer, Integer.toString(LIMIT_CAP)));
			}
		}
		Files.write(output.resolve("limit.csv"), limit);
	}

	private static String runOrReport(ChildJvm jvm, Class<?> probe, String failedLinePrefix, String... args) {
		try {
			return jvm.run(probe, args);
		}
		catch (IllegalStateException ex) {
			// A probe that kills its JVM is a result too; its standard error shows why.
			return failedLinePrefix + "child JVM died: " + ex.getMessage();
		}
	}

}
