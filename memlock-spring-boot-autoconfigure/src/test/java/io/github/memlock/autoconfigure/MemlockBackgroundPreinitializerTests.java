package io.github.memlock.autoconfigure;

import io.github.memlock.nativeaccess.Platform;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

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
	void preinitializeShouldBindTheCallsOfThisPlatform() {
		assertThatNoException().isThrownBy(new MemlockBackgroundPreinitializer()::preinitialize);
	}

	@Test
	void preinitializeWhenPlatformIsUnsupportedShouldLeaveTheFailureToTheStore() {
		System.setProperty(Platform.OVERRIDE_PROPERTY, "unsupported");
		assertThatNoException().isThrownBy(new MemlockBackgroundPreinitializer()::preinitialize);
	}

}
