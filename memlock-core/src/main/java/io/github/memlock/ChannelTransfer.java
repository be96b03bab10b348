package io.github.memlock;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;

import org.jspecify.annotations.Nullable;

/**
 * Reads a channel into secret memory: straight into the target when the kernel may write
 * there, otherwise through a bounce buffer of locked memory that the caller wipes.
 */
final class ChannelTransfer {

	private static final long MAX_DIRECT_CHUNK = 1L << 30;

	private ChannelTransfer() {
	}

	/**
	 * Read from a channel until the target is full or the channel ends.
	 * @param channel the channel
	 * @param target the memory to fill
	 * @param bounce the buffer to read through, or {@code null} to read straight into the
	 * target
	 * @return the bytes read; fewer than the target's size means the channel ended
	 * @throws IOException if reading fails
	 */
	static long fill(ReadableByteChannel channel, MemorySegment target, @Nullable MemorySegment bounce)
			throws IOException {
		long size = target.byteSize();
		long filled = 0;
		while (filled < size) {
			long chunk = Math.min(size - filled, (bounce != null) ? bounce.byteSize() : MAX_DIRECT_CHUNK);
			MemorySegment destination = (bounce != null) ? bounce.asSlice(0, chunk) : target.asSlice(filled, chunk);
			int read = read(channel, destination.asByteBuffer());
			if (bounce != null && read > 0) {
				MemorySegment.copy(bounce, 0, target, filled, read);
			}
			filled += Math.max(read, 0);
			if (read < chunk) {
				break;
			}
		}
		return filled;
	}

	private static int read(ReadableByteChannel channel, ByteBuffer buffer) throws IOException {
		while (buffer.hasRemaining()) {
			if (channel.read(buffer) < 0) {
				break;
			}
		}
		return buffer.position();
	}

}
