package io.github.memlock.autoconfigure;

import java.util.Set;

import io.github.memlock.LockBudgetExceededException;
import io.github.memlock.MemoryLockException;
import io.github.memlock.nativeaccess.MemlockLimit;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.env.Environment;

/**
 * Explains a start refused because secrets could not be locked: the facts the kernel gave
 * (backend, call, errno, {@code RLIMIT_MEMLOCK}, {@code CAP_IPC_LOCK}, user) and how to
 * let the process lock memory on a shell, under systemd, in Docker or in Kubernetes.
 *
 * @since 0.1.0
 */
public final class MemoryLockFailureAnalyzer extends AbstractFailureAnalyzer<MemoryLockException> {

	private static final String NL = System.lineSeparator();

	private static final Set<String> LIMIT_ERRNOS = Set.of("EPERM", "ENOMEM", "EAGAIN");

	private final Environment environment;

	/**
	 * Create an analyzer that reads the memlock policy from the given environment.
	 * @param environment the application's environment
	 */
	public MemoryLockFailureAnalyzer(Environment environment) {
		this.environment = environment;
	}

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, MemoryLockException cause) {
		return new FailureAnalysis(description(rootFailure, cause), action(cause), cause);
	}

	private String description(Throwable rootFailure, MemoryLockException cause) {
		boolean required = this.environment.getProperty("memlock.required", Boolean.class, false);
		StringBuilder description = new StringBuilder();
		description.append("memlock could not keep secrets in locked memory");
		description.append(required ? ", and 'memlock.required' is true, so the application refuses to start." : ".");
		description.append(NL).append(NL);
		SecretLoadingException loading = findCause(rootFailure, SecretLoadingException.class);
		if (loading != null && loading.secret() != null) {
			line(description, "Loading", loading.secret());
		}
		line(description, "Backend tried", cause.backendTried().id());
		line(description, "Failed call", orNone(cause.call()));
		line(description, "Error", orNone(cause.errnoName()));
		line(description, "RLIMIT_MEMLOCK",
				"soft " + describeLimit(cause.limitSoft()) + ", hard " + describeLimit(cause.limitHard()));
		line(description, "Already locked", cause.lockedBytes() + " bytes (VmLck)");
		if (cause instanceof LockBudgetExceededException budget) {
			line(description, "Requested",
					budget.requestedBytes() + " bytes, budget left " + Math.max(budget.budgetBytes(), 0) + " bytes");
		}
		line(description, "CAP_IPC_LOCK", cause.ipcLockCapability() ? "effective" : "not effective");
		line(description, "User", System.getProperty("user.name", "unknown"));
		description.append(NL).append("Reason: ").append(reason(cause));
		return description.toString().strip();
	}

	private String action(MemoryLockException cause) {
		StringBuilder action = new StringBuilder();
		if (isLimitFailure(cause)) {
			action.append("Allow the process to lock enough memory for its secrets, then restart it:").append(NL);
			item(action,
					"Shell: raise the limit before starting the JVM, for example 'ulimit -l unlimited' or "
							+ "'ulimit -l 65536' (KiB); beyond the hard limit this needs root or a 'memlock' entry in "
							+ "/etc/security/limits.conf.");
			item(action, "systemd: set 'LimitMEMLOCK=64M' (or 'infinity') in the [Service] section of the unit, "
					+ "or grant 'AmbientCapabilities=CAP_IPC_LOCK'.");
			item(action, "Docker: 'docker run --ulimit memlock=67108864:67108864 ...' (bytes, -1 for unlimited); "
					+ "'--cap-add IPC_LOCK' also lifts the limit when the container runs as root.");
			item(action, "Kubernetes: a pod has no ulimit setting; containers inherit RLIMIT_MEMLOCK from the "
					+ "container runtime, so raise its default on the nodes (for example CRI-O "
					+ "'default_ulimits = [\"memlock=-1:-1\"]', or the containerd service's LimitMEMLOCK). Adding "
					+ "the 'IPC_LOCK' capability to securityContext.capabilities lifts the limit only for a container "
					+ "running as uid 0: Kubernetes grants no ambient capabilities, so a non-root user never has "
					+ "it effective. For non-root containers, raise the runtime's limit, or give the java binary "
					+ "the file capability (setcap cap_ipc_lock=+ep) together with 'IPC_LOCK' and "
					+ "'allowPrivilegeEscalation: true'.");
		}
		else {
			action.append(cause.remedy()).append(NL);
		}
		item(action, "Or set 'memlock.required' to false to start with secrets in unlocked memory (swappable, "
				+ "possibly in core dumps); health and metrics then report the degradation.");
		return action.toString().strip();
	}

	/**
	 * Return the exception's message without its closing remedy, which the action section
	 * gives in full.
	 */
	private static String reason(MemoryLockException cause) {
		String message = String.valueOf(cause.getMessage());
		return message.endsWith(cause.remedy())
				? message.substring(0, message.length() - cause.remedy().length()).stripTrailing() : message;
	}

	private static boolean isLimitFailure(MemoryLockException cause) {
		if (cause instanceof LockBudgetExceededException budget && budget.exceedsStoreMaximum()) {
			return false;
		}
		String errnoName = cause.errnoName();
		return (errnoName != null) ? LIMIT_ERRNOS.contains(errnoName) : cause.call() == null;
	}

	private static void line(StringBuilder builder, String label, String value) {
		builder.append("    ").append(label).append(": ").append(" ".repeat(16 - label.length()));
		builder.append(value).append(NL);
	}

	private static void item(StringBuilder builder, String text) {
		builder.append("    - ").append(text).append(NL);
	}

	private static String orNone(@Nullable String value) {
		return (value != null) ? value : "none";
	}

	private static String describeLimit(long limit) {
		return (limit < 0) ? "unknown" : MemlockLimit.describe(limit);
	}

}
