package io.github.memlock;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.github.memlock.nativeaccess.ProcFs;
import org.junit.jupiter.api.Test;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests of {@link LockedSecretStore} under concurrent readers and writers: every value a
 * reader sees is one that was written as a whole, and the store ends consistent.
 */
class LockedSecretStoreConcurrencyTests {

	private static final int NAMES = 64;

	private static final long RUN_MILLIS = 3_000;

	@Test
	void readersAndWritersShouldOnlySeeWholeValuesAndEndConsistent() throws Exception {
		long lockedBefore = ProcFs.self().lockedBytes();
		ConcurrentHashMap<String, Byte> values = new ConcurrentHashMap<>();
		AtomicBoolean stop = new AtomicBoolean();
		AtomicLong reads = new AtomicLong();
		AtomicLong torn = new AtomicLong();
		CountDownLatch start = new CountDownLatch(1);
		ExecutorService executor = Executors.newFixedThreadPool(6);
		try (LockedSecretStore store = LockedSecretStore.open()) {
			List<Future<?>> futures = new ArrayList<>();
			for (int i = 0; i < 2; i++) {
				int writer = i;
				futures.add(executor.submit(() -> write(store, writer, values, start, stop)));
			}
			for (int i = 0; i < 4; i++) {
				futures.add(executor.submit(() -> read(store, start, stop, reads, torn)));
			}
			start.countDown();
			Thread.sleep(RUN_MILLIS);
			stop.set(true);
			for (Future<?> future : futures) {
				future.get(1, TimeUnit.MINUTES);
			}
			System.out.printf("%d reads, %d torn, %d secrets at the end%n", reads.get(), torn.get(), values.size());
			assertThat(torn).hasValue(0);
			assertThat(reads.get()).isPositive();
			assertThat(store.names()).isEqualTo(values.keySet());
			for (String name : store.names()) {
				byte version = values.get(name);
				assertThat(store.read(name, LockedSecretStoreConcurrencyTests::versionOf)).as(name).isEqualTo(version);
			}
			StoreStatus status = store.status();
			assertThat(status.secretCount()).isEqualTo(values.size());
			assertThat(status.locked()).isTrue();
			assertThat(ProcFs.self().lockedBytes() - lockedBefore).isEqualTo(status.lockedBytes());
		}
		finally {
			executor.shutdownNow();
		}
		assertThat(ProcFs.self().lockedBytes()).isEqualTo(lockedBefore);
	}

	private static void write(LockedSecretStore store, int writer, ConcurrentHashMap<String, Byte> values,
			CountDownLatch start, AtomicBoolean stop) {
		await(start);
		ThreadLocalRandom random = ThreadLocalRandom.current();
		while (!stop.get()) {
			// Each writer owns every other name, so the expected values stay exact.
			String name = "secret-" + (random.nextInt(NAMES / 2) * 2 + writer);
			if (random.nextInt(5) == 0) {
				store.remove(name);
				values.remove(name);
			}
			else {
				byte version = (byte) (1 + random.nextInt(255));
				store.put(name, value(version));
				values.put(name, version);
			}
		}
	}

	private static void read(LockedSecretStore store, CountDownLatch start, AtomicBoolean stop, AtomicLong reads,
			AtomicLong torn) {
		await(start);
		ThreadLocalRandom random = ThreadLocalRandom.current();
		while (!stop.get()) {
			String name = "secret-" + random.nextInt(NAMES);
			try {
				if (store.read(name, LockedSecretStoreConcurrencyTests::versionOf) == 0) {
					torn.incrementAndGet();
				}
				reads.incrementAndGet();
			}
			catch (NoSuchElementException ex) {
				// Removed or not yet written: the documented outcome for an unknown name.
			}
		}
	}

	/**
	 * A value of a version: its length depends on the version (so that values move
	 * between size classes and page runs) and every byte is the version.
	 */
	private static byte[] value(byte version) {
		byte[] bytes = new byte[length(version)];
		Arrays.fill(bytes, version);
		return bytes;
	}

	private static int length(byte version) {
		return 1 + ((version & 0xff) * 97) % 9000;
	}

	/**
	 * Return the version a value was written with, or {@code 0} when it is not a whole
	 * value of one version.
	 */
	private static byte versionOf(MemorySegment segment) {
		byte version = segment.get(JAVA_BYTE, 0);
		if (segment.byteSize() != length(version)) {
			return 0;
		}
		for (long i = 1; i < segment.byteSize(); i++) {
			if (segment.get(JAVA_BYTE, i) != version) {
				return 0;
			}
		}
		return version;
	}

	private static void await(CountDownLatch latch) {
		try {
			latch.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
