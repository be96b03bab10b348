package io.github.memlock.autoconfigure;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.StringUtils;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * Configuration properties for memlock's locked secret store.
 * <p>
 * The properties validate themselves when they are bound, so a wrong value fails startup
 * with a message that quotes the property.
 *
 * @since 0.1.0
 */
@ConfigurationProperties("memlock")
public class MemlockProperties implements Validator {

	/**
	 * Whether to register the locked secret store.
	 */
	private boolean enabled = true;

	/**
	 * Whether to refuse to start unless secrets can be kept in locked memory. When false,
	 * the application starts with unlocked (swappable) secrets, logs a warning and
	 * reports the degradation in health and metrics.
	 */
	private boolean required;

	/**
	 * Memory backend for secrets. 'auto' tries memfd-secret, then mlock, then (only when
	 * memlock.required is false) unlocked memory.
	 */
	private Backend backend = Backend.AUTO;

	/**
	 * Maximum amount of memory the store locks. When not set, derived from the
	 * RLIMIT_MEMLOCK soft limit minus the memory the process has locked already, or 64MB
	 * when the limit is unlimited or the process holds CAP_IPC_LOCK.
	 */
	private @Nullable DataSize maxLockedBytes;

	/**
	 * Whether to surround each arena of secrets with inaccessible guard pages.
	 */
	private boolean guardPages = true;

	/**
	 * Whether to keep secrets out of forked child processes (MADV_WIPEONFORK on private
	 * arenas, MADV_DONTFORK on memfd-secret arenas).
	 */
	private boolean wipeOnFork = true;

	private final Secrets secrets = new Secrets();

	private final Health health = new Health();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public boolean isRequired() {
		return this.required;
	}

	public void setRequired(boolean required) {
		this.required = required;
	}

	public Backend getBackend() {
		return this.backend;
	}

	public void setBackend(Backend backend) {
		this.backend = backend;
	}

	public @Nullable DataSize getMaxLockedBytes() {
		return this.maxLockedBytes;
	}

	public void setMaxLockedBytes(@Nullable DataSize maxLockedBytes) {
		this.maxLockedBytes = maxLockedBytes;
	}

	public boolean isGuardPages() {
		return this.guardPages;
	}

	public void setGuardPages(boolean guardPages) {
		this.guardPages = guardPages;
	}

	public boolean isWipeOnFork() {
		return this.wipeOnFork;
	}

	public void setWipeOnFork(boolean wipeOnFork) {
		this.wipeOnFork = wipeOnFork;
	}

	public Secrets getSecrets() {
		return this.secrets;
	}

	public Health getHealth() {
		return this.health;
	}

	/**
	 * Return whether these properties can be validated; only {@link MemlockProperties}
	 * can.
	 * @param type the type to check
	 * @return whether {@code type} is {@link MemlockProperties}
	 */
	@Override
	public boolean supports(Class<?> type) {
		return MemlockProperties.class.isAssignableFrom(type);
	}

	/**
	 * Check the bound values, rejecting each wrong one with a message that quotes its
	 * property.
	 * @param target the bound properties
	 * @param errors where to record problems
	 */
	@Override
	public void validate(Object target, Errors errors) {
		MemlockProperties properties = (MemlockProperties) target;
		DataSize maxLockedBytes = properties.getMaxLockedBytes();
		if (maxLockedBytes != null && maxLockedBytes.toBytes() <= 0) {
			errors.rejectValue("maxLockedBytes", "positive", "'memlock.max-locked-bytes' must be positive");
		}
		if (properties.isRequired() && properties.getBackend() == Backend.UNLOCKED) {
			errors.rejectValue("backend", "lockable",
					"'memlock.backend' must not be 'unlocked' when 'memlock.required' is true");
		}
		if (!StringUtils.hasText(properties.getHealth().getDegradedStatus())) {
			errors.rejectValue("health.degradedStatus", "notEmpty",
					"'memlock.health.degraded-status' must not be empty");
		}
		properties.getSecrets().validate(errors);
	}

	/**
	 * The memory backend to use, or {@code auto} to pick the strongest available one.
	 */
	public enum Backend {

		/**
		 * Try memfd-secret, then mlock, then, when not required, unlocked memory.
		 */
		AUTO,

		/**
		 * Only memfd-secret: pages removed from the kernel's direct map (Linux 5.14+).
		 */
		MEMFD_SECRET,

		/**
		 * Only anonymous memory locked with mlock and excluded from core dumps.
		 */
		MLOCK,

		/**
		 * Only unlocked off-heap memory: zeroized, but swappable; not allowed with
		 * 'memlock.required'.
		 */
		UNLOCKED

	}

	/**
	 * Where the store loads secrets from at startup.
	 */
	public static class Secrets {

		/**
		 * Directories to load at startup, one secret per regular file, named after the
		 * file. Understands the Kubernetes secret-volume layout and never loads its
		 * internal '..' entries.
		 */
		private List<Path> directories = new ArrayList<>();

		/**
		 * Single files to load at startup, keyed by the secret's name.
		 */
		private Map<String, Path> files = new LinkedHashMap<>();

		public List<Path> getDirectories() {
			return this.directories;
		}

		public void setDirectories(List<Path> directories) {
			this.directories = directories;
		}

		public Map<String, Path> getFiles() {
			return this.files;
		}

		public void setFiles(Map<String, Path> files) {
			this.files = files;
		}

		void validate(Errors errors) {
			for (int i = 0; i < this.directories.size(); i++) {
				if (isEmpty(this.directories.get(i))) {
					errors.reject("notEmpty", "'memlock.secrets.directories[" + i + "]' must not be empty");
				}
			}
			this.files.forEach((name, file) -> {
				if (isEmpty(file)) {
					errors.reject("notEmpty", "'memlock.secrets.files." + name + "' must not be empty");
				}
			});
		}

		private static boolean isEmpty(@Nullable Path path) {
			return path == null || path.toString().isEmpty();
		}

	}

	/**
	 * How the {@code memlock} health contributor reports the store.
	 */
	public static class Health {

		/**
		 * Health status to report while secrets are not all in locked memory, for example
		 * UP, OUT_OF_SERVICE or DOWN.
		 */
		private String degradedStatus = "UP";

		public String getDegradedStatus() {
			return this.degradedStatus;
		}

		public void setDegradedStatus(String degradedStatus) {
			this.degradedStatus = degradedStatus;
		}

	}

}
