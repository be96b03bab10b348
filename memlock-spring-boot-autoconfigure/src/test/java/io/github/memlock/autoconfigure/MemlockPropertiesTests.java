package io.github.memlock.autoconfigure;

import io.github.memlock.LockedSecretStore;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for binding and validating {@link MemlockProperties}: every property rejects a
 * wrong value with a message that quotes it.
 */
class MemlockPropertiesTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MemlockAutoConfiguration.class));

	@Test
	void bindWhenValuesAreSetShouldBindThem() {
		this.contextRunner
			.withPropertyValues("memlock.required=true", "memlock.backend=memfd-secret", "memlock.max-locked-bytes=2MB",
					"memlock.guard-pages=false", "memlock.wipe-on-fork=false",
					"memlock.secrets.directories=/run/secrets/app,/etc/app/secrets",
					"memlock.secrets.files.api-token=/run/token", "memlock.health.degraded-status=OUT_OF_SERVICE")
			.withBean(LockedSecretStore.class, () -> LockedSecretStore.builder().allowUnlocked(true).build())
			.run((context) -> assertThat(context.getBean(MemlockProperties.class))
				.satisfies((properties) -> assertThat(properties.isRequired()).isTrue())
				.satisfies((properties) -> assertThat(properties.getBackend())
					.isEqualTo(MemlockProperties.Backend.MEMFD_SECRET))
				.satisfies((properties) -> assertThat(properties.getMaxLockedBytes()).hasToString("2097152B"))
				.satisfies((properties) -> assertThat(properties.isGuardPages()).isFalse())
				.satisfies((properties) -> assertThat(properties.isWipeOnFork()).isFalse())
				.satisfies((properties) -> assertThat(properties.getSecrets().getDirectories()).map(String::valueOf)
					.containsExactly("/run/secrets/app", "/etc/app/secrets"))
				.satisfies((properties) -> assertThat(properties.getSecrets().getFiles())
					.hasEntrySatisfying("api-token", (file) -> assertThat(file).hasToString("/run/token")))
				.satisfies((properties) -> assertThat(properties.getHealth().getDegradedStatus())
					.isEqualTo("OUT_OF_SERVICE")));
	}

	@Test
	void bindWhenEnabledIsNotBooleanShouldFailNamingProperty() {
		this.contextRunner.withPropertyValues("memlock.enabled=maybe")
			.run((context) -> assertThat(context).getFailure().hasStackTraceContaining("'memlock.enabled'"));
	}

	@Test
	void bindWhenRequiredIsNotBooleanShouldFailNamingProperty() {
		this.contextRunner.withPropertyValues("memlock.required=maybe")
			.run((context) -> assertThat(context).getFailure().hasStackTraceContaining("'memlock.required'"));
	}

	@Test
	void bindWhenBackendIsUnknownShouldFailNamingProperty() {
		this.contextRunner.withPropertyValues("memlock.backend=swap")
			.run((context) -> assertThat(context).getFailure().hasStackTraceContaining("'memlock.backend'"));
	}

	@Test
	void bindWhenRequiredWithUnlockedBackendShouldFail() {
		this.contextRunner.withPropertyValues("memlock.required=true", "memlock.backend=unlocked")
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("'memlock.backend' must not be 'unlocked' when 'memlock.required' is true"));
	}

	@Test
	void bindWhenMaxLockedBytesIsZeroShouldFail() {
		this.contextRunner.withPropertyValues("memlock.max-locked-bytes=0")
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("'memlock.max-locked-bytes' must be positive"));
	}

	@Test
	void bindWhenMaxLockedBytesIsNegativeShouldFail() {
		this.contextRunner.withPropertyValues("memlock.max-locked-bytes=-1MB")
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("'memlock.max-locked-bytes' must be positive"));
	}

	@Test
	void bindWhenMaxLockedBytesIsNotASizeShouldFailNamingProperty() {
		this.contextRunner.withPropertyValues("memlock.max-locked-bytes=lots")
			.run((context) -> assertThat(context).getFailure().hasStackTraceContaining("'memlock.max-locked-bytes'"));
	}

	@Test
	void bindWhenGuardPagesIsNotBooleanShouldFailNamingProperty() {
		this.contextRunner.withPropertyValues("memlock.guard-pages=maybe")
			.run((context) -> assertThat(context).getFailure().hasStackTraceContaining("'memlock.guard-pages'"));
	}

	@Test
	void bindWhenWipeOnForkIsNotBooleanShouldFailNamingProperty() {
		this.contextRunner.withPropertyValues("memlock.wipe-on-fork=maybe")
			.run((context) -> assertThat(context).getFailure().hasStackTraceContaining("'memlock.wipe-on-fork'"));
	}

	@Test
	void bindWhenSecretDirectoryIsEmptyShouldFail() {
		this.contextRunner.withPropertyValues("memlock.secrets.directories=,/run/secrets/app")
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("'memlock.secrets.directories[0]' must not be empty"));
	}

	@Test
	void bindWhenSecretFileIsEmptyShouldFail() {
		this.contextRunner.withPropertyValues("memlock.secrets.files.api-token=")
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("'memlock.secrets.files.api-token' must not be empty"));
	}

	@Test
	void bindWhenDegradedStatusIsEmptyShouldFail() {
		this.contextRunner.withPropertyValues("memlock.health.degraded-status= ")
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("'memlock.health.degraded-status' must not be empty"));
	}

}
