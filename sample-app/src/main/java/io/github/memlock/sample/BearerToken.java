package io.github.memlock.sample;

import java.util.Arrays;

import io.github.memlock.LockedSecretStore;
import org.jspecify.annotations.Nullable;

/**
 * Checks an {@code Authorization: Bearer} header against a secret in a
 * {@link LockedSecretStore}.
 * <p>
 * The token is copied once, into a byte array that is zero-filled as soon as the
 * comparison is over; the comparison itself runs in the store in time that depends only
 * on the secret's length. The header {@code String} the web server created cannot be
 * wiped: that copy is outside this class's reach.
 *
 * @since 0.1.0
 */
public final class BearerToken {

	private static final String SCHEME = "Bearer";

	private BearerToken() {
	}

	/**
	 * Return whether an {@code Authorization} header carries a bearer token equal to the
	 * named secret. A missing header, another scheme, a malformed token or a secret that
	 * is not stored all count as no match.
	 * @param store the store holding the secret
	 * @param secretName the name of the secret the token must equal
	 * @param authorization the header value, or {@code null} when the request has none
	 * @return whether the token matches the secret
	 */
	public static boolean matches(LockedSecretStore store, String secretName, @Nullable String authorization) {
		int start = (authorization != null) ? tokenStart(authorization) : -1;
		if (authorization == null || start < 0 || !store.contains(secretName)) {
			return false;
		}
		byte[] candidate = toBytes(authorization, start);
		try {
			return candidate.length > 0 && store.matches(secretName, candidate);
		}
		finally {
			Arrays.fill(candidate, (byte) 0);
		}
	}

	private static int tokenStart(String authorization) {
		// The scheme name is case-insensitive (RFC 9110, section 11.1) and is separated
		// from the token by one or more spaces (RFC 6750, section 2.1).
		if (!authorization.regionMatches(true, 0, SCHEME, 0, SCHEME.length())
				|| authorization.length() <= SCHEME.length() || authorization.charAt(SCHEME.length()) != ' ') {
			return -1;
		}
		int start = SCHEME.length();
		while (start < authorization.length() && authorization.charAt(start) == ' ') {
			start++;
		}
		return start;
	}

	private static byte[] toBytes(String authorization, int start) {
		// A bearer token is visible ASCII, one byte per character, so the token goes into
		// the array directly instead of through an encoder and its intermediate buffers.
		byte[] bytes = new byte[authorization.length() - start];
		for (int i = 0; i < bytes.length; i++) {
			char c = authorization.charAt(start + i);
			if (c < 0x21 || c > 0x7e) {
				Arrays.fill(bytes, (byte) 0);
				return new byte[0];
			}
			bytes[i] = (byte) c;
		}
		return bytes;
	}

}
