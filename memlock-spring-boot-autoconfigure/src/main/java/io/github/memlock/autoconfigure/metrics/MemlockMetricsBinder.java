package io.github.memlock.autoconfigure.metrics;

import java.util.function.ToDoubleFunction;

import io.github.memlock.LockedSecretStore;
import io.github.memlock.StoreStatus;
import io.github.memlock.nativeaccess.MemlockLimit;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

/**
 * Binds meters that report a {@link LockedSecretStore}: locked pages and bytes, used and
 * capacity bytes, the {@code RLIMIT_MEMLOCK} soft limit, the number of secrets, whether
 * the store runs degraded and how often locking failed. Each meter carries the tag
 * {@code backend}.
 * <p>
 * Every value is read from a fresh {@link LockedSecretStore#status() status snapshot};
 * when the store cannot report one, gauges show {@code NaN}. An unlimited
 * {@code RLIMIT_MEMLOCK} is reported as positive infinity.
 *
 * @since 0.1.0
 */
public class MemlockMetricsBinder implements MeterBinder {

	private final LockedSecretStore store;

	/**
	 * Create a binder for the given store.
	 * @param store the store to report on
	 */
	public MemlockMetricsBinder(LockedSecretStore store) {
		this.store = store;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Tags tags = Tags.of("backend", backend());
		gauge(registry, tags, "memlock.pages.locked", null, "Pages of memory the secret store holds locked",
				StoreStatus::lockedPages);
		gauge(registry, tags, "memlock.memory.locked", BaseUnits.BYTES, "Memory the secret store holds locked",
				StoreStatus::lockedBytes);
		gauge(registry, tags, "memlock.memory.used", BaseUnits.BYTES, "Memory taken by stored secrets",
				StoreStatus::usedBytes);
		gauge(registry, tags, "memlock.memory.capacity", BaseUnits.BYTES, "Memory of all the secret store's arenas",
				StoreStatus::capacityBytes);
		gauge(registry, tags, "memlock.memory.limit", BaseUnits.BYTES, "Soft RLIMIT_MEMLOCK of the process",
				MemlockMetricsBinder::limit);
		gauge(registry, tags, "memlock.secrets", null, "Number of secrets in the store", StoreStatus::secretCount);
		gauge(registry, tags, "memlock.degraded", null, "Whether secrets are kept in unlocked memory (1) or not (0)",
				(status) -> status.degraded() ? 1 : 0);
		// The gauges hold the store strongly, so the counter's weak reference is never
		// cleared while the registry lives.
		FunctionCounter.builder("memlock.lock.failures", this.store, (store) -> read(store, StoreStatus::lockFailures))
			.tags(tags)
			.description("Times memory could not be locked and the store fell back to unlocked memory")
			.register(registry);
	}

	private String backend() {
		try {
			return this.store.status().backend().id();
		}
		catch (RuntimeException ex) {
			// A store that cannot report its status still gets its meters, which show
			// NaN.
			return "unknown";
		}
	}

	private void gauge(MeterRegistry registry, Tags tags, String name, @Nullable String baseUnit, String description,
			ToDoubleFunction<StoreStatus> value) {
		Gauge.builder(name, this.store, (store) -> read(store, value))
			.tags(tags)
			.baseUnit(baseUnit)
			.description(description)
			.strongReference(true)
			.register(registry);
	}

	private static double read(LockedSecretStore store, ToDoubleFunction<StoreStatus> value) {
		try {
			return value.applyAsDouble(store.status());
		}
		catch (RuntimeException ex) {
			// Binders do not log; a failed read shows as NaN.
			return Double.NaN;
		}
	}

	private static double limit(StoreStatus status) {
		if (status.limitSoft() < 0) {
			return Double.NaN;
		}
		return (status.limitSoft() == MemlockLimit.UNLIMITED) ? Double.POSITIVE_INFINITY : status.limitSoft();
	}

}
