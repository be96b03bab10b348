package io.github.memlock;

import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;

/**
 * A channel over an array that does not tell its size and hands out at most a given
 * number of bytes a read, as sockets and pipes do.
 */
final class TricklingChannel implements ReadableByteChannel {

	private final ByteBuffer content;

	private final int step;

	/**
	 * Create a channel.
	 * @param content the bytes to hand out
	 * @param step the most bytes a read hands out ({@link Integer#MAX_VALUE} for as many
	 * as fit)
	 */
	TricklingChannel(byte[] content, int step) {
		this.content = ByteBuffer.wrap(content);
		this.step = step;
	}

	@Override
	public int read(ByteBuffer destination) {
		if (!this.content.hasRemaining()) {
			return -1;
		}
		int length = Math.min(Math.min(this.step, destination.remaining()), this.content.remaining());
		destination.put(this.content.slice(this.content.position(), length));
		this.content.position(this.content.position() + length);
		return length;
	}

	@Override
	public boolean isOpen() {
		return true;
	}

	@Override
	public void close() {
	}

}
