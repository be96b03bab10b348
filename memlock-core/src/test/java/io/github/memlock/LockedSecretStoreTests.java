package io.github.memlock;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;

import io.github.memlock.nativeaccess.NativeMemory;
import io.github.memlock.nativeaccess.ProcFs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link LockedSecretStore}: storing, reading, comparing, removing and closing,
 * on each locking backend this machine offers.
 */
class LockedSecretStoreTests {

	private static final long PAGE_SIZE = NativeMemory.current().pageSize();

	@TempDir
	Path temp;

	@ParameterizedTest
	@EnumSource(names = { "MEMFD_SECRET", "MLOCK", "UNLOCKED" })
	void putBytesShouldStoreCopyAndZeroCallerArray(Backend backend) {
		try (LockedSecretStore store = StoreBackends.open(backend)) {
			byte[] secret = "correct horse battery staple".getBytes(StandardCharsets.US_ASCII);
			store.put("token", secret);
			assertThat(secret).containsOnly(0);
			assertThat(read(store, "token"))
				.isEqualTo("correct horse battery staple".getBytes(StandardCharsets.US_ASCII));
		}
	}

	@ParameterizedTest
	@EnumSource(names = { "MEMFD_SECRET", "MLOCK" })
	void putCharsShouldStoreUtf8AndZeroCallerArray(Backend backend) {
		try (LockedSecretStore store = StoreBackends.open(backend)) {
			String text = "p\u00e4ssw\u00f6rd \u20ac \ud83d\udd11";
			char[] secret = text.toCharArray();
			store.put("password", secret);
			assertThat(secret).containsOnly('\0');
			assertThat(read(store, "password")).isEqualTo(text.getBytes(StandardCharsets.UTF_8));
			assertThat(store.matches("password", text.toCharArray())).isTrue();
		}
	}

	@Test
	void putCharsWhenUnpairedSurrogateShouldThrowAndZeroCallerArray() {
		try (LockedSecretStore store = LockedSecretStore.open()) {
			char[] secret = { 'a', '\ud800', 'b' };
			assertThatIllegalArgumentException().isThrownBy(() -> store.put("broken", secret))
				.withMessage("'secret' must be valid UTF-16 (it holds an unpaired surrogate)");
			assertThat(secret).containsOnly('\0');
			assertThat(store.contains("broken")).isFalse();
		}
	}

	@ParameterizedTest
	@EnumSource(names = { "MEMFD_SECRET", "MLOCK" })
	void putFileShouldReadWholeFile(Backend backend) throws IOException {
		byte[] content = randomBytes(3 * (int) PAGE_SIZE + 123, 1);
		Path file = Files.write(this.temp.resolve("secret"), content);
		try (LockedSecretStore store = StoreBackends.open(backend)) {
			store.putFile("file", file);
			assertThat(read(store, "file")).isEqualTo(content);
		}
	}

	@ParameterizedTest
	@EnumSource(names = { "MEMFD_SECRET", "MLOCK" })
	void putChannelShouldReadToEndThroughGrowingStaging(Backend backend) throws IOException {
		byte[] content = randomBytes(100_000, 2);
		try (LockedSecretStore store = StoreBackends.open(backend)) {
			long lockedBefore = ProcFs.self().lockedBytes();
			store.put("channel", new TricklingChannel(content, 777));
			assertThat(read(store, "channel")).isEqualTo(content);
			assertThat(store.status().usedBytes()).isEqualTo(Math.ceilDiv(content.length, PAGE_SIZE) * PAGE_SIZE);
			assertThat(ProcFs.self().lockedBytes() - lockedBefore).isLessThanOrEqualTo(store.status().lockedBytes());
		}
	}

	@Test
	void putChannelWhenLongerThanMaximumShouldThrowAndStoreNothing() {
		byte[] content = new byte[(int) LockedSecretStore.MAX_CHANNEL_SECRET_BYTES + 1];
		try (LockedSecretStore store = LockedSecretStore.open()) {
			assertThatExceptionOfType(IOException.class)
				.isThrownBy(() -> store.put("huge", Channels.newChannel(new ByteArrayInputStream(content))))
				.withMessage("A secret read from a channel must not exceed 1048576 bytes");
			assertThat(store.contains("huge")).isFalse();
			assertThat(store.status().usedBytes()).isZero();
			assertThat(store.status().lockedBytes()).isZero();
		}
	}

	@Test
	void putWhenEmptyShouldReadBackEmpty() throws IOException {
		Path empty = Files.createFile(this.temp.resolve("empty"));
		try (LockedSecretStore store = LockedSecretStore.open()) {
			store.put("bytes", new byte[0]);
			store.put("chars", new char[0]);
			store.putFile("file", empty);
			store.put("channel", Channels.newChannel(new ByteArrayInputStream(new byte[0])));
			assertThat(store.names()).containsExactlyInAnyOrder("bytes", "chars", "file", "channel");
			assertThat(store.names()).allSatisfy((name) -> assertThat(read(store, name)).isEmpty());
			assertThat(store.matches("bytes", new byte[0])).isTrue();
			assertThat(store.matches("bytes", new byte[] { 0 })).isFalse();
		}
	}

	@Test
	void putWhenNameExistsShouldReplaceSecret() {
		try (LockedSecretStore store = LockedSecretStore.open()) {
			store.put("key", randomBytes(5000, 3));
			store.put("key", "short".getBytes(StandardCharsets.US_ASCII));
			assertThat(store.size()).isOne();
			assertThat(read(store, "key")).isEqualTo("short".getBytes(StandardCharsets.US_ASCII));
			assertThat(store.status().usedBytes()).isEqualTo(SlotAllocator.MIN_SLOT);
		}
	}

	@Test
	void putWhenNameBreaksRuleShouldThrowNamingRuleAndZeroSecret() {
		try (LockedSecretStore store = LockedSecretStore.open()) {
			byte[] secret = { 1, 2, 3 };
			assertThatIllegalArgumentException().isThrownBy(() -> store.put("", secret))
				.withMessage("'name' must not be empty");
			assertThat(secret).containsOnly(0);
			assertThatIllegalArgumentException().isThrownBy(() -> store.put("x".repeat(256), new byte[1]))
				.withMessage("'name' must be at most 255 characters long");
			assertThatIllegalArgumentException().isThrownBy(() -> store.put("line\nbreak", new char[1]))
				.withMessage("'name' must not contain control characters");
			store.put("x".repeat(255), new byte[1]);
			store.put("db.password (\u00e9t\u00e9)", new byte[1]);
			assertThat(store.size()).isEqualTo(2);
		}
	}

	@Test
	void readWhenNameUnknownShouldThrowNamingSecret() {
		try (LockedSecretStore store = LockedSecretStore.open()) {
			assertThatExceptionOfType(NoSuchElementException.class).isThrownBy(() -> store.read("missing", (s) -> s))
				.withMessage("No secret named 'missing'");
			assertThatExceptionOfType(NoSuchElementException.class)
				.isThrownBy(() -> store.matches("missing", new byte[0]));
		}
	}

	@Test
	void readShouldLendReadOnlyViewValidOnlyDuringCallback() {
		try (LockedSecretStore store = LockedSecretStore.open()) {
			store.put("key", new byte[] { 7, 8, 9 });
			AtomicReference<MemorySegment> escaped = new AtomicReference<>();
			long size = store.read("key", (segment) -> {
				escaped.set(segment);
				assertThat(segment.isReadOnly()).isTrue();
				assertThatIllegalArgumentException().isThrownBy(() -> segment.set(JAVA_BYTE, 0, (byte) 1));
				return segment.byteSize();
			});
			assertThat(size).isEqualTo(3);
			assertThatIllegalStateException().isThrownBy(() -> escaped.get().get(JAVA_BYTE, 0));
		}
	}

	@Test
	void readWhenCallbackChangesStoreShouldThrow() {
		try (LockedSecretStore store = LockedSecretStore.open()) {
			store.put("key", new byte[] { 1 });
			store.read("key", (segment) -> {
				assertThatIllegalStateException().isThrownBy(() -> store.remove("key"))
					.withMessage("A read callback must not change the store");
				assertThatIllegalStateException().isThrownBy(() -> store.put("key", new byte[] { 2 }));
				assertThatIllegalStateException().isThrownBy(store::close);
				return store.read("key", (inner) -> inner.get(JAVA_BYTE, 0));
			});
			assertThat(read(store, "key")).containsExactly(1);
		}
	}

	@Test
	void matchesShouldCompareWholeSecret() {
		try (LockedSecretStore store = LockedSecretStore.open()) {
			store.put("token", "s3cr3t-token".getBytes(StandardCharsets.US_ASCII));
			assertThat(store.matches("token", "s3cr3t-token".getBytes(StandardCharsets.US_ASCII))).isTrue();
			assertThat(store.matches("token", "s3cr3t-tokeN".getBytes(StandardCharsets.US_ASCII))).isFalse();
			assertThat(store.matches("token", "S3cr3t-token".getBytes(StandardCharsets.US_ASCII))).isFalse();
			assertThat(store.matches("token", "s3cr3t-toke".getBytes(StandardCharsets.US_ASCII))).isFalse();
			assertThat(store.matches("token", "s3cr3t-token!".getBytes(StandardCharsets.US_ASCII))).isFalse();
			assertThat(store.matches("token", new byte[0])).isFalse();
			assertThat(store.matches("token", "s3cr3t-token".toCharArray())).isTrue();
			assertThat(store.matches("token", "s3cr3t-toke".toCharArray())).isFalse();
			assertThat(store.matches("token", "s3cr3t-token!".toCharArray())).isFalse();
			assertThat(store.matches("token", "s3cr3t-tok\u00e9n".toCharArray())).isFalse();
			assertThat(store.matches("token", new char[] { '\ud800' })).isFalse();
		}
	}

	@Test
	void matchesShouldLeaveCandidateUnchanged() {
		try (LockedSecretStore store = LockedSecretStore.open()) {
			store.put("token", new byte[] { 1, 2 });
			byte[] candidate = { 1, 2 };
			char[] chars = { 'a' };
			assertThat(store.matches("token", candidate)).isTrue();
			assertThat(store.matches("token", chars)).isFalse();
			assertThat(candidate).containsExactly(1, 2);
			assertThat(chars).containsExactly('a');
		}
	}

	@ParameterizedTest
	@EnumSource(names = { "MEMFD_SECRET", "MLOCK" })
	void removeShouldZeroizeSlotAtOnce(Backend backend) {
		try (LockedSecretStore store = StoreBackends.open(backend)) {
			store.put("neighbour", filled(32, (byte) 0x11));
			store.put("victim", filled(32, (byte) 0x5a));
			Slot victim = store.slotOf("victim");
			Slot neighbour = store.slotOf("neighbour");
			assertThat(victim.arena()).isSameAs(neighbour.arena());
			MemorySegment raw = victim.segment();
			assertThat(raw.asSlice(0, 32).toArray(JAVA_BYTE)).containsOnly(0x5a);
			assertThat(store.remove("victim")).isTrue();
			assertThat(raw.toArray(JAVA_BYTE)).containsOnly(0);
			assertThat(store.remove("victim")).isFalse();
			assertThat(read(store, "neighbour")).containsOnly(0x11);
		}
	}

	@ParameterizedTest
	@EnumSource(names = { "MEMFD_SECRET", "MLOCK" })
	void removeWhenArenaEmptiesShouldReleaseIt(Backend backend) {
		long lockedBefore = ProcFs.self().lockedBytes();
		try (LockedSecretStore store = StoreBackends.open(backend)) {
			store.put("only", filled(100, (byte) 1));
			SecretArena arena = store.arenas().getFirst();
			long address = arena.data().address();
			assertThat(ProcMaps.mapped(address)).isTrue();
			assertThat(ProcFs.self().lockedBytes() - lockedBefore).isEqualTo(store.status().lockedBytes()).isPositive();
			store.remove("only");
			assertThat(store.arenas()).isEmpty();
			assertThat(ProcMaps.mapped(address)).isFalse();
			assertThat(ProcFs.self().lockedBytes()).isEqualTo(lockedBefore);
			assertThat(store.status().lockedBytes()).isZero();
		}
	}

	@ParameterizedTest
	@EnumSource(names = { "MEMFD_SECRET", "MLOCK" })
	void closeShouldRestoreVmLckAndUnmapArenas(Backend backend) {
		long lockedBefore = ProcFs.self().lockedBytes();
		LockedSecretStore store = StoreBackends.open(backend);
		for (int i = 0; i < 300; i++) {
			store.put("secret-" + i, filled(10 + i * 7, (byte) i));
		}
		assertThat(ProcFs.self().lockedBytes() - lockedBefore).isEqualTo(store.status().lockedPages() * PAGE_SIZE)
			.isPositive();
		List<Long> addresses = store.arenas().stream().map((arena) -> arena.mapping().address()).toList();
		assertThat(addresses).hasSizeGreaterThan(1)
			.allSatisfy((address) -> assertThat(ProcMaps.mapped(address)).isTrue());
		store.close();
		assertThat(ProcFs.self().lockedBytes()).isEqualTo(lockedBefore);
		assertThat(addresses).allSatisfy((address) -> assertThat(ProcMaps.mapped(address)).isFalse());
		store.close();
	}

	@Test
	void useAfterCloseShouldThrowIllegalState() {
		LockedSecretStore store = LockedSecretStore.open();
		store.put("key", new byte[] { 1 });
		store.close();
		byte[] secret = { 9 };
		assertThatIllegalStateException().isThrownBy(() -> store.put("key", secret))
			.withMessage("LockedSecretStore is closed");
		assertThat(secret).containsOnly(0);
		assertThatIllegalStateException().isThrownBy(() -> store.read("key", (segment) -> 1));
		assertThatIllegalStateException().isThrownBy(() -> store.matches("key", new byte[] { 1 }));
		assertThatIllegalStateException().isThrownBy(() -> store.remove("key"));
		assertThatIllegalStateException().isThrownBy(() -> store.contains("key"));
		assertThatIllegalStateException().isThrownBy(store::names);
		assertThatIllegalStateException().isThrownBy(store::size);
		StoreStatus status = store.status();
		assertThat(status.closed()).isTrue();
		assertThat(status.locked()).isFalse();
		assertThat(status.secretCount()).isZero();
		assertThat(status.lockedBytes()).isZero();
		assertThat(status.capacityBytes()).isZero();
	}

	@Test
	void statusBeforeFirstSecretShouldReportLockedEmptyStore() {
		try (LockedSecretStore store = LockedSecretStore.open()) {
			StoreStatus status = store.status();
			assertThat(status.backend()).isNotEqualTo(Backend.UNLOCKED);
			assertThat(status.locked()).isTrue();
			assertThat(status.degraded()).isFalse();
			assertThat(status.lockedBytes()).isZero();
			assertThat(status.usedBytes()).isZero();
			assertThat(status.secretCount()).isZero();
			assertThat(status.dumpExcluded()).isTrue();
			assertThat(status.wipeOnFork()).isTrue();
			assertThat(status.pageSize()).isEqualTo(PAGE_SIZE);
			assertThat(status.limitSoft()).isEqualTo(NativeMemory.current().memlockLimit().soft());
			assertThat(status.ipcLockCapability()).isEqualTo(ProcFs.self().ipcLockEffective());
		}
	}

	@Test
	void toStringShouldShowNoSecretBytes() {
		try (LockedSecretStore store = LockedSecretStore.open()) {
			store.put("token", "visible-if-leaked".getBytes(StandardCharsets.US_ASCII));
			assertThat(store.toString()).doesNotContain("visible-if-leaked")
				.contains("backend=" + store.status().backend().id())
				.contains("secrets=1");
			assertThat(store.status().toString()).doesNotContain("visible-if-leaked");
		}
	}

	private static byte[] read(LockedSecretStore store, String name) {
		return store.read(name, (segment) -> segment.toArray(JAVA_BYTE));
	}

	private static byte[] filled(int length, byte value) {
		byte[] bytes = new byte[length];
		Arrays.fill(bytes, value);
		return bytes;
	}

	private static byte[] randomBytes(int length, long seed) {
		byte[] bytes = new byte[length];
		new Random(seed).nextBytes(bytes);
		return bytes;
	}

}
