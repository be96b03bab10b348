package io.github.memlock.autoconfigure.health;

import io.github.memlock.LockedSecretStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link MemlockHealthIndicator}.
 */
@ExtendWith(OutputCaptureExtension.class)
class MemlockHealthIndicatorTests {

	private static final String DOWN_WARNING = "Health contributor 'memlock' is DOWN";

	@Test
	void healthWhenStoreIsOpenShouldNotWarn(CapturedOutput output) {
		try (LockedSecretStore store = LockedSecretStore.builder().allowUnlocked(true).build()) {
			new MemlockHealthIndicator(store, Status.OUT_OF_SERVICE).health();
			assertThat(output).doesNotContain(DOWN_WARNING);
		}
	}

	@Test
	void healthWhenStoreIsClosedShouldWarnOnceWhenTurningDown(CapturedOutput output) {
		LockedSecretStore store = LockedSecretStore.builder().allowUnlocked(true).build();
		MemlockHealthIndicator indicator = new MemlockHealthIndicator(store, Status.UP);
		indicator.health();
		store.close();
		assertThat(indicator.health().getStatus()).isEqualTo(Status.DOWN);
		assertThat(indicator.health().getStatus()).isEqualTo(Status.DOWN);
		assertThat(output.getOut().split(DOWN_WARNING, -1)).hasSize(2);
		assertThat(output).contains(DOWN_WARNING + ": the store is closed");
	}

}
