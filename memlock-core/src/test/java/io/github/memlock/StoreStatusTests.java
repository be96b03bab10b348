package io.github.memlock;

import java.util.Map;

import io.github.memlock.nativeaccess.MemlockLimit;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link StoreStatus}.
 */
class StoreStatusTests {

	@Test
	void toDetailsShouldListSnapshotWithUnlimitedLimitsSpelledOut() {
		StoreStatus status = new StoreStatus(Backend.MLOCK, true, 8192, 2, 64, 8192, 3, MemlockLimit.UNLIMITED, 65536,
				true, true, true, 0, false, null, 4096);
		assertThat(status.degraded()).isFalse();
		assertThat(status.toDetails()).containsExactly(entry("backend", "mlock"), entry("locked", true),
				entry("lockedBytes", 8192L), entry("lockedPages", 2L), entry("usedBytes", 64L),
				entry("capacityBytes", 8192L), entry("secrets", 3), entry("limitSoft", "unlimited"),
				entry("limitHard", 65536L), entry("ipcLockCapability", true), entry("dumpExcluded", true),
				entry("wipeOnFork", true), entry("lockFailures", 0L), entry("closed", false), entry("pageSize", 4096L));
	}

	@Test
	void toDetailsWhenDegradedShouldAddReason() {
		StoreStatus status = new StoreStatus(Backend.UNLOCKED, false, 0, 0, 16, 4096, 1, 0, 0, false, true, true, 1,
				false, "mlock failed: EPERM (Operation not permitted); RLIMIT_MEMLOCK soft 0 bytes", 4096);
		assertThat(status.degraded()).isTrue();
		assertThat(status.toDetails()).containsEntry("backend", "unlocked")
			.containsEntry("degradedReason",
					"mlock failed: EPERM (Operation not permitted); RLIMIT_MEMLOCK soft 0 bytes");
	}

	@Test
	void backendIdsShouldMatchConfigurationValues() {
		assertThat(Backend.values()).extracting(Backend::id).containsExactly("memfd-secret", "mlock", "unlocked");
		assertThat(Backend.fromId("memfd-secret")).isEqualTo(Backend.MEMFD_SECRET);
	}

	private static Map.Entry<String, Object> entry(String key, Object value) {
		return Map.entry(key, value);
	}

}
