package io.github.memlock.autoconfigure.health;

import java.util.concurrent.atomic.AtomicReference;

import io.github.memlock.LockedSecretStore;
import io.github.memlock.StoreStatus;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * {@link HealthIndicator} for a {@link LockedSecretStore}: {@code UP} while every secret
 * is in locked memory, a configurable status while the store runs degraded, and
 * {@code DOWN} once it is closed or cannot report its status. Details are the store's
 * {@link StoreStatus#toDetails() status snapshot}, which holds neither addresses nor
 * secret bytes.
 * <p>
 * Meant for the readiness group rather than liveness: restarting the process does not
 * raise a locked-memory limit.
 *
 * @since 0.1.0
 */
public class MemlockHealthIndicator implements HealthIndicator {

	private static final Log logger = LogFactory.getLog(MemlockHealthIndicator.class);

	private final LockedSecretStore store;

	private final Status degradedStatus;

	private final AtomicReference<Status> lastStatus = new AtomicReference<>(Status.UNKNOWN);

	/**
	 * Create an indicator for the given store.
	 * @param store the store to report on
	 * @param degradedStatus the status to report while secrets are not all locked
	 */
	public MemlockHealthIndicator(LockedSecretStore store, Status degradedStatus) {
		this.store = store;
		this.degradedStatus = degradedStatus;
	}

	@Override
	public Health health() {
		try {
			StoreStatus status = this.store.status();
			Status health = statusOf(status);
			logIfTurnedDown(health, (status.closed()) ? "the store is closed" : status.degradedReason());
			return Health.status(health).withDetails(status.toDetails()).build();
		}
		catch (RuntimeException ex) {
			logIfTurnedDown(Status.DOWN, "the store cannot report its status (" + ex + ")");
			return Health.down(ex).build();
		}
	}

	private Status statusOf(StoreStatus status) {
		if (status.closed()) {
			return Status.DOWN;
		}
		return (status.degraded() || !status.locked()) ? this.degradedStatus : Status.UP;
	}

	private void logIfTurnedDown(Status status, @Nullable String reason) {
		Status previous = this.lastStatus.getAndSet(status);
		if (Status.DOWN.equals(status) && !Status.DOWN.equals(previous)) {
			logger.warn("Health contributor 'memlock' is DOWN: " + ((reason != null) ? reason : "secrets not locked"));
		}
	}

}
