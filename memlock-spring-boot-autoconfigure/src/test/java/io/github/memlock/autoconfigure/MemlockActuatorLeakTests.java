package io.github.memlock.autoconfigure;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;

import io.github.memlock.LockedSecretStore;
import io.github.memlock.MappedAddresses;
import io.github.memlock.Markers;
import io.github.memlock.autoconfigure.health.MemlockHealthContributorAutoConfiguration;
import io.github.memlock.autoconfigure.health.MemlockHealthIndicator;
import io.github.memlock.autoconfigure.metrics.MemlockMetricsAutoConfiguration;
import io.github.memlock.autoconfigure.metrics.MemlockMetricsBinder;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests that with marker secrets stored, the {@code memlock} health details and every
 * meter (name, tags, description, unit, Prometheus exposition) contain neither a marker
 * nor an address of the process, whether the store is locked, degraded or closed.
 */
class MemlockActuatorLeakTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MemlockAutoConfiguration.class,
				MemlockHealthContributorAutoConfiguration.class, MemlockMetricsAutoConfiguration.class));

	private final Map<String, byte[]> markers = Map.of("api-token", Markers.random(32), "db-password",
			Markers.random(32));

	@TempDir
	Path temp;

	private Path secrets;

	@BeforeEach
	void writeSecrets() throws IOException {
		this.secrets = Markers.writeFiles(this.temp.resolve("secrets"), this.markers);
	}

	@Test
	void searchShouldFindMarkerAndAddressWhereTheyAre() {
		try (Arena arena = Arena.ofConfined()) {
			MemorySegment segment = arena.allocate(16);
			assertThat(MappedAddresses.findIn("at 0x" + Long.toHexString(segment.address()))).isPresent();
			assertThat(MappedAddresses.findIn("at " + segment.address())).isPresent();
			assertThat(MappedAddresses.findIn("lockedBytes=61440, pageSize=4096, hash 1b6d3586")).isEmpty();
		}
		assertThat(Markers.findIn("token " + new String(this.markers.get("api-token")), this.markers)).isPresent();
	}

	@Test
	void healthDetailsAndMetersWhenLockedShouldContainNoMarkerOrAddress() {
		this.contextRunner.withPropertyValues("memlock.secrets.directories=" + this.secrets)
			.run((context) -> assertReportsWithoutMarkerOrAddress(context, 2));
	}

	@Test
	void healthDetailsAndMetersWhenDegradedShouldContainNoMarkerOrAddress() {
		this.contextRunner.withPropertyValues("memlock.secrets.directories=" + this.secrets, "memlock.backend=unlocked")
			.run((context) -> assertReportsWithoutMarkerOrAddress(context, 2));
	}

	@Test
	void healthDetailsAndMetersWhenSecretDoesNotFitShouldContainNoMarkerOrAddress() throws IOException {
		Path big = Files.write(this.temp.resolve("big"), Markers.repeated(this.markers.get("api-token"), 512));
		this.contextRunner
			.withPropertyValues("memlock.secrets.directories=" + this.secrets, "memlock.max-locked-bytes=8KB",
					"memlock.secrets.files.big=" + big)
			.run((context) -> assertReportsWithoutMarkerOrAddress(context, 3));
	}

	@Test
	void healthDetailsAndMetersWhenClosedShouldContainNoMarkerOrAddress() {
		this.contextRunner.withPropertyValues("memlock.secrets.directories=" + this.secrets).run((context) -> {
			context.getBean(LockedSecretStore.class).close();
			assertReportsWithoutMarkerOrAddress(context, 0);
		});
	}

	private void assertReportsWithoutMarkerOrAddress(ApplicationContext context, int secrets) {
		LockedSecretStore store = context.getBean(LockedSecretStore.class);
		assertThat(store.status().secretCount()).isEqualTo(secrets);
		Health health = context.getBean(MemlockHealthIndicator.class).health();
		assertWithoutMarkerOrAddress("the health details", health.getDetails() + " " + health);
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
		context.getBean(MemlockMetricsBinder.class).bindTo(registry);
		context.getBean(MemlockMetricsBinder.class).bindTo(prometheus);
		assertThat(registry.getMeters()).hasSize(8);
		assertWithoutMarkerOrAddress("the meters",
				registry.getMeters()
					.stream()
					.map(MemlockActuatorLeakTests::describe)
					.collect(Collectors.joining(System.lineSeparator())));
		assertWithoutMarkerOrAddress("the Prometheus scrape", prometheus.scrape());
	}

	private void assertWithoutMarkerOrAddress(String what, String text) {
		assertThat(Markers.findIn(text, this.markers)).as("a marker in %s: %s", what, text).isEmpty();
		assertThat(MappedAddresses.findIn(text)).as("an address in %s: %s", what, text).isEmpty();
	}

	private static String describe(Meter meter) {
		Meter.Id id = meter.getId();
		return id + " " + id.getDescription() + " " + id.getBaseUnit() + " " + meter.measure();
	}

}
