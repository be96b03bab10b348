package io.github.memlock.nativeaccess;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.function.Function;

/**
 * Lends views of native memory whose lifetime ends when the borrowing callback returns.
 * <p>
 * Each view shares the memory of the region it is taken from but is tied to a confined
 * {@link Arena} that is closed right after the callback, so a view kept beyond the
 * callback raises {@link IllegalStateException} on use instead of reaching memory that
 * may have been wiped or unmapped since. Being confined, the view can only be used by the
 * thread that runs the callback; any other thread gets a {@link WrongThreadException}.
 * Re-scoping a segment is a restricted operation, which is why it lives in this package.
 *
 * @since 0.1.0
 */
public final class ScopedSegments {

	private ScopedSegments() {
	}

	/**
	 * Call an action with a read-only view of a region, valid only during the call.
	 * @param <T> the type of the action's result
	 * @param region a native segment, for example a part of a mapping
	 * @param action the action; it must not let the view escape, and whatever it returns
	 * must not be the view or a slice of it
	 * @return the action's result
	 */
	public static <T> T read(MemorySegment region, Function<MemorySegment, T> action) {
		try (Arena arena = Arena.ofConfined()) {
			return action.apply(region.reinterpret(arena, null).asReadOnly());
		}
	}

	/**
	 * Call an action with a writable view of a region, valid only during the call.
	 * @param <T> the type of the action's result
	 * @param region a native segment, for example a part of a mapping
	 * @param action the action; it must not let the view escape
	 * @return the action's result
	 */
	public static <T> T write(MemorySegment region, Function<MemorySegment, T> action) {
		try (Arena arena = Arena.ofConfined()) {
			return action.apply(region.reinterpret(arena, null));
		}
	}

}
