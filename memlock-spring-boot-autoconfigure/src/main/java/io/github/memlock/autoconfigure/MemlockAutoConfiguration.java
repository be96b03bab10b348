package io.github.memlock.autoconfigure;

import java.util.Locale;

import io.github.memlock.Backend;
import io.github.memlock.LockedSecretStore;
import io.github.memlock.StoreStatus;
import io.github.memlock.nativeaccess.MemlockLimit;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.util.unit.DataSize;

/**
 * Auto-configuration for a {@link LockedSecretStore} that follows the {@code memlock.*}
 * policy and holds the secrets configured under {@code memlock.secrets}.
 * <p>
 * The store is closed with the application context, which zeroizes every secret. With
 * {@code memlock.required=true} a store that cannot lock memory fails startup (see
 * {@link MemoryLockFailureAnalyzer}); otherwise the application starts degraded and one
 * warning says what happened and what to do.
 *
 * @since 0.1.0
 */
@AutoConfiguration
@ConditionalOnProperty(prefix = "memlock", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(MemlockProperties.class)
public final class MemlockAutoConfiguration {

	private static final Log logger = LogFactory.getLog(MemlockAutoConfiguration.class);

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	LockedSecretStore lockedSecretStore(MemlockProperties properties) {
		LockedSecretStore store = createStore(properties);
		try {
			new MemlockSecretLoader(properties.getSecrets()).load(store);
		}
		catch (RuntimeException ex) {
			store.close();
			throw ex;
		}
		StoreStatus status = store.status();
		if (status.degraded()) {
			logger.warn(degradedWarning(properties, status));
		}
		return store;
	}

	private LockedSecretStore createStore(MemlockProperties properties) {
		LockedSecretStore.Builder builder = LockedSecretStore.builder()
			.backend(storeBackend(properties.getBackend()))
			.allowUnlocked(!properties.isRequired())
			.guardPages(properties.isGuardPages())
			.wipeOnFork(properties.isWipeOnFork());
		DataSize maxLockedBytes = properties.getMaxLockedBytes();
		if (maxLockedBytes != null) {
			builder.maxLockedBytes(maxLockedBytes.toBytes());
		}
		return builder.build();
	}

	private static @Nullable Backend storeBackend(MemlockProperties.Backend backend) {
		return switch (backend) {
			case AUTO -> null;
			case MEMFD_SECRET -> Backend.MEMFD_SECRET;
			case MLOCK -> Backend.MLOCK;
			case UNLOCKED -> Backend.UNLOCKED;
		};
	}

	static String degradedWarning(MemlockProperties properties, StoreStatus status) {
		String requested = properties.getBackend().name().toLowerCase(Locale.ROOT).replace('_', '-');
		return "memlock could not keep secrets in locked memory (backend '" + requested + "', now using '"
				+ status.backend().id() + "'): " + status.degradedReason() + "; RLIMIT_MEMLOCK soft "
				+ describeLimit(status.limitSoft()) + ", hard " + describeLimit(status.limitHard()) + ", CAP_IPC_LOCK "
				+ (status.ipcLockCapability() ? "effective" : "not effective") + ". The " + status.secretCount()
				+ " secret(s) in the store may be swapped to disk and may appear in core dumps. "
				+ "Raise the locked-memory limit (ulimit -l, systemd LimitMEMLOCK=, docker run --ulimit memlock=...) "
				+ "or set 'memlock.required=true' to refuse to start instead.";
	}

	private static String describeLimit(long limit) {
		return (limit < 0) ? "unknown" : MemlockLimit.describe(limit);
	}

}
