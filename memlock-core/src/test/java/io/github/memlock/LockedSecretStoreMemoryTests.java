package io.github.memlock;

import java.util.Arrays;
import java.util.List;
import java.util.Set;

import io.github.memlock.nativeaccess.NativeMemory;
import io.github.memlock.nativeaccess.ProcFs;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests that check through {@code /proc/self} what the kernel made of a
 * {@link LockedSecretStore}'s memory: locked and dump-excluded arenas hidden from forked
 * children, inaccessible guard pages, and locked pages and mappings that grow with the
 * bytes stored rather than the number of secrets.
 */
class LockedSecretStoreMemoryTests {

	private static final long PAGE_SIZE = NativeMemory.current().pageSize();

	private static final int SECRETS = 10_000;

	@ParameterizedTest
	@EnumSource(names = { "MEMFD_SECRET", "MLOCK" })
	void putShouldPlaceSecretInLockedDumpExcludedArenaHiddenFromForks(Backend backend) {
		try (LockedSecretStore store = StoreBackends.open(backend)) {
			store.put("key", new byte[32]);
			SecretArena arena = store.arenas().getFirst();
			Set<String> flags = ProcFs.self().vmFlags(arena.data().address()).orElseThrow();
			assertThat(flags).contains("rd", "wr", "lo", "dd", (backend == Backend.MLOCK) ? "wf" : "dc");
			StoreStatus status = store.status();
			assertThat(status.locked()).isTrue();
			assertThat(status.dumpExcluded()).isTrue();
			assertThat(status.wipeOnFork()).isTrue();
		}
	}

	@ParameterizedTest
	@EnumSource(names = { "MEMFD_SECRET", "MLOCK", "UNLOCKED" })
	void putShouldSurroundArenaWithInaccessibleGuardPages(Backend backend) {
		try (LockedSecretStore store = StoreBackends.open(backend)) {
			store.put("key", new byte[32]);
			SecretArena arena = store.arenas().getFirst();
			long before = arena.data().address() - PAGE_SIZE;
			long after = arena.data().address() + arena.data().byteSize();
			assertThat(before).isEqualTo(arena.mapping().address());
			assertThat(after).isEqualTo(arena.mapping().address() + arena.mapping().byteSize() - PAGE_SIZE);
			for (long guard : List.of(before, after)) {
				assertThat(ProcMaps.permissions(guard))
					.hasValueSatisfying((perms) -> assertThat(perms).startsWith("---"));
				assertThat(ProcFs.self().vmFlags(guard))
					.hasValueSatisfying((flags) -> assertThat(flags).doesNotContain("rd", "wr"));
			}
			assertThat(ProcMaps.permissions(arena.data().address()))
				.hasValueSatisfying((perms) -> assertThat(perms).startsWith("rw-"));
		}
	}

	@ParameterizedTest
	@EnumSource(names = { "MEMFD_SECRET", "MLOCK" })
	void putManySmallSecretsShouldLockAndMapByBytesNotBySecrets(Backend backend) {
		long lockedBefore = ProcFs.self().lockedBytes();
		int mappingsBefore = ProcFs.self().mappingCount();
		try (LockedSecretStore store = StoreBackends.open(backend)) {
			for (int i = 0; i < SECRETS; i++) {
				store.put("secret-" + i, secret(i));
			}
			long locked = ProcFs.self().lockedBytes() - lockedBefore;
			int mappings = ProcFs.self().mappingCount() - mappingsBefore;
			StoreStatus status = store.status();
			System.out.printf("%s: %d secrets of 32 B lock %d bytes in %d arenas and add %d mappings%n", backend.id(),
					SECRETS, locked, store.arenas().size(), mappings);
			assertThat(locked).isLessThanOrEqualTo(1024 * 1024).isEqualTo(status.lockedPages() * PAGE_SIZE);
			assertThat(status.lockedBytes()).isEqualTo(locked);
			assertThat(mappings).isLessThanOrEqualTo(40);
			assertThat(status.secretCount()).isEqualTo(SECRETS);
			assertThat(status.usedBytes()).isEqualTo(SECRETS * 32L);
			for (int i = 0; i < SECRETS; i++) {
				byte[] expected = secret(i);
				boolean same = store.read("secret-" + i,
						(segment) -> Arrays.equals(segment.toArray(JAVA_BYTE), expected));
				assertThat(same).as("secret %d", i).isTrue();
			}
		}
		assertThat(ProcFs.self().lockedBytes()).isEqualTo(lockedBefore);
	}

	@ParameterizedTest
	@EnumSource(names = { "MEMFD_SECRET", "MLOCK" })
	void removeOfAllSecretsShouldUnlockEverything(Backend backend) {
		long lockedBefore = ProcFs.self().lockedBytes();
		try (LockedSecretStore store = StoreBackends.open(backend)) {
			for (int i = 0; i < 2_000; i++) {
				store.put("secret-" + i, new byte[(i * 37) % 6000]);
			}
			assertThat(store.arenas()).hasSizeGreaterThan(3);
			assertThat(ProcFs.self().lockedBytes() - lockedBefore).isEqualTo(store.status().lockedBytes());
			for (int i = 0; i < 2_000; i++) {
				store.remove("secret-" + i);
			}
			assertThat(store.arenas()).isEmpty();
			assertThat(store.status().lockedBytes()).isZero();
			assertThat(store.status().usedBytes()).isZero();
			assertThat(ProcFs.self().lockedBytes()).isEqualTo(lockedBefore);
		}
	}

	private static byte[] secret(int i) {
		byte[] bytes = new byte[32];
		for (int j = 0; j < bytes.length; j++) {
			bytes[j] = (byte) (i * 31 + j);
		}
		return bytes;
	}

}
