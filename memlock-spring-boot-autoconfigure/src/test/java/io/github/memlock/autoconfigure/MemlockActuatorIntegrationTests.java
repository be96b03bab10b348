package io.github.memlock.autoconfigure;

import io.github.memlock.autoconfigure.health.MemlockHealthContributorAutoConfiguration;
import io.github.memlock.autoconfigure.metrics.MemlockMetricsAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.LivenessState;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.autoconfigure.availability.ApplicationAvailabilityAutoConfiguration;
import org.springframework.boot.health.actuate.endpoint.HealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.AvailabilityProbesAutoConfiguration;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration;
import org.springframework.boot.health.autoconfigure.application.AvailabilityHealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests memlock's health contributor and meters inside Spring Boot's health endpoint and
 * metrics support, as an application with actuator sees them: the {@code memlock}
 * contributor in the Kubernetes readiness group, and the meters in the application's
 * registry.
 */
class MemlockActuatorIntegrationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MemlockAutoConfiguration.class,
				MemlockHealthContributorAutoConfiguration.class, MemlockMetricsAutoConfiguration.class,
				HealthContributorAutoConfiguration.class, HealthContributorRegistryAutoConfiguration.class,
				HealthEndpointAutoConfiguration.class, ApplicationAvailabilityAutoConfiguration.class,
				AvailabilityHealthContributorAutoConfiguration.class, AvailabilityProbesAutoConfiguration.class,
				MetricsAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
				SimpleMetricsExportAutoConfiguration.class))
		.withPropertyValues("management.endpoint.health.probes.enabled=true",
				"management.endpoint.health.group.readiness.include=readinessState,memlock");

	@Test
	void runShouldExposeContributorOnItsOwnPath() {
		this.contextRunner.run((context) -> assertThat(context.getBean(HealthEndpoint.class).healthForPath("memlock"))
			.extracting(HealthDescriptor::getStatus)
			.isEqualTo(Status.UP));
	}

	@Test
	void runWhenLockedShouldKeepReadinessUp() {
		this.contextRunner
			.run((context) -> assertThat(started(context).healthForPath("readiness").getStatus()).isEqualTo(Status.UP));
	}

	@Test
	void runWhenDegradedShouldTakeReadinessOutOfServiceButLeaveLivenessUp() {
		this.contextRunner
			.withPropertyValues("memlock.backend=unlocked", "memlock.health.degraded-status=OUT_OF_SERVICE")
			.run((context) -> assertThat(started(context))
				.satisfies((endpoint) -> assertThat(endpoint.healthForPath("readiness").getStatus())
					.isEqualTo(Status.OUT_OF_SERVICE))
				.satisfies(
						(endpoint) -> assertThat(endpoint.healthForPath("liveness").getStatus()).isEqualTo(Status.UP)));
	}

	@Test
	void runShouldBindMetersToApplicationRegistry() {
		this.contextRunner.withPropertyValues("memlock.backend=unlocked")
			.run((context) -> assertThat(context.getBean(MeterRegistry.class).get("memlock.degraded").gauge().value())
				.isOne());
	}

	/**
	 * Publish the availability states SpringApplication would publish once started, so
	 * that the probes reflect memlock alone.
	 */
	private static HealthEndpoint started(ApplicationContext context) {
		AvailabilityChangeEvent.publish(context, LivenessState.CORRECT);
		AvailabilityChangeEvent.publish(context, ReadinessState.ACCEPTING_TRAFFIC);
		return context.getBean(HealthEndpoint.class);
	}

}
