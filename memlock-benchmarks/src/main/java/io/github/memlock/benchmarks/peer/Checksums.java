package io.github.memlock.benchmarks.peer;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;

/**
 * The per-byte work every peer does on a read, and the constant-time comparison for peers
 * whose API does not offer one.
 * <p>
 * The checksum is a polynomial hash whose steps depend on each other, so the JIT cannot
 * vectorise it for one view type and not for another: differences between peers come from
 * their access paths, not from the loop.
 *
 * @since 0.1.0
 */
public final class Checksums {

	private Checksums() {
	}

	/**
	 * Fold every byte of an array into a checksum.
	 * @param bytes the bytes
	 * @return the checksum
	 */
	public static long of(byte[] bytes) {
		long sum = 17;
		for (byte b : bytes) {
			sum = sum * 31 + b;
		}
		return sum;
	}

	/**
	 * Fold every byte of a memory segment into a checksum.
	 * @param segment the segment
	 * @return the checksum
	 */
	public static long of(MemorySegment segment) {
		long sum = 17;
		long size = segment.byteSize();
		for (long i = 0; i < size; i++) {
			sum = sum * 31 + segment.get(ValueLayout.JAVA_BYTE, i);
		}
		return sum;
	}

	/**
	 * Fold every byte between position and limit of a buffer into a checksum.
	 * @param buffer the buffer
	 * @return the checksum
	 */
	public static long of(ByteBuffer buffer) {
		long sum = 17;
		int limit = buffer.limit();
		for (int i = buffer.position(); i < limit; i++) {
			sum = sum * 31 + buffer.get(i);
		}
		return sum;
	}

	/**
	 * Compare a buffer's remaining bytes with an array in time that depends only on their
	 * lengths.
	 * @param buffer the stored bytes
	 * @param candidate the candidate bytes
	 * @return whether they are equal
	 */
	public static boolean constantTimeEquals(ByteBuffer buffer, byte[] candidate) {
		int length = buffer.remaining();
		if (length != candidate.length) {
			return false;
		}
		int difference = 0;
		int start = buffer.position();
		for (int i = 0; i < length; i++) {
			difference |= buffer.get(start + i) ^ candidate[i];
		}
		return difference == 0;
	}

}
