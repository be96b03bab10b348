package io.github.memlock.autoconfigure;

import io.github.memlock.MemoryLockException;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a start refused because a secret configured under {@code memlock.secrets}
 * could not be loaded, instead of leaving the message at the end of a stack trace. A
 * secret that could not be locked is left to {@link MemoryLockFailureAnalyzer}, which
 * gives the kernel's facts and names the secret.
 *
 * @since 0.1.0
 */
public final class SecretLoadingFailureAnalyzer extends AbstractFailureAnalyzer<SecretLoadingException> {

	@Override
	protected @Nullable FailureAnalysis analyze(Throwable rootFailure, SecretLoadingException cause) {
		if (findCause(cause, MemoryLockException.class) != null) {
			return null;
		}
		return new FailureAnalysis("memlock could not load the configured secrets: " + cause.getMessage(),
				"Correct the file or directory named above, or the 'memlock.secrets' property that names it. "
						+ "Nothing was kept: the secrets loaded before were zero-filled.",
				cause);
	}

}
