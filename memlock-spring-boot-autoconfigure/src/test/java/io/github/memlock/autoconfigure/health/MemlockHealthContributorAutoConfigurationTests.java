package io.github.memlock.autoconfigure.health;

import io.github.memlock.LockedSecretStore;
import io.github.memlock.autoconfigure.MemlockAutoConfiguration;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link MemlockHealthContributorAutoConfiguration}.
 */
class MemlockHealthContributorAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(MemlockAutoConfiguration.class, MemlockHealthContributorAutoConfiguration.class));

	@Test
	void runShouldCreateIndicator() {
		this.contextRunner.run((context) -> assertThat(context).hasSingleBean(MemlockHealthIndicator.class)
			.hasBean("memlockHealthIndicator"));
	}

	@Test
	void runWhenHealthIndicatorDisabledShouldNotCreateIndicator() {
		this.contextRunner.withPropertyValues("management.health.memlock.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(MemlockHealthIndicator.class));
	}

	@Test
	void runWhenDefaultHealthIndicatorsDisabledShouldNotCreateIndicator() {
		this.contextRunner.withPropertyValues("management.health.defaults.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(MemlockHealthIndicator.class));
	}

	@Test
	void runWhenMemlockDisabledShouldNotCreateIndicator() {
		this.contextRunner.withPropertyValues("memlock.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(MemlockHealthIndicator.class));
	}

	@Test
	void runWithoutHealthOnClasspathShouldNotCreateIndicator() {
		this.contextRunner.withClassLoader(new FilteredClassLoader("org.springframework.boot.health"))
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(LockedSecretStore.class)
				.doesNotHaveBean(MemlockHealthIndicator.class));
	}

	@Test
	void runWhenStoreIsLockedShouldReportUpWithStatusDetails() {
		this.contextRunner.run((context) -> assertThat(context.getBean(MemlockHealthIndicator.class).health())
			.satisfies((health) -> assertThat(health.getStatus()).isEqualTo(Status.UP))
			.satisfies((health) -> assertThat(health.getDetails())
				.isEqualTo(context.getBean(LockedSecretStore.class).status().toDetails())));
	}

	@Test
	void runWhenDegradedShouldReportUpByDefault() {
		this.contextRunner.withPropertyValues("memlock.backend=unlocked")
			.run((context) -> assertThat(context.getBean(MemlockHealthIndicator.class).health())
				.extracting(Health::getStatus)
				.isEqualTo(Status.UP));
	}

	@Test
	void runWhenDegradedShouldReportConfiguredStatusWithReason() {
		this.contextRunner
			.withPropertyValues("memlock.backend=unlocked", "memlock.health.degraded-status=out_of_service")
			.run((context) -> assertThat(context.getBean(MemlockHealthIndicator.class).health())
				.satisfies((health) -> assertThat(health.getStatus()).isEqualTo(Status.OUT_OF_SERVICE))
				.satisfies((health) -> assertThat(health.getDetails()).containsEntry("backend", "unlocked")
					.containsKey("degradedReason")));
	}

	@Test
	void runWhenContextClosesShouldReportDown() {
		this.contextRunner
			.run((context) -> assertThat(context.getBean(MemlockHealthIndicator.class)).satisfies((indicator) -> {
				context.close();
				assertThat(indicator.health().getStatus()).isEqualTo(Status.DOWN);
			}));
	}

}
