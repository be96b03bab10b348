package io.github.memlock;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import io.github.memlock.nativeaccess.NativeMemory;
import io.github.memlock.nativeaccess.Platform;
import io.github.memlock.nativeaccess.ProcFs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests of how {@link LockedSecretStore} chooses a backend and what it does when locking
 * fails, with failures injected through {@link FaultyNativeMemory} where a real one
 * cannot be produced in this JVM.
 */
class LockedSecretStoreBackendTests {

	private static final int ENOSYS = 38;

	private static final int EPERM = 1;

	private static final int ENOMEM = 12;

	private static final long PAGE_SIZE = NativeMemory.current().pageSize();

	@Test
	void openWhenMemfdSecretIsMissingShouldFallBackToMlock() {
		FaultyNativeMemory nativeMemory = new FaultyNativeMemory().fail("memfd_secret", ENOSYS);
		try (LockedSecretStore store = LockedSecretStore.builder().nativeMemory(nativeMemory).build()) {
			store.put("key", new byte[] { 1 });
			StoreStatus status = store.status();
			assertThat(status.backend()).isEqualTo(Backend.MLOCK);
			assertThat(status.locked()).isTrue();
			assertThat(status.degraded()).isFalse();
			assertThat(status.lockFailures()).isZero();
		}
	}

	@Test
	void openWhenForcedBackendFailsShouldNotFallThrough() {
		FaultyNativeMemory nativeMemory = new FaultyNativeMemory().fail("memfd_secret", ENOSYS);
		assertThatExceptionOfType(MemoryLockException.class)
			.isThrownBy(
					() -> LockedSecretStore.builder().backend(Backend.MEMFD_SECRET).nativeMemory(nativeMemory).build())
			.satisfies((ex) -> {
				assertThat(ex.backendTried()).isEqualTo(Backend.MEMFD_SECRET);
				assertThat(ex.call()).isEqualTo("memfd_secret");
				assertThat(ex.errnoName()).isEqualTo("ENOSYS");
				assertThat(ex.remedy()).contains("secretmem.enable=1", "mlock backend");
				assertThat(ex.getMessage()).contains("memfd_secret failed: ENOSYS (Function not implemented)",
						"RLIMIT_MEMLOCK soft");
			});
		assertThat(nativeMemory.calls("mlock")).isZero();
	}

	@Test
	void openWhenNoBackendLocksShouldFailWithLastErrnoAndLimits() {
		FaultyNativeMemory nativeMemory = new FaultyNativeMemory().fail("memfd_secret", ENOSYS).fail("mlock", EPERM);
		long lockedBefore = ProcFs.self().lockedBytes();
		assertThatExceptionOfType(MemoryLockException.class)
			.isThrownBy(() -> LockedSecretStore.builder().nativeMemory(nativeMemory).build())
			.satisfies((ex) -> {
				assertThat(ex).isNotInstanceOf(LockBudgetExceededException.class);
				assertThat(ex.backendTried()).isEqualTo(Backend.MLOCK);
				assertThat(ex.call()).isEqualTo("mlock");
				assertThat(ex.errnoName()).isEqualTo("EPERM");
				assertThat(ex.limitSoft()).isEqualTo(NativeMemory.current().memlockLimit().soft());
				assertThat(ex.ipcLockCapability()).isEqualTo(ProcFs.self().ipcLockEffective());
				assertThat(ex.remedy()).contains("ulimit -l", "LimitMEMLOCK", "CAP_IPC_LOCK");
				assertThat(ex.getMessage()).startsWith("No backend could lock memory (memfd-secret: ")
					.contains("mlock: mlock failed: EPERM (Operation not permitted)");
			});
		assertThat(nativeMemory.calls("mmap")).isEqualTo(nativeMemory.calls("munmap"));
		assertThat(ProcFs.self().lockedBytes()).isEqualTo(lockedBefore);
	}

	@Test
	void openWhenNoBackendLocksAndUnlockedAllowedShouldStartDegraded() {
		FaultyNativeMemory nativeMemory = new FaultyNativeMemory().fail("memfd_secret", ENOSYS).fail("mlock", EPERM);
		try (LockedSecretStore store = LockedSecretStore.builder()
			.nativeMemory(nativeMemory)
			.allowUnlocked(true)
			.build()) {
			store.put("key", "value".getBytes(StandardCharsets.US_ASCII));
			StoreStatus status = store.status();
			assertThat(status.backend()).isEqualTo(Backend.UNLOCKED);
			assertThat(status.locked()).isFalse();
			assertThat(status.degradedReason()).contains("mlock failed: EPERM (Operation not permitted)")
				.doesNotContain("RLIMIT_MEMLOCK");
			assertThat(status.lockFailures()).isOne();
			assertThat(status.lockedBytes()).isZero();
			assertThat(status.dumpExcluded()).isTrue();
			assertThat(store.matches("key", "value".getBytes(StandardCharsets.US_ASCII))).isTrue();
		}
	}

	@Test
	void openWhenUnlockedBackendForcedShouldReportDegradedWithoutFailures() {
		try (LockedSecretStore store = LockedSecretStore.builder().backend(Backend.UNLOCKED).build()) {
			store.put("key", new byte[] { 1 });
			StoreStatus status = store.status();
			assertThat(status.backend()).isEqualTo(Backend.UNLOCKED);
			assertThat(status.locked()).isFalse();
			assertThat(status.degradedReason()).isEqualTo("the unlocked backend was selected");
			assertThat(status.lockFailures()).isZero();
			assertThat(status.lockedBytes()).isZero();
		}
	}

	@Test
	void openWhenPlatformUnsupportedShouldFailOrKeepSecretsOffHeapWhenAllowed() {
		NativeMemory unsupported = NativeMemory.forPlatform(Platform.UNSUPPORTED);
		assertThatExceptionOfType(MemoryLockException.class)
			.isThrownBy(() -> LockedSecretStore.builder().nativeMemory(unsupported).build())
			.satisfies((ex) -> {
				assertThat(ex.backendTried()).isEqualTo(Backend.MLOCK);
				assertThat(ex.errnoName()).isNull();
				assertThat(ex.remedy()).contains("allow unlocked memory");
			});
		try (LockedSecretStore store = LockedSecretStore.builder()
			.nativeMemory(unsupported)
			.allowUnlocked(true)
			.build()) {
			store.put("key", new byte[] { 4, 2 });
			assertThat(bytes(store, "key")).containsExactly(4, 2);
			assertThat(store.status().backend()).isEqualTo(Backend.UNLOCKED);
			assertThat(store.status().degraded()).isTrue();
			assertThat(store.remove("key")).isTrue();
		}
	}

	@Test
	void putWhenBudgetExceededShouldKeepStoredSecrets() {
		try (LockedSecretStore store = StoreBackends.open(Backend.MLOCK,
				(builder) -> builder.maxLockedBytes(4 * PAGE_SIZE))) {
			store.put("big", new byte[(int) (3 * PAGE_SIZE)]);
			store.put("small", new byte[] { 5 });
			byte[] tooBig = new byte[(int) (2 * PAGE_SIZE)];
			Arrays.fill(tooBig, (byte) 1);
			assertThatExceptionOfType(LockBudgetExceededException.class).isThrownBy(() -> store.put("more", tooBig))
				.satisfies((ex) -> {
					assertThat(ex.requestedBytes()).isEqualTo(2 * PAGE_SIZE);
					assertThat(ex.budgetBytes()).isEqualTo(0);
					assertThat(ex.call()).isNull();
					assertThat(ex.errnoName()).isNull();
					assertThat(ex.getMessage()).contains("Cannot lock " + 2 * PAGE_SIZE + " more bytes",
							"the store's maximum of " + 4 * PAGE_SIZE + " locked bytes");
					assertThat(ex.exceedsStoreMaximum()).isTrue();
					assertThat(ex.remedy()).contains("'memlock.max-locked-bytes'").doesNotContain("ulimit");
				});
			assertThat(tooBig).containsOnly(0);
			assertThat(store.names()).containsExactlyInAnyOrder("big", "small");
			assertThat(bytes(store, "small")).containsExactly(5);
			assertThat(store.status().locked()).isTrue();
			assertThat(store.status().lockFailures()).isZero();
		}
	}

	@Test
	void putWhenBudgetExceededAndUnlockedAllowedShouldSpillUntilLockedMemoryIsFree() {
		try (LockedSecretStore store = StoreBackends.open(Backend.MLOCK,
				(builder) -> builder.maxLockedBytes(PAGE_SIZE).allowUnlocked(true))) {
			store.put("locked", new byte[(int) PAGE_SIZE]);
			store.put("spilled", new byte[] { 3 });
			StoreStatus spilled = store.status();
			assertThat(spilled.backend()).isEqualTo(Backend.MLOCK);
			assertThat(spilled.locked()).isFalse();
			assertThat(spilled.degradedReason()).contains("would exceed the budget");
			assertThat(spilled.lockFailures()).isOne();
			assertThat(spilled.lockedPages()).isOne();
			assertThat(store.arenas()).extracting(SecretArena::locked).containsExactly(true, false);
			assertThat(bytes(store, "spilled")).containsExactly(3);
			store.remove("spilled");
			assertThat(store.status().locked()).isTrue();
			assertThat(store.status().degraded()).isFalse();
			assertThat(store.status().lockFailures()).isOne();
		}
	}

	@Test
	void putWhenLockFailsWhileGrowingShouldThrowAndKeepStoredSecrets() {
		FaultyNativeMemory nativeMemory = new FaultyNativeMemory();
		try (LockedSecretStore store = LockedSecretStore.builder()
			.backend(Backend.MLOCK)
			.nativeMemory(nativeMemory)
			.build()) {
			store.put("first", new byte[] { 1 });
			nativeMemory.fail("mlock", ENOMEM);
			assertThatExceptionOfType(MemoryLockException.class)
				.isThrownBy(() -> store.put("second", new byte[(int) PAGE_SIZE]))
				.satisfies((ex) -> {
					assertThat(ex.call()).isEqualTo("mlock");
					assertThat(ex.errnoName()).isEqualTo("ENOMEM");
					assertThat(ex.backendTried()).isEqualTo(Backend.MLOCK);
				});
			assertThat(store.names()).containsExactly("first");
			assertThat(store.status().locked()).isTrue();
			assertThat(nativeMemory.calls("mmap")).isEqualTo(nativeMemory.calls("munmap") + 1);
		}
	}

	@Test
	void putFileOnMemfdSecretShouldReadThroughLockedBounceBuffer(@TempDir Path temp) throws Exception {
		Path file = Files.write(temp.resolve("key"), new byte[] { 1, 2, 3 });
		FaultyNativeMemory nativeMemory = new FaultyNativeMemory();
		try (LockedSecretStore store = StoreBackends.open(Backend.MEMFD_SECRET,
				(builder) -> builder.nativeMemory(nativeMemory))) {
			int locksBefore = nativeMemory.calls("mlock");
			store.putFile("key", file);
			assertThat(nativeMemory.calls("mlock")).isEqualTo(locksBefore + 1);
			assertThat(nativeMemory.calls("munlock")).isEqualTo(1);
			assertThat(bytes(store, "key")).containsExactly(1, 2, 3);
		}
	}

	private static byte[] bytes(LockedSecretStore store, String name) {
		return store.read(name, (segment) -> segment.toArray(JAVA_BYTE));
	}

}
