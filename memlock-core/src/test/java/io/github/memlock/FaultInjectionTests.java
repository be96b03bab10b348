package io.github.memlock;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

import io.github.memlock.FaultyNativeMemory.NativeCall;
import io.github.memlock.nativeaccess.NativeCallException;
import io.github.memlock.nativeaccess.NativeMemory;
import io.github.memlock.nativeaccess.ProcFs;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.fail;

/**
 * Makes each native call a {@link LockedSecretStore} makes fail in turn, and checks that
 * the store still keeps its promises: the failure surfaces as a typed exception naming
 * the call and its errno (or, where the store is allowed to, as a fallback it reports),
 * stored secrets stay readable, no freed memory holds secret bytes, the status agrees
 * with the kernel, and after {@code close} the process has locked and mapped exactly what
 * it had before.
 * <p>
 * A dry run of one scenario per setup records the calls in order: opening (the backend
 * probes), putting secrets of each kind (bytes, characters, a file and a channel, which
 * on {@code memfd-secret} go through a bounce buffer), growing the arenas, replacing a
 * secret, removing the last secret of an arena and closing. Each recorded call is then
 * made to fail, alone, in a run of its own.
 */
class FaultInjectionTests {

	private static final int EPERM = 1;

	private static final int EAGAIN = 11;

	private static final int ENOMEM = 12;

	private static final int EINVAL = 22;

	private static final int ENOSYS = 38;

	private static final int[] ERRNOS = { ENOMEM, EPERM, EAGAIN, EINVAL, ENOSYS };

	private static final long PAGE_SIZE = NativeMemory.current().pageSize();

	/** Calls whose failure the store absorbs by design, each for the reason given. */
	private static final Set<String> BEST_EFFORT = Set.of(
			// Dump exclusion and fork advice are defence in depth; the status reports the
			// flags the kernel shows instead of assuming them.
			"madvise",
			// Linux releases a descriptor even when close reports an error.
			"close",
			// An unknown limit is reported as such (-1) and left to the kernel to
			// enforce.
			"getrlimit",
			// munmap drops the lock of the pages it unmaps (mlock(2)).
			"munlock",
			// A mapping that cannot be unmapped is zero-filled and released on close.
			"munmap");

	@TempDir
	static Path temp;

	@ParameterizedTest(name = "{0}")
	@MethodSource("faults")
	void failingOneNativeCallShouldKeepSecretsAndReleaseEverything(Fault fault) throws Exception {
		long lockedBefore = ProcFs.self().lockedBytes();
		FaultyNativeMemory nativeMemory = new FaultyNativeMemory().failOnce(fault.call(), fault.occurrence(),
				fault.errno());
		Run run = new Run(fault.setup(), nativeMemory, lockedBefore);
		run.perform();
		assertThat(nativeMemory.record()).as("the fault was reached")
			.anySatisfy((call) -> assertThat(call.errno()).isEqualTo(fault.errno()));
		Throwable failure = run.failure();
		if (failure != null) {
			assertTypedFailure(fault, failure);
		}
		else {
			assertAbsorbed(fault, run);
		}
		assertThat(ProcFs.self().lockedBytes()).as("VmLck after close").isEqualTo(lockedBefore);
		assertThat(nativeMemory.liveMappings()).as("regions the store did not unmap").isEmpty();
		assertThat(mappingsOverlapping(nativeMemory.everMapped())).as("mappings left where the store mapped").isEmpty();
	}

	@Test
	void dryRunShouldReachEveryKindOfCall() throws Exception {
		Set<String> reached = new java.util.TreeSet<>();
		for (Setup setup : Setup.values()) {
			dryRun(setup).forEach((call) -> reached.add(call.name()));
		}
		assertThat(reached).containsAll(Set.of("sysconf", "getrlimit", "mmap", "munmap", "mlock", "munlock", "madvise",
				"mprotect", "memfd_secret", "ftruncate", "close"));
	}

	@Test
	void removeWhenMunlockFailsShouldStillUnmapAndUnlock() {
		long lockedBefore = ProcFs.self().lockedBytes();
		FaultyNativeMemory nativeMemory = new FaultyNativeMemory();
		try (LockedSecretStore store = StoreBackends.open(Backend.MLOCK,
				(builder) -> builder.nativeMemory(nativeMemory))) {
			store.put("key", filled(32, 0x5a));
			nativeMemory.fail("munlock", ENOMEM);
			assertThat(store.remove("key")).isTrue();
			assertThat(store.arenas()).isEmpty();
			assertThat(store.leftovers()).isEmpty();
			assertThat(nativeMemory.liveMappings()).isEmpty();
			assertThat(ProcFs.self().lockedBytes()).isEqualTo(lockedBefore);
		}
	}

	@Test
	void removeWhenMunmapFailsShouldKeepZeroFilledArenaAndReleaseItWhenCloseIsRetried() {
		long lockedBefore = ProcFs.self().lockedBytes();
		FaultyNativeMemory nativeMemory = new FaultyNativeMemory();
		LockedSecretStore store = StoreBackends.open(Backend.MLOCK, (builder) -> builder.nativeMemory(nativeMemory));
		store.put("key", filled(32, 0x5a));
		nativeMemory.fail("munmap", EINVAL);
		assertThat(store.remove("key")).isTrue();
		assertThat(store.arenas()).isEmpty();
		assertThat(store.leftovers()).singleElement()
			.satisfies((arena) -> assertThat(arena.data().toArray(JAVA_BYTE)).containsOnly(0));
		assertThat(ProcFs.self().lockedBytes() - lockedBefore).isEqualTo(store.status().lockedBytes());
		assertThatExceptionOfType(MemoryLockException.class).isThrownBy(store::close).satisfies((ex) -> {
			assertThat(ex.call()).isEqualTo("munmap");
			assertThat(ex.errnoName()).isEqualTo("EINVAL");
			assertThat(ex.getMessage()).startsWith("Could not release the store's memory: munmap failed: EINVAL")
				.endsWith("call close() again to retry.");
		});
		assertThat(store.status().closed()).isTrue();
		nativeMemory.heal("munmap");
		store.close();
		assertThat(store.leftovers()).isEmpty();
		assertThat(nativeMemory.liveMappings()).isEmpty();
		assertThat(ProcFs.self().lockedBytes()).isEqualTo(lockedBefore);
	}

	@Test
	void putFileWhenBounceBufferCannotBeLockedAndUnlockedAllowedShouldCountLockFailure() throws IOException {
		byte[] content = random(100, 4);
		Path file = Files.write(temp.resolve("bounced"), content);
		FaultyNativeMemory nativeMemory = new FaultyNativeMemory();
		try (LockedSecretStore store = StoreBackends.open(Backend.MEMFD_SECRET,
				(builder) -> builder.nativeMemory(nativeMemory).allowUnlocked(true))) {
			nativeMemory.fail("mlock", EAGAIN);
			store.putFile("key", file);
			assertThat(read(store, "key")).isEqualTo(content);
			StoreStatus status = store.status();
			assertThat(status.lockFailures()).isOne();
			assertThat(status.locked()).isTrue();
		}
		assertThat(nativeMemory.liveMappings()).isEmpty();
	}

	private static void assertTypedFailure(Fault fault, Throwable failure) {
		NativeCallException cause = nativeCause(failure);
		assertThat(cause).as("the native failure behind %s", failure).isNotNull();
		assertThat(cause.call()).isEqualTo(fault.call());
		assertThat(cause.errno()).isEqualTo(fault.errno());
		if (failure instanceof MemoryLockException lockFailure) {
			assertThat(lockFailure.call()).isEqualTo(fault.call());
			assertThat(lockFailure.errnoName()).isEqualTo(cause.errnoName());
			assertThat(lockFailure.getMessage()).contains(fault.call() + " failed: " + cause.errnoName());
		}
		else {
			fail("Expected a MemoryLockException for " + fault + " but got " + failure, failure);
		}
	}

	private static void assertAbsorbed(Fault fault, Run run) {
		StoreStatus status = run.statusBeforeClose();
		boolean bestEffort = BEST_EFFORT.contains(fault.call());
		boolean fellBack = fault.setup().backend() == null && status != null
				&& status.backend() != Backend.MEMFD_SECRET;
		boolean degraded = fault.setup().allowUnlocked() && status != null
				&& (status.lockFailures() > 0 || status.backend() == Backend.UNLOCKED);
		assertThat(bestEffort || fellBack || degraded)
			.as("%s left no exception, no fallback and no degradation; status %s", fault, status)
			.isTrue();
	}

	private static @Nullable NativeCallException nativeCause(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof NativeCallException nativeFailure) {
				return nativeFailure;
			}
		}
		return null;
	}

	/**
	 * Return one fault per call site of each setup's dry run, each failing with the next
	 * of the errnos in turn. A site reached again through the same frames (another arena
	 * created by the same kind of put, say) is failed only the first time. Setups that
	 * allow unlocked memory only differ where locking can fail, so the calls whose
	 * failure does not depend on that policy are failed in the other setups only.
	 */
	static Stream<Fault> faults() throws Exception {
		List<Fault> faults = new ArrayList<>();
		int errno = 0;
		for (Setup setup : Setup.values()) {
			Set<String> sites = new HashSet<>();
			for (NativeCall call : dryRun(setup)) {
				boolean policyFree = BEST_EFFORT.contains(call.name()) || call.name().equals("sysconf");
				if (!(setup.allowUnlocked() && policyFree) && sites.add(call.name() + " " + call.site())) {
					faults.add(new Fault(setup, call.name(), call.occurrence(), ERRNOS[errno++ % ERRNOS.length],
							call.detail()));
				}
			}
		}
		return faults.stream();
	}

	/**
	 * Return the lines of {@code /proc/self/maps} whose range overlaps one of the given
	 * regions. The JVM maps and unmaps memory of its own all the time (compiler threads,
	 * malloc arenas), so the number of mappings is not compared; the kernel's view of the
	 * very ranges the store mapped is.
	 */
	private static List<String> mappingsOverlapping(List<long[]> regions) throws IOException {
		List<String> overlapping = new ArrayList<>();
		for (String line : Files.readAllLines(Path.of("/proc/self/maps"), StandardCharsets.ISO_8859_1)) {
			String[] range = line.substring(0, line.indexOf(' ')).split("-");
			long start = Long.parseUnsignedLong(range[0], 16);
			long end = Long.parseUnsignedLong(range[1], 16);
			for (long[] region : regions) {
				if (start < region[0] + region[1] && region[0] < end) {
					overlapping.add(line);
				}
			}
		}
		return overlapping;
	}

	private static List<NativeCall> dryRun(Setup setup) throws Exception {
		FaultyNativeMemory nativeMemory = new FaultyNativeMemory();
		Run run = new Run(setup, nativeMemory, ProcFs.self().lockedBytes());
		run.perform();
		assertThat(run.failure()).as("dry run of %s", setup).isNull();
		return nativeMemory.record();
	}

	/**
	 * The store configurations whose calls are walked.
	 *
	 * @param backend the forced backend, or {@code null} for automatic choice
	 * @param allowUnlocked whether unlocked memory is allowed
	 */
	enum Setup {

		AUTO(null, false), AUTO_UNLOCKED_ALLOWED(null, true), MLOCK(Backend.MLOCK, false),
		MLOCK_UNLOCKED_ALLOWED(Backend.MLOCK, true);

		private final @Nullable Backend backend;

		private final boolean allowUnlocked;

		Setup(@Nullable Backend backend, boolean allowUnlocked) {
			this.backend = backend;
			this.allowUnlocked = allowUnlocked;
		}

		@Nullable Backend backend() {
			return this.backend;
		}

		boolean allowUnlocked() {
			return this.allowUnlocked;
		}

	}

	/**
	 * One native call made to fail.
	 */
	record Fault(Setup setup, String call, int occurrence, int errno, String detail) {

		@Override
		public String toString() {
			return this.setup + ": " + this.call + "#" + this.occurrence + "(" + this.detail + ") fails with "
					+ NativeCallException.of(this.call, this.errno).errnoName();
		}

	}

	/**
	 * One run of the scenario: each step is tried in turn and the store is checked after
	 * it; a step that fails leaves the expected contents as they were.
	 */
	static final class Run {

		private final Setup setup;

		private final FaultyNativeMemory nativeMemory;

		private final long lockedBefore;

		private final Map<String, byte[]> expected = new LinkedHashMap<>();

		private @Nullable LockedSecretStore store;

		private @Nullable Throwable failure;

		private @Nullable StoreStatus statusBeforeClose;

		Run(Setup setup, FaultyNativeMemory nativeMemory, long lockedBefore) {
			this.setup = setup;
			this.nativeMemory = nativeMemory;
			this.lockedBefore = lockedBefore;
		}

		@Nullable Throwable failure() {
			return this.failure;
		}

		@Nullable StoreStatus statusBeforeClose() {
			return this.statusBeforeClose;
		}

		void perform() throws IOException {
			try {
				this.store = LockedSecretStore.builder()
					.backend(this.setup.backend())
					.allowUnlocked(this.setup.allowUnlocked())
					.nativeMemory(this.nativeMemory)
					.build();
			}
			catch (RuntimeException ex) {
				this.failure = ex;
				return;
			}
			LockedSecretStore store = this.store;
			step("alpha", filled(32, 0x11), () -> store.put("alpha", filled(32, 0x11)));
			step("beta", "p\u00e4ss \u20ac".getBytes(StandardCharsets.UTF_8),
					() -> store.put("beta", "p\u00e4ss \u20ac".toCharArray()));
			byte[] gamma = random(3000, 1);
			Path file = Files.write(temp.resolve("gamma-" + System.nanoTime()), gamma);
			step("gamma", gamma, () -> store.putFile("gamma", file));
			byte[] delta = random(600, 2);
			step("delta", delta, () -> store.put("delta", new TricklingChannel(delta, Integer.MAX_VALUE)));
			byte[] epsilon = random((int) (3 * PAGE_SIZE), 3);
			step("epsilon", epsilon, () -> store.put("epsilon", epsilon.clone()));
			step("alpha", filled(100, 0x22), () -> store.put("alpha", filled(100, 0x22)));
			step("epsilon", null, () -> store.remove("epsilon"));
			assertKernelAgrees(store);
			this.statusBeforeClose = store.status();
			try {
				store.close();
			}
			catch (RuntimeException ex) {
				record(ex);
				assertThat(store.status().closed()).as("closed despite %s", ex).isTrue();
				store.close();
			}
			assertThat(store.status().closed()).isTrue();
		}

		private void step(String name, byte @Nullable [] value, Action action) {
			LockedSecretStore store = this.store;
			try {
				action.run();
				if (value != null) {
					this.expected.put(name, value);
				}
				else {
					this.expected.remove(name);
				}
			}
			catch (IOException | RuntimeException ex) {
				record(ex);
			}
			assertConsistent(store);
		}

		private void record(Throwable ex) {
			if (this.failure != null) {
				fail("A single fault made two steps fail", ex);
			}
			this.failure = ex;
		}

		private void assertConsistent(LockedSecretStore store) {
			assertThat(store.names()).isEqualTo(this.expected.keySet());
			this.expected.forEach((name, bytes) -> assertThat(read(store, name)).as(name).isEqualTo(bytes));
			for (SecretArena arena : store.arenas()) {
				assertThat(strayBytes(store, arena)).as("non-zero bytes outside stored secrets in %s", arena).isEmpty();
			}
			for (SecretArena leftover : store.leftovers()) {
				assertThat(leftover.data().toArray(JAVA_BYTE)).as("kept %s", leftover).containsOnly(0);
			}
			StoreStatus status = store.status();
			assertThat(ProcFs.self().lockedBytes() - this.lockedBefore).as("VmLck growth against %s", status)
				.isEqualTo(status.lockedBytes());
			assertThat(status.secretCount()).isEqualTo(this.expected.size());
		}

		/**
		 * Check that the flags the store recorded for each arena are the ones the kernel
		 * shows; once per run, as the kernel is slow to produce smaps.
		 */
		private void assertKernelAgrees(LockedSecretStore store) {
			for (SecretArena arena : store.arenas()) {
				if (arena.allocation() == null) {
					Optional<Set<String>> flags = ProcFs.self().vmFlags(arena.data().address());
					assertThat(flags).as("smaps entry of %s", arena).isPresent();
					assertThat(flags.get().contains("lo")).as("locked %s", arena).isEqualTo(arena.locked());
					assertThat(flags.get().contains("dd")).as("dump-excluded %s", arena)
						.isEqualTo(arena.dumpExcluded());
					assertThat(flags.get().contains("wf") || flags.get().contains("dc")).as("fork-hidden %s", arena)
						.isEqualTo(arena.wipeOnFork());
				}
			}
		}

		private Optional<Integer> strayBytes(LockedSecretStore store, SecretArena arena) {
			byte[] data = arena.data().toArray(JAVA_BYTE);
			for (String name : this.expected.keySet()) {
				Slot slot = store.slotOf(name);
				if (slot != null && slot.arena() == arena) {
					Arrays.fill(data, (int) slot.offset(), (int) slot.offset() + this.expected.get(name).length,
							(byte) 0);
				}
			}
			for (int i = 0; i < data.length; i++) {
				if (data[i] != 0) {
					return Optional.of(i);
				}
			}
			return Optional.empty();
		}

	}

	private static byte[] read(LockedSecretStore store, String name) {
		return store.read(name, (segment) -> segment.toArray(JAVA_BYTE));
	}

	private static byte[] filled(int length, int value) {
		byte[] bytes = new byte[length];
		Arrays.fill(bytes, (byte) value);
		return bytes;
	}

	private static byte[] random(int length, long seed) {
		byte[] bytes = new byte[length];
		new Random(seed).nextBytes(bytes);
		for (int i = 0; i < length; i++) {
			bytes[i] |= 1;
		}
		return bytes;
	}

	@FunctionalInterface
	private interface Action {

		void run() throws IOException;

	}

}
