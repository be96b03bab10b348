package io.github.memlock.autoconfigure.metrics;

import java.lang.ref.WeakReference;
import java.nio.charset.StandardCharsets;

import io.github.memlock.Backend;
import io.github.memlock.LockedSecretStore;
import io.github.memlock.StoreStatus;
import io.github.memlock.nativeaccess.MemlockLimit;
import io.github.memlock.nativeaccess.ProcFs;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link MemlockMetricsBinder}, against a real store and what the kernel
 * reports in {@code /proc/self/status}.
 */
class MemlockMetricsBinderTests {

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	@Test
	void bindToShouldRegisterEveryMeterWithBackendTagAndDescription() {
		try (LockedSecretStore store = LockedSecretStore.open()) {
			new MemlockMetricsBinder(store).bindTo(this.registry);
			assertThat(this.registry.getMeters()).extracting((meter) -> meter.getId().getName())
				.containsExactlyInAnyOrder("memlock.pages.locked", "memlock.memory.locked", "memlock.memory.used",
						"memlock.memory.capacity", "memlock.memory.limit", "memlock.secrets", "memlock.degraded",
						"memlock.lock.failures");
			assertThat(this.registry.getMeters()).allSatisfy((meter) -> {
				assertThat(meter.getId().getTag("backend")).isEqualTo(store.status().backend().id());
				assertThat(meter.getId().getDescription()).isNotBlank().doesNotEndWith(".");
			});
			assertThat(this.registry.getMeters()).filteredOn((meter) -> meter.getId().getBaseUnit() != null)
				.extracting((meter) -> meter.getId().getName() + " " + meter.getId().getBaseUnit())
				.containsExactlyInAnyOrder("memlock.memory.locked bytes", "memlock.memory.used bytes",
						"memlock.memory.capacity bytes", "memlock.memory.limit bytes");
			assertThat(this.registry.get("memlock.lock.failures").functionCounter().getId().getType())
				.isEqualTo(Meter.Type.COUNTER);
		}
	}

	@Test
	void bindToShouldGivePrometheusNamesFromDesign() {
		PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
		try (LockedSecretStore store = LockedSecretStore.open()) {
			new MemlockMetricsBinder(store).bindTo(prometheus);
			assertThat(prometheus.scrape()).contains("# HELP memlock_pages_locked ", "memlock_memory_locked_bytes{",
					"memlock_memory_used_bytes{", "memlock_memory_capacity_bytes{", "memlock_memory_limit_bytes{",
					"memlock_secrets{", "memlock_degraded{", "memlock_lock_failures_total{");
		}
	}

	@Test
	void metersShouldReadSameNumbersAsStatus() {
		try (LockedSecretStore store = LockedSecretStore.open()) {
			store.put("api-token", "tok-0123456789".getBytes(StandardCharsets.UTF_8));
			store.put("db-password", "pw-0123456789".getBytes(StandardCharsets.UTF_8));
			new MemlockMetricsBinder(store).bindTo(this.registry);
			StoreStatus status = store.status();
			assertThat(gauge("memlock.pages.locked")).isEqualTo(status.lockedPages());
			assertThat(gauge("memlock.memory.locked")).isEqualTo(status.lockedBytes());
			assertThat(gauge("memlock.memory.used")).isEqualTo(status.usedBytes());
			assertThat(gauge("memlock.memory.capacity")).isEqualTo(status.capacityBytes());
			assertThat(gauge("memlock.memory.limit")).isEqualTo(expectedLimit(status));
			assertThat(gauge("memlock.secrets")).isEqualTo(2);
			assertThat(gauge("memlock.degraded")).isZero();
			assertThat(this.registry.get("memlock.lock.failures").functionCounter().count())
				.isEqualTo(status.lockFailures());
		}
	}

	@Test
	void lockedPagesTimesPageSizeShouldEqualGrowthOfVmLck() {
		long before = ProcFs.self().lockedBytes();
		try (LockedSecretStore store = LockedSecretStore.open()) {
			store.put("signing-key", new byte[3 * 4096]);
			new MemlockMetricsBinder(store).bindTo(this.registry);
			long growth = ProcFs.self().lockedBytes() - before;
			assertThat(growth).isPositive();
			assertThat(gauge("memlock.pages.locked") * store.status().pageSize()).isEqualTo(growth);
		}
	}

	@Test
	void degradedShouldBeOneWhileSecretsAreUnlocked() {
		try (LockedSecretStore store = LockedSecretStore.builder()
			.backend(Backend.UNLOCKED)
			.allowUnlocked(true)
			.build()) {
			new MemlockMetricsBinder(store).bindTo(this.registry);
			assertThat(gauge("memlock.degraded")).isOne();
			assertThat(this.registry.get("memlock.degraded").gauge().getId().getTag("backend")).isEqualTo("unlocked");
		}
	}

	@Test
	void gaugesShouldSurviveGarbageCollection() {
		WeakReference<LockedSecretStore> reference = bindUnreferencedStore(this.registry);
		System.gc();
		assertThat(reference.get()).isNotNull();
		assertThat(gauge("memlock.secrets")).isEqualTo(1);
		assertThat(this.registry.get("memlock.lock.failures").functionCounter().count()).isNotNaN();
		reference.get().close();
	}

	@Test
	void gaugesWhenStoreIsClosedShouldStillReport() {
		LockedSecretStore store = LockedSecretStore.open();
		new MemlockMetricsBinder(store).bindTo(this.registry);
		store.close();
		assertThat(gauge("memlock.secrets")).isZero();
	}

	private static WeakReference<LockedSecretStore> bindUnreferencedStore(MeterRegistry registry) {
		LockedSecretStore store = LockedSecretStore.open();
		store.put("api-token", "tok-0123456789".getBytes(StandardCharsets.UTF_8));
		new MemlockMetricsBinder(store).bindTo(registry);
		return new WeakReference<>(store);
	}

	private double gauge(String name) {
		return this.registry.get(name).gauge().value();
	}

	private static double expectedLimit(StoreStatus status) {
		return (status.limitSoft() == MemlockLimit.UNLIMITED) ? Double.POSITIVE_INFINITY : status.limitSoft();
	}

}
