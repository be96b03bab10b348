package io.github.memlock.autoconfigure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import io.github.memlock.nativeaccess.Platform;
import io.github.memlock.nativeaccess.ProcFs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import org.springframework.boot.autoconfigure.preinitialize.BackgroundPreinitializer;
import org.springframework.core.io.support.SpringFactoriesLoader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * Tests for {@link MemlockBackgroundPreinitializer}.
 */
class MemlockBackgroundPreinitializerTests {

	@AfterEach
	void clearPlatformOverride() {
		System.clearProperty(Platform.OVERRIDE_PROPERTY);
	}

	@Test
	void springFactoriesShouldRegisterPreinitializer() {
		assertThat(SpringFactoriesLoader.loadFactories(BackgroundPreinitializer.class, getClass().getClassLoader()))
			.hasAtLeastOneElementOfType(MemlockBackgroundPreinitializer.class);
	}

	@Test
	@EnabledOnOs(OS.LINUX)
	void preinitializeShouldLeaveNothingLockedOrOpen() throws IOException {
		long lockedBefore = ProcFs.self().lockedBytes();
		new MemlockBackgroundPreinitializer().preinitialize();
		assertThat(ProcFs.self().lockedBytes()).isEqualTo(lockedBefore);
		assertThat(secretMemoryDescriptors()).isEmpty();
	}

	private static List<Path> secretMemoryDescriptors() throws IOException {
		try (Stream<Path> descriptors = Files.list(Path.of("/proc/self/fd"))) {
			return descriptors.filter((descriptor) -> target(descriptor).contains("secretmem")).toList();
		}
	}

	private static String target(Path descriptor) {
		try {
			return Files.readSymbolicLink(descriptor).toString();
		}
		catch (IOException ex) {
			// The descriptor of the listing itself is gone by now.
			return "";
		}
	}

	@Test
	void preinitializeWhenPlatformIsUnsupportedShouldLeaveTheFailureToTheStore() {
		System.setProperty(Platform.OVERRIDE_PROPERTY, "unsupported");
		assertThatNoException().isThrownBy(new MemlockBackgroundPreinitializer()::preinitialize);
	}

}
