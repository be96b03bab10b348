package io.github.memlock;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Tests that no failure a caller of {@link LockedSecretStore} can reach while handling
 * marker secrets carries the secret in its message, its {@code toString}, its causes or
 * its suppressed failures, nor in the store's status.
 */
class LockedSecretStoreLeakTests {

	private static final int ENOMEM = 12;

	private static final int EINVAL = 22;

	private static final List<String> BAD_NAMES = List.of("", "n".repeat(LockedSecretStore.MAX_NAME_LENGTH + 1),
			"bad\nname");

	private final byte[] marker = Markers.random(32);

	private final Map<String, byte[]> markers = Map.of("marker", this.marker);

	@TempDir
	Path temp;

	@Test
	void searchShouldFindMarkerInFailureThatCarriesIt() {
		IllegalStateException failure = new IllegalStateException("outer",
				new IOException("inner " + HexFormat.of().formatHex(this.marker)));
		assertThat(Markers.findIn(Markers.render(failure), this.markers)).hasValue("'marker' as hex");
	}

	@Test
	void putWhenNameIsBadShouldFailWithoutMarker() throws IOException {
		Path file = markerFile("secret", 1);
		try (LockedSecretStore store = LockedSecretStore.builder().allowUnlocked(true).build()) {
			for (String name : BAD_NAMES) {
				assertFailsWithoutMarker(() -> store.put(name, this.marker.clone()), IllegalArgumentException.class);
				assertFailsWithoutMarker(() -> store.put(name, chars(this.marker)), IllegalArgumentException.class);
				assertFailsWithoutMarker(() -> store.putFile(name, file), IllegalArgumentException.class);
				try (FileChannel channel = FileChannel.open(file)) {
					assertFailsWithoutMarker(() -> store.put(name, channel), IllegalArgumentException.class);
				}
			}
		}
	}

	@Test
	void putWhenCharactersAreNotUtf16ShouldFailWithoutMarker() {
		char[] secret = (new String(this.marker, StandardCharsets.US_ASCII) + "\ud800").toCharArray();
		try (LockedSecretStore store = LockedSecretStore.builder().allowUnlocked(true).build()) {
			assertFailsWithoutMarker(() -> store.put("secret", secret), IllegalArgumentException.class);
		}
	}

	@Test
	void putWhenBudgetIsExceededShouldFailWithoutMarker() throws IOException {
		Path file = markerFile("big", 2048);
		try (LockedSecretStore store = LockedSecretStore.builder().maxLockedBytes(16 * 1024).build()) {
			assertFailsWithoutMarker(() -> store.put("big", repeated(2048)), LockBudgetExceededException.class);
			assertFailsWithoutMarker(() -> store.put("big", chars(repeated(2048))), LockBudgetExceededException.class);
			assertFailsWithoutMarker(() -> store.putFile("big", file), LockBudgetExceededException.class);
			try (FileChannel channel = FileChannel.open(file)) {
				assertFailsWithoutMarker(() -> store.put("big", channel), LockBudgetExceededException.class);
			}
			assertStatusWithoutMarker(store);
		}
	}

	@Test
	void putWhenChannelExceedsMaximumShouldFailWithoutMarker() throws IOException {
		Path file = markerFile("huge", (int) (LockedSecretStore.MAX_CHANNEL_SECRET_BYTES / this.marker.length) + 1);
		try (LockedSecretStore store = LockedSecretStore.builder().allowUnlocked(true).build();
				FileChannel channel = FileChannel.open(file)) {
			assertFailsWithoutMarker(() -> store.put("huge", channel), IOException.class);
		}
	}

	@Test
	void putWhenLockingFailsShouldFailWithoutMarkerOrDegradeWithoutMarker() {
		FaultyNativeMemory nativeMemory = new FaultyNativeMemory();
		try (LockedSecretStore strict = LockedSecretStore.builder()
			.backend(Backend.MLOCK)
			.nativeMemory(nativeMemory)
			.build();
				LockedSecretStore lenient = LockedSecretStore.builder()
					.backend(Backend.MLOCK)
					.allowUnlocked(true)
					.nativeMemory(nativeMemory)
					.build()) {
			nativeMemory.fail("mlock", ENOMEM);
			assertFailsWithoutMarker(() -> strict.put("secret", this.marker.clone()), MemoryLockException.class);
			lenient.put("secret", this.marker.clone());
			assertThat(lenient.status().degraded()).isTrue();
			assertStatusWithoutMarker(lenient);
			nativeMemory.heal("mlock");
		}
	}

	@Test
	void closeWhenUnmappingFailsShouldFailWithoutMarker() {
		FaultyNativeMemory nativeMemory = new FaultyNativeMemory();
		LockedSecretStore store = LockedSecretStore.builder().backend(Backend.MLOCK).nativeMemory(nativeMemory).build();
		store.put("secret", this.marker.clone());
		nativeMemory.fail("munmap", EINVAL);
		assertFailsWithoutMarker(store::close, MemoryLockException.class);
		assertStatusWithoutMarker(store);
		nativeMemory.heal("munmap");
		store.close();
	}

	@Test
	void useAfterRemoveShouldFailWithoutMarker() {
		try (LockedSecretStore store = LockedSecretStore.builder().allowUnlocked(true).build()) {
			store.put("secret", this.marker.clone());
			MemorySegment escaped = store.read("secret", (segment) -> segment);
			assertFailsWithoutMarker(() -> escaped.get(JAVA_BYTE, 0), IllegalStateException.class);
			assertFailsWithoutMarker(() -> store.read("secret", (segment) -> store.remove("secret")),
					IllegalStateException.class);
			store.remove("secret");
			assertFailsWithoutMarker(() -> store.read("secret", (segment) -> segment.get(JAVA_BYTE, 0)),
					NoSuchElementException.class);
			assertFailsWithoutMarker(() -> store.matches("secret", this.marker), NoSuchElementException.class);
			assertFailsWithoutMarker(() -> store.matches("secret", chars(this.marker)), NoSuchElementException.class);
		}
	}

	@Test
	void useAfterCloseShouldFailWithoutMarker() throws IOException {
		Path file = markerFile("secret", 1);
		LockedSecretStore store = LockedSecretStore.builder().allowUnlocked(true).build();
		store.put("secret", this.marker.clone());
		store.close();
		assertFailsWithoutMarker(() -> store.put("secret", this.marker.clone()), IllegalStateException.class);
		assertFailsWithoutMarker(() -> store.put("secret", chars(this.marker)), IllegalStateException.class);
		assertFailsWithoutMarker(() -> store.putFile("secret", file), IllegalStateException.class);
		assertFailsWithoutMarker(() -> store.read("secret", (segment) -> segment.get(JAVA_BYTE, 0)),
				IllegalStateException.class);
		assertFailsWithoutMarker(() -> store.matches("secret", this.marker), IllegalStateException.class);
		assertFailsWithoutMarker(() -> store.remove("secret"), IllegalStateException.class);
		assertFailsWithoutMarker(store::names, IllegalStateException.class);
		assertStatusWithoutMarker(store);
	}

	@Test
	void putFileWhenFileCannotBeReadShouldFailWithoutMarker() throws IOException {
		Path directory = Files.createDirectories(this.temp.resolve("directory"));
		try (LockedSecretStore store = LockedSecretStore.builder().allowUnlocked(true).build()) {
			store.put("secret", this.marker.clone());
			assertFailsWithoutMarker(() -> store.putFile("missing", this.temp.resolve("missing")), IOException.class);
			assertFailsWithoutMarker(() -> store.putFile("directory", directory), IOException.class);
		}
	}

	private void assertFailsWithoutMarker(ThrowingCallable call, Class<? extends Throwable> type) {
		Throwable failure = catchThrowable(call);
		assertThat(failure).isInstanceOf(type);
		assertThat(Markers.findIn(Markers.render(failure), this.markers)).as("a marker in %s", failure).isEmpty();
	}

	private void assertStatusWithoutMarker(LockedSecretStore store) {
		StoreStatus status = store.status();
		String rendering = status + " " + status.toDetails() + " " + store;
		assertThat(Markers.findIn(rendering, this.markers)).as("a marker in %s", rendering).isEmpty();
	}

	private Path markerFile(String name, int repeats) throws IOException {
		return Files.write(this.temp.resolve(name), repeated(repeats));
	}

	private byte[] repeated(int times) {
		return Markers.repeated(this.marker, times);
	}

	private static char[] chars(byte[] bytes) {
		return new String(bytes, StandardCharsets.US_ASCII).toCharArray();
	}

}
