package io.github.memlock.autoconfigure;

import java.util.List;

import io.github.memlock.Backend;
import io.github.memlock.LockBudgetExceededException;
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
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;
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
	LockedSecretStore lockedSecretStore(MemlockProperties properties, Environment environment) {
		rejectEmptySecretFiles(environment);
		LockedSecretStore store = createStore(properties);
		List<String> names = loadSecrets(store, properties);
		StoreStatus status = store.status();
		if (status.degraded()) {
			logger.warn(degradedWarning(properties, status));
		}
		if (!names.isEmpty()) {
			logger.info("Loaded " + names.size() + " secret(s) into the '" + status.backend().id() + "' store: "
					+ String.join(", ", names));
		}
		return store;
	}

	private static List<String> loadSecrets(LockedSecretStore store, MemlockProperties properties) {
		try {
			return new MemlockSecretLoader(properties.getSecrets()).load(store);
		}
		catch (RuntimeException ex) {
			// The bean is never handed out, so nothing else would zeroize what was
			// loaded.
			store.close();
			throw ex;
		}
	}

	/**
	 * Fail on {@code memlock.secrets.files.<name>=} with no value: binding turns an empty
	 * value into no entry at all, which would leave the secret silently unloaded.
	 */
	private static void rejectEmptySecretFiles(Environment environment) {
		Binder.get(environment)
			.bind("memlock.secrets.files", Bindable.mapOf(String.class, String.class))
			.ifBound((files) -> files.forEach((name, file) -> {
				if (!StringUtils.hasText(file)) {
					throw new SecretLoadingException("'memlock.secrets.files." + name
							+ "' must not be empty; give the path of the file that holds the secret or remove the property",
							null, null);
				}
			}));
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
		StringBuilder warning = new StringBuilder();
		if (properties.getBackend() == MemlockProperties.Backend.UNLOCKED) {
			warning.append("memlock keeps secrets in unlocked memory because 'memlock.backend' is 'unlocked'. ");
		}
		else {
			warning.append("memlock could not keep secrets in locked memory: ")
				.append(status.degradedReason())
				.append(". Limits: RLIMIT_MEMLOCK soft ")
				.append(describeLimit(status.limitSoft()))
				.append(", hard ")
				.append(describeLimit(status.limitHard()))
				.append("; CAP_IPC_LOCK ")
				.append(status.ipcLockCapability() ? "effective" : "not effective")
				.append(". ");
		}
		warning.append("Secrets in the store may be swapped to disk")
			.append(status.dumpExcluded() ? "" : " and may appear in core dumps")
			.append("; health and metrics report the store as degraded. ");
		if (properties.getBackend() == MemlockProperties.Backend.UNLOCKED) {
			warning.append("Set 'memlock.backend' to 'auto' to lock them.");
		}
		else if (String.valueOf(status.degradedReason()).contains(LockBudgetExceededException.STORE_MAXIMUM_REASON)) {
			// Raising the kernel's limit does not help when the store's own maximum
			// refused.
			warning.append("Raise 'memlock.max-locked-bytes' or store fewer or smaller secrets, ")
				.append("or set 'memlock.required' to true to refuse to start instead.");
		}
		else {
			warning.append("Raise the locked-memory limit (ulimit -l, systemd LimitMEMLOCK=, ")
				.append("docker run --ulimit memlock=...) or grant CAP_IPC_LOCK, ")
				.append("or set 'memlock.required' to true to refuse to start instead.");
		}
		return warning.toString();
	}

	private static String describeLimit(long limit) {
		return (limit < 0) ? "unknown" : MemlockLimit.describe(limit);
	}

}
