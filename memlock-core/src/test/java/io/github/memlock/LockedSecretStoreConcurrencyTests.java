package io.github.memlock;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

import io.github.memlock.nativeaccess.NativeMemory;
import io.github.memlock.nativeaccess.ProcFs;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests of {@link LockedSecretStore} under concurrent use, on every backend: a stress run
 * in which {@value #THREADS} threads put, replace, remove, read and compare secrets of
 * {@value #NAMES} names, every value read is one that was written as a whole and the
 * store ends as the test's model says; and closes racing with readers, which must fail
 * those readers with {@link IllegalStateException} and release every page.
 * <p>
 * The stress run lasts {@value #DEFAULT_STRESS_SECONDS} seconds a backend. To run it
 * longer, set the system property {@value #STRESS_SECONDS_PROPERTY} to a number of
 * seconds: {@code ./mvnw -pl memlock-core verify -Dtest=LockedSecretStoreConcurrencyTests
 * -Dmemlock.stress.seconds=60}.
 */
class LockedSecretStoreConcurrencyTests {

	static final String STRESS_SECONDS_PROPERTY = "memlock.stress.seconds";

	static final long DEFAULT_STRESS_SECONDS = 3;

	static final int THREADS = 8;

	static final int NAMES = 1_000;

	private static final int CLOSE_ROUNDS = 200;

	private static final int CLOSE_READERS = 6;

	private static final int CLOSE_NAMES = 12;

	private static final long PAGE_SIZE = NativeMemory.current().pageSize();

	/** Two bytes of the name's index, then at least one version byte. */
	private static final int HEADER = 3;

	/** What {@link #versionOf} returns for anything but a whole value of the name. */
	private static final int TORN = -1;

	@ParameterizedTest
	@EnumSource(names = { "MEMFD_SECRET", "MLOCK", "UNLOCKED" })
	void mixedOperationsFromManyThreadsShouldSeeOnlyWholeValuesAndEndAsModelled(Backend backend) throws Exception {
		long lockedBefore = ProcFs.self().lockedBytes();
		LockedSecretStore store = StoreBackends.open(backend);
		List<Long> addresses;
		try {
			assertEndsAsModelled(store, stress(store), lockedBefore);
			addresses = dataAddresses(store);
		}
		finally {
			store.close();
		}
		assertReleased(store, lockedBefore, addresses);
	}

	private static void assertEndsAsModelled(LockedSecretStore store, List<Worker> workers, long lockedBefore) {
		Backend backend = store.status().backend();
		Map<Integer, Integer> model = new HashMap<>();
		workers.forEach((worker) -> worker.addStoredTo(model));
		System.out.printf("%s: %s, %d secrets at the end%n", backend.id(), total(workers), model.size());
		assertThat(workers).flatMap(Worker::problems).isEmpty();
		assertThat(total(workers)).hasSize(Outcome.values().length)
			.allSatisfy((outcome, count) -> assertThat(count).as(outcome.name()).isPositive());
		assertThat(store.names()).isEqualTo(
				model.keySet().stream().map(LockedSecretStoreConcurrencyTests::name).collect(Collectors.toSet()));
		model.forEach((index, version) -> assertThat(versionIn(store, index)).as(name(index)).isEqualTo(version));
		StoreStatus status = store.status();
		assertThat(status.secretCount()).isEqualTo(model.size());
		assertThat(status.locked()).isEqualTo(backend != Backend.UNLOCKED);
		assertThat(ProcFs.self().lockedBytes() - lockedBefore).isEqualTo(status.lockedBytes());
	}

	@ParameterizedTest
	@EnumSource(names = { "MEMFD_SECRET", "MLOCK", "UNLOCKED" })
	void closeWhileReadingShouldFailReadersWithIllegalStateAndReleaseEverything(Backend backend) throws Exception {
		long lockedBefore = ProcFs.self().lockedBytes();
		ExecutorService executor = Executors.newFixedThreadPool(CLOSE_READERS);
		long reads = 0;
		try {
			for (int round = 0; round < CLOSE_ROUNDS; round++) {
				reads += closeWhileReading(backend, executor, lockedBefore);
			}
		}
		finally {
			executor.shutdownNow();
		}
		System.out.printf("%s: %d reads in %d rounds before close%n", backend.id(), reads, CLOSE_ROUNDS);
		assertThat(reads).isGreaterThanOrEqualTo((long) CLOSE_ROUNDS * CLOSE_READERS);
	}

	/**
	 * Start readers, close the store once each has read a secret, and check that every
	 * reader then stops with the documented exception and nothing is left locked or
	 * mapped.
	 */
	private static long closeWhileReading(Backend backend, ExecutorService executor, long lockedBefore)
			throws Exception {
		LockedSecretStore store = StoreBackends.open(backend);
		List<Future<Long>> readers = new ArrayList<>();
		List<Long> addresses;
		try {
			for (int index = 0; index < CLOSE_NAMES; index++) {
				store.put(name(index), value(index, firstVersion(index)));
			}
			addresses = dataAddresses(store);
			CountDownLatch reading = new CountDownLatch(CLOSE_READERS);
			for (int i = 0; i < CLOSE_READERS; i++) {
				readers.add(executor.submit(() -> readUntilClosed(store, reading)));
			}
			reading.await();
		}
		finally {
			store.close();
		}
		long reads = 0;
		for (Future<Long> reader : readers) {
			reads += reader.get(1, TimeUnit.MINUTES);
		}
		assertReleased(store, lockedBefore, addresses);
		return reads;
	}

	/**
	 * Read and compare secrets until the store is closed.
	 * @return the number of reads and comparisons that completed
	 */
	private static long readUntilClosed(LockedSecretStore store, CountDownLatch reading) {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		long reads = 0;
		try {
			while (true) {
				int index = random.nextInt(CLOSE_NAMES);
				boolean whole = random.nextBoolean() ? versionIn(store, index) == firstVersion(index)
						: store.matches(name(index), value(index, firstVersion(index)));
				assertThat(whole).as("whole value of %s", name(index)).isTrue();
				if (reads++ == 0) {
					reading.countDown();
				}
			}
		}
		catch (IllegalStateException ex) {
			assertThat(ex).hasMessage("LockedSecretStore is closed");
			return reads;
		}
		finally {
			// A reader that failed before its first read must not keep the store open.
			if (reads == 0) {
				reading.countDown();
			}
		}
	}

	@ParameterizedTest
	@EnumSource(names = { "MEMFD_SECRET", "MLOCK", "UNLOCKED" })
	void closeWhileCallbackRunsShouldWaitForItToReturn(Backend backend) throws Exception {
		long lockedBefore = ProcFs.self().lockedBytes();
		LockedSecretStore store = StoreBackends.open(backend);
		store.put(name(0), value(0, 7));
		List<Long> addresses = dataAddresses(store);
		Thread closer = new Thread(store::close, "closer");
		int seen = store.read(name(0), (segment) -> {
			closer.start();
			// A close that did not wait would unmap the segment under this callback.
			return awaitBlockedOnLock(closer) ? versionOf(segment, 0) : TORN;
		});
		closer.join();
		assertThat(seen).isEqualTo(7);
		assertThatIllegalStateException().isThrownBy(() -> store.read(name(0), (segment) -> 0))
			.withMessage("LockedSecretStore is closed");
		assertReleased(store, lockedBefore, addresses);
	}

	/**
	 * Wait until a thread is parked, as {@code close()} is while it waits for a reader,
	 * or has ended.
	 * @return whether it is parked
	 */
	private static boolean awaitBlockedOnLock(Thread thread) {
		while (thread.isAlive() && LockSupport.getBlocker(thread) == null) {
			Thread.onSpinWait();
		}
		return thread.isAlive();
	}

	/**
	 * Run the workers on the store until the stress run's time is up.
	 */
	private static List<Worker> stress(LockedSecretStore store) throws Exception {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(stressSeconds());
		CountDownLatch start = new CountDownLatch(1);
		ExecutorService executor = Executors.newFixedThreadPool(THREADS);
		try {
			List<Future<Worker>> futures = new ArrayList<>();
			for (int number = 0; number < THREADS; number++) {
				futures.add(executor.submit(new Worker(store, number, deadline, start)));
			}
			start.countDown();
			List<Worker> workers = new ArrayList<>();
			for (Future<Worker> future : futures) {
				workers.add(future.get());
			}
			return workers;
		}
		finally {
			executor.shutdownNow();
		}
	}

	private static long stressSeconds() {
		return Long.getLong(STRESS_SECONDS_PROPERTY, DEFAULT_STRESS_SECONDS);
	}

	private static Map<Outcome, Long> total(List<Worker> workers) {
		Map<Outcome, Long> total = new EnumMap<>(Outcome.class);
		workers.forEach((worker) -> worker.counts.forEach((outcome, count) -> total.merge(outcome, count, Long::sum)));
		return total;
	}

	private static List<Long> dataAddresses(LockedSecretStore store) {
		List<Long> addresses = store.arenas().stream().map((arena) -> arena.data().address()).toList();
		assertThat(addresses).isNotEmpty().allSatisfy((address) -> assertThat(ProcMaps.mapped(address)).isTrue());
		return addresses;
	}

	private static void assertReleased(LockedSecretStore store, long lockedBefore, List<Long> addresses) {
		assertThat(store.status().closed()).isTrue();
		assertThat(store.status().lockedBytes()).isZero();
		assertThat(ProcFs.self().lockedBytes()).isEqualTo(lockedBefore);
		assertThat(addresses).allSatisfy((address) -> assertThat(ProcMaps.mapped(address)).isFalse());
	}

	static String name(int index) {
		return "secret-" + index;
	}

	private static int firstVersion(int index) {
		return 1 + index % 255;
	}

	/**
	 * Return a version of a name's value: two bytes of the name's index, then the version
	 * (1 to 255) repeated to a length that depends on both, so that a reader can tell a
	 * whole value from a mix of two writes, a zeroized slot or another name's value.
	 */
	static byte[] value(int index, int version) {
		byte[] bytes = new byte[length(index, version)];
		Arrays.fill(bytes, (byte) version);
		bytes[0] = (byte) (index >>> 8);
		bytes[1] = (byte) index;
		return bytes;
	}

	/**
	 * Spread values over every slab size class and, for one version in sixteen, over runs
	 * of two pages.
	 */
	private static int length(int index, int version) {
		int spread = (version * 97 + index * 31) % 1500;
		return HEADER + ((version % 16 == 0) ? (int) PAGE_SIZE + spread : spread);
	}

	/**
	 * Read the version of a name's value in a scoped callback.
	 */
	static int versionIn(LockedSecretStore store, int index) {
		return store.read(name(index), (segment) -> versionOf(segment, index));
	}

	private static int lingeringVersionOf(MemorySegment segment, int index) {
		int version = versionOf(segment, index);
		Thread.yield();
		return (versionOf(segment, index) == version) ? version : TORN;
	}

	/**
	 * Return the version of a whole value of the name with the given index, or
	 * {@link #TORN} when the segment holds anything else.
	 */
	static int versionOf(MemorySegment segment, int index) {
		long size = segment.byteSize();
		if (size < HEADER || (segment.get(JAVA_BYTE, 0) & 0xff) != index >>> 8
				|| (segment.get(JAVA_BYTE, 1) & 0xff) != (index & 0xff)) {
			return TORN;
		}
		int version = segment.get(JAVA_BYTE, 2) & 0xff;
		if (version == 0 || size != length(index, version)) {
			return TORN;
		}
		for (long i = HEADER; i < size; i++) {
			if (segment.get(JAVA_BYTE, i) != (byte) version) {
				return TORN;
			}
		}
		return version;
	}

	/**
	 * What a worker's operations came to; each must occur in a run for it to prove
	 * anything.
	 */
	enum Outcome {

		/** A secret was stored under a name that had none. */
		PUT,

		/** A secret replaced another of the same name. */
		REPLACE,

		/** A secret was removed. */
		REMOVE,

		/** A whole value was read. */
		READ,

		/** A comparison found the secret equal to the candidate. */
		MATCH,

		/** A comparison found the secret different from the candidate. */
		MISMATCH,

		/** A read or comparison found no secret of the name. */
		ABSENT

	}

	/**
	 * One thread of the stress run. It alone writes the names whose index leaves its
	 * number when divided by {@value #THREADS}, so its model of those names is exact and
	 * it checks every read of them against it; it reads and compares all other names too,
	 * where only a whole value of the right name or the absence of the name are
	 * acceptable.
	 */
	static final class Worker implements Callable<Worker> {

		private static final int MAX_PROBLEMS = 20;

		private final LockedSecretStore store;

		private final int number;

		private final long deadline;

		private final CountDownLatch start;

		private final int[] versions = new int[NAMES];

		private final boolean[] stored = new boolean[NAMES];

		private final Map<Outcome, Long> counts = new EnumMap<>(Outcome.class);

		private final List<String> problems = new ArrayList<>();

		Worker(LockedSecretStore store, int number, long deadline, CountDownLatch start) {
			this.store = store;
			this.number = number;
			this.deadline = deadline;
			this.start = start;
		}

		@Override
		public Worker call() throws InterruptedException {
			this.start.await();
			ThreadLocalRandom random = ThreadLocalRandom.current();
			while (System.nanoTime() < this.deadline) {
				step(random);
			}
			return this;
		}

		private void step(ThreadLocalRandom random) {
			int choice = random.nextInt(10);
			int own = random.nextInt(NAMES / THREADS) * THREADS + this.number;
			if (choice < 4) {
				read(random.nextInt(NAMES), random.nextInt(8) == 0);
			}
			else if (choice < 6) {
				int index = random.nextInt(NAMES);
				boolean current = owns(index) && random.nextBoolean();
				compare(index, current ? this.versions[index] : random.nextInt(1, 256));
			}
			else if (choice < 9) {
				put(own);
			}
			else {
				remove(own);
			}
		}

		private boolean owns(int index) {
			return index % THREADS == this.number;
		}

		/**
		 * Read a name's value; a lingering read checks it, yields the processor and
		 * checks it again, which gives writers time to change what it reads.
		 */
		private void read(int index, boolean linger) {
			try {
				int version = this.store.read(name(index),
						(segment) -> linger ? lingeringVersionOf(segment, index) : versionOf(segment, index));
				if (version == TORN) {
					problem("a read of %s saw no whole value".formatted(name(index)));
				}
				else if (owns(index) && !(this.stored[index] && version == this.versions[index])) {
					problem("a read of %s saw version %d, the model %d".formatted(name(index), version,
							this.versions[index]));
				}
				count(Outcome.READ);
			}
			catch (NoSuchElementException ex) {
				absent(index);
			}
		}

		private void compare(int index, int candidate) {
			try {
				boolean same = this.store.matches(name(index), value(index, candidate));
				if (owns(index) && same != (this.stored[index] && candidate == this.versions[index])) {
					problem("a comparison of %s with version %d said %s".formatted(name(index), candidate, same));
				}
				count(same ? Outcome.MATCH : Outcome.MISMATCH);
			}
			catch (NoSuchElementException ex) {
				absent(index);
			}
		}

		private void absent(int index) {
			if (owns(index) && this.stored[index]) {
				problem("%s was missing".formatted(name(index)));
			}
			count(Outcome.ABSENT);
		}

		private void put(int index) {
			int version = this.versions[index] % 255 + 1;
			this.store.put(name(index), value(index, version));
			count(this.stored[index] ? Outcome.REPLACE : Outcome.PUT);
			this.versions[index] = version;
			this.stored[index] = true;
		}

		private void remove(int index) {
			boolean removed = this.store.remove(name(index));
			if (removed != this.stored[index]) {
				problem("removing %s returned %s".formatted(name(index), removed));
			}
			count(Outcome.REMOVE);
			this.stored[index] = false;
		}

		private void count(Outcome outcome) {
			this.counts.merge(outcome, 1L, Long::sum);
		}

		private void problem(String description) {
			if (this.problems.size() < MAX_PROBLEMS) {
				this.problems.add(description);
			}
		}

		List<String> problems() {
			return this.problems;
		}

		void addStoredTo(Map<Integer, Integer> model) {
			for (int index = this.number; index < NAMES; index += THREADS) {
				if (this.stored[index]) {
					model.put(index, this.versions[index]);
				}
			}
		}

	}

}
