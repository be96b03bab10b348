package io.github.memlock.autoconfigure.metrics;

import io.github.memlock.LockedSecretStore;
import io.github.memlock.autoconfigure.MemlockAutoConfiguration;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link MemlockMetricsAutoConfiguration}.
 */
class MemlockMetricsAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(MemlockAutoConfiguration.class, MemlockMetricsAutoConfiguration.class));

	@Test
	void runShouldCreateBinder() {
		this.contextRunner.run((context) -> assertThat(context).hasSingleBean(MemlockMetricsBinder.class));
	}

	@Test
	void runWhenMemlockDisabledShouldNotCreateBinder() {
		this.contextRunner.withPropertyValues("memlock.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(MemlockMetricsBinder.class));
	}

	@Test
	void runWithoutMicrometerOnClasspathShouldNotCreateBinder() {
		this.contextRunner.withClassLoader(new FilteredClassLoader("io.micrometer"))
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(LockedSecretStore.class)
				.doesNotHaveBean(MemlockMetricsBinder.class));
	}

}
