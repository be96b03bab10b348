package io.github.memlock.autoconfigure;

import org.jspecify.annotations.Nullable;

/**
 * Raised when a secret configured under {@code memlock.secrets} cannot be loaded: a
 * directory or file that cannot be read, an empty file, a name the store does not take, a
 * name given twice, or a secret that cannot be locked. The message names the file and the
 * property and says what to do; it never contains secret bytes.
 *
 * @since 0.1.0
 */
public final class SecretLoadingException extends IllegalStateException {

	private final @Nullable String secret;

	/**
	 * Create an exception for a secret source that cannot be loaded.
	 * @param message what failed, naming the file and the property, and the remedy
	 * @param secret the secret's description (name, file and property) when one secret
	 * was being stored, otherwise {@code null}
	 * @param cause the underlying failure, or {@code null}
	 */
	public SecretLoadingException(String message, @Nullable String secret, @Nullable Throwable cause) {
		super(message, cause);
		this.secret = secret;
	}

	/**
	 * Return the secret that was being stored, as {@code secret '<name>' from '<file>'
	 * ('<property>')}.
	 * @return the secret's description, or {@code null} when the failure concerns a
	 * source as a whole, such as a directory
	 */
	public @Nullable String secret() {
		return this.secret;
	}

}
