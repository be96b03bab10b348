package io.github.memlock.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import io.github.memlock.Backend;
import io.github.memlock.LockedSecretStore;
import io.github.memlock.MemoryLockException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link MemlockAutoConfiguration}.
 */
@ExtendWith(OutputCaptureExtension.class)
class MemlockAutoConfigurationTests {

	private static final String DEGRADED_WARNING = "memlock keeps secrets in unlocked memory";

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MemlockAutoConfiguration.class));

	@TempDir
	Path temp;

	@Test
	void runWithDefaultsShouldCreateStoreThatLocksSecrets() {
		this.contextRunner.run((context) -> assertThat(context).getBean(LockedSecretStore.class)
			.extracting(LockedSecretStore::status)
			.satisfies((status) -> assertThat(status.locked()).isTrue())
			.satisfies((status) -> assertThat(status.degraded()).isFalse())
			.satisfies((status) -> assertThat(status.backend()).isNotEqualTo(Backend.UNLOCKED)));
	}

	@Test
	void runWithDefaultsShouldBindDefaultProperties() {
		this.contextRunner.run((context) -> assertThat(context).getBean(MemlockProperties.class)
			.satisfies((properties) -> assertThat(properties.isEnabled()).isTrue())
			.satisfies((properties) -> assertThat(properties.isRequired()).isFalse())
			.satisfies((properties) -> assertThat(properties.getBackend()).isEqualTo(MemlockProperties.Backend.AUTO))
			.satisfies((properties) -> assertThat(properties.getMaxLockedBytes()).isNull())
			.satisfies((properties) -> assertThat(properties.isGuardPages()).isTrue())
			.satisfies((properties) -> assertThat(properties.isWipeOnFork()).isTrue())
			.satisfies((properties) -> assertThat(properties.getSecrets().getDirectories()).isEmpty())
			.satisfies((properties) -> assertThat(properties.getSecrets().getFiles()).isEmpty())
			.satisfies((properties) -> assertThat(properties.getHealth().getDegradedStatus()).isEqualTo("UP")));
	}

	@Test
	void runWhenDisabledShouldNotCreateStore() {
		this.contextRunner.withPropertyValues("memlock.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(LockedSecretStore.class)
				.doesNotHaveBean(MemlockProperties.class));
	}

	@Test
	void runWhenUserDefinesStoreShouldUseIt() {
		this.contextRunner.withUserConfiguration(UserStoreConfiguration.class)
			.run((context) -> assertThat(context).getBean(LockedSecretStore.class)
				.isSameAs(context.getBean(UserStoreConfiguration.class).store));
	}

	@Test
	void runWhenBackendIsMlockShouldUseMlock() {
		this.contextRunner.withPropertyValues("memlock.backend=mlock", "memlock.max-locked-bytes=1MB")
			.run((context) -> assertThat(context.getBean(LockedSecretStore.class).status().backend())
				.isEqualTo(Backend.MLOCK));
	}

	@Test
	void runWhenContextClosesShouldCloseStore() {
		this.contextRunner.run((context) -> assertThat(context).getBean(LockedSecretStore.class).satisfies((store) -> {
			context.close();
			assertThat(store.status().closed()).isTrue();
		}));
	}

	@Test
	void runWhenBackendIsUnlockedShouldStartDegradedWithOneWarning(CapturedOutput output) {
		this.contextRunner.withPropertyValues("memlock.backend=unlocked")
			.run((context) -> assertThat(context.getBean(LockedSecretStore.class).status())
				.satisfies((status) -> assertThat(status.degraded()).isTrue())
				.satisfies((status) -> assertThat(output.getOut().split(DEGRADED_WARNING, -1)).hasSize(2))
				.satisfies((status) -> assertThat(output).contains("'memlock.backend' is 'unlocked'",
						"may be swapped to disk", "Set 'memlock.backend' to 'auto'")));
	}

	@Test
	void runWhenStoreLocksShouldNotWarn(CapturedOutput output) {
		this.contextRunner.run((context) -> assertThat(output).doesNotContain("WARN"));
	}

	@Test
	void runWhenRequiredAndSecretsExceedMaxLockedBytesShouldFailStartup() throws Exception {
		this.contextRunner
			.withPropertyValues("memlock.required=true", "memlock.max-locked-bytes=4KB",
					"memlock.secrets.files.big=" + fileOfSize("big", 64 * 1024))
			.run((context) -> assertThat(context).getFailure()
				.satisfies((failure) -> assertThat(failure).hasRootCauseInstanceOf(MemoryLockException.class)));
	}

	@Test
	void runWhenSecretsExceedMaxLockedBytesShouldWarnToRaiseTheMaximumNotTheLimit(CapturedOutput output)
			throws Exception {
		this.contextRunner
			.withPropertyValues("memlock.max-locked-bytes=4KB",
					"memlock.secrets.files.big=" + fileOfSize("big", 64 * 1024))
			.run((context) -> assertThat(context.getBean(LockedSecretStore.class).status())
				.satisfies((status) -> assertThat(status.degraded()).isTrue())
				.satisfies((status) -> assertThat(output).contains("set by the store's maximum",
						"Raise 'memlock.max-locked-bytes'"))
				.satisfies((status) -> assertThat(output).doesNotContain("ulimit -l")));
	}

	private Path fileOfSize(String name, int size) throws Exception {
		return Files.write(this.temp.resolve(name), "x".repeat(size).getBytes(StandardCharsets.US_ASCII));
	}

	@Configuration(proxyBeanMethods = false)
	static class UserStoreConfiguration {

		final LockedSecretStore store = LockedSecretStore.builder().allowUnlocked(true).build();

		@Bean(destroyMethod = "close")
		LockedSecretStore userStore() {
			return this.store;
		}

	}

}
