package io.github.memlock;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * Encodes characters as UTF-8 straight into secret memory or into a small buffer that is
 * wiped after use, so that no heap copy of a whole secret is ever made, and compares in
 * time that depends only on the secret's length.
 */
final class SecretEncoding {

	private static final int CHUNK = 64;

	private SecretEncoding() {
	}

	/**
	 * Return the length of the UTF-8 encoding of characters.
	 * @param chars the characters
	 * @return the number of bytes
	 * @throws IllegalArgumentException if the characters hold an unpaired surrogate
	 */
	static long utf8Length(char[] chars) {
		long length = 0;
		for (int i = 0; i < chars.length; i++) {
			char c = chars[i];
			if (c < 0x80) {
				length += 1;
			}
			else if (c < 0x800) {
				length += 2;
			}
			else if (Character.isHighSurrogate(c) && i + 1 < chars.length && Character.isLowSurrogate(chars[i + 1])) {
				length += 4;
				i++;
			}
			else if (Character.isSurrogate(c)) {
				throw new IllegalArgumentException("'secret' must be valid UTF-16 (it holds an unpaired surrogate)");
			}
			else {
				length += 3;
			}
		}
		return length;
	}

	/**
	 * Encode characters as UTF-8 into a segment exactly as long as the encoding.
	 * @param chars the characters
	 * @param target the segment, of {@link #utf8Length(char[])} bytes
	 */
	static void encode(char[] chars, MemorySegment target) {
		CharsetEncoder encoder = newEncoder();
		ByteBuffer buffer = target.asByteBuffer();
		CharBuffer source = CharBuffer.wrap(chars);
		try {
			check(encoder.encode(source, buffer, true));
			check(encoder.flush(buffer));
		}
		catch (CharacterCodingException ex) {
			throw new IllegalArgumentException("'secret' must be valid UTF-16", ex);
		}
	}

	/**
	 * Compare a secret with a candidate. Every byte of the secret is read and combined
	 * whatever the candidate holds, and the outcome is only looked at after the loop, so
	 * the time taken depends on the lengths but not on where the first difference is.
	 * @param secret the secret
	 * @param candidate the candidate
	 * @return whether they are equal
	 */
	static boolean matches(MemorySegment secret, byte[] candidate) {
		long length = secret.byteSize();
		int difference = 0;
		for (long i = 0; i < length; i++) {
			byte other = (i < candidate.length) ? candidate[(int) i] : 0;
			difference |= secret.get(JAVA_BYTE, i) ^ other;
		}
		return (difference | lengthDifference(length, candidate.length)) == 0;
	}

	/**
	 * Compare a secret with the UTF-8 encoding of a candidate, encoded piece by piece
	 * into a small buffer that is wiped afterwards.
	 * @param secret the secret
	 * @param candidate the candidate characters
	 * @return whether they are equal
	 */
	static boolean matches(MemorySegment secret, char[] candidate) {
		long length = secret.byteSize();
		byte[] chunk = new byte[CHUNK];
		ByteBuffer buffer = ByteBuffer.wrap(chunk);
		CharBuffer source = CharBuffer.wrap(candidate);
		CharsetEncoder encoder = newEncoder();
		int difference = 0;
		long position = 0;
		try {
			boolean done = false;
			while (!done) {
				buffer.clear();
				CoderResult result = encoder.encode(source, buffer, true);
				if (result.isUnderflow()) {
					result = encoder.flush(buffer);
					done = result.isUnderflow();
				}
				check(result);
				for (int i = 0; i < buffer.position(); i++, position++) {
					byte own = (position < length) ? secret.get(JAVA_BYTE, position) : 0;
					difference |= own ^ chunk[i];
				}
			}
			for (long i = position; i < length; i++) {
				difference |= secret.get(JAVA_BYTE, i);
			}
			return (difference | lengthDifference(length, position)) == 0;
		}
		catch (CharacterCodingException ex) {
			return false;
		}
		finally {
			Arrays.fill(chunk, (byte) 0);
		}
	}

	private static int lengthDifference(long a, long b) {
		long difference = a ^ b;
		return (int) (difference | (difference >>> 32));
	}

	private static CharsetEncoder newEncoder() {
		return StandardCharsets.UTF_8.newEncoder()
			.onMalformedInput(CodingErrorAction.REPORT)
			.onUnmappableCharacter(CodingErrorAction.REPORT);
	}

	private static void check(CoderResult result) throws CharacterCodingException {
		if (result.isError()) {
			result.throwException();
		}
	}

}
