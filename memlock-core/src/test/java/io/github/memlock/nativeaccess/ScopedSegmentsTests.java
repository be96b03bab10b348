package io.github.memlock.nativeaccess;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link ScopedSegments}.
 */
class ScopedSegmentsTests {

	private Arena arena;

	private MemorySegment region;

	@BeforeEach
	void allocate() {
		this.arena = Arena.ofConfined();
		this.region = this.arena.allocate(64);
		this.region.set(ValueLayout.JAVA_INT, 0, 7);
	}

	@AfterEach
	void free() {
		this.arena.close();
	}

	@Test
	void readShouldLendAReadOnlyViewOfTheRegion() {
		MemorySegment[] lent = new MemorySegment[1];
		int value = ScopedSegments.read(this.region, (view) -> {
			lent[0] = view;
			return view.get(ValueLayout.JAVA_INT, 0);
		});
		assertThat(value).isEqualTo(7);
		assertThat(lent[0].isReadOnly()).isTrue();
		assertThat(lent[0].byteSize()).isEqualTo(64);
	}

	@Test
	void readWhenViewWrittenShouldRefuse() {
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> ScopedSegments.read(this.region, ScopedSegmentsTests::overwrite));
		assertThat(this.region.get(ValueLayout.JAVA_INT, 0)).isEqualTo(7);
	}

	@Test
	void readWhenViewUsedAfterReturnShouldThrowIllegalStateException() {
		MemorySegment escaped = ScopedSegments.read(this.region, (view) -> view);
		assertThatIllegalStateException().isThrownBy(() -> escaped.get(ValueLayout.JAVA_INT, 0));
		assertThat(escaped.scope().isAlive()).isFalse();
	}

	@Test
	void writeShouldLendAWritableViewOfTheRegion() {
		ScopedSegments.write(this.region, (view) -> {
			view.set(ValueLayout.JAVA_INT, 4, 9);
			return null;
		});
		assertThat(this.region.get(ValueLayout.JAVA_INT, 4)).isEqualTo(9);
	}

	@Test
	void writeWhenViewUsedAfterReturnShouldThrowIllegalStateException() {
		MemorySegment escaped = ScopedSegments.write(this.region, (view) -> view);
		assertThatIllegalStateException().isThrownBy(() -> escaped.set(ValueLayout.JAVA_INT, 0, 1));
		assertThat(this.region.get(ValueLayout.JAVA_INT, 0)).isEqualTo(7);
	}

	private static Void overwrite(MemorySegment view) {
		view.set(ValueLayout.JAVA_INT, 0, 8);
		return null;
	}

}
