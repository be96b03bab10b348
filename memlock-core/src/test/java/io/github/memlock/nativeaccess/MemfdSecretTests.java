package io.github.memlock.nativeaccess;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Tests for {@code memfd_secret} memory, made for real and checked against
 * {@code /proc/self}. Skipped where the kernel lacks secret memory ({@code ENOSYS}).
 */
@EnabledOnOs(OS.LINUX)
class MemfdSecretTests {

	private final NativeMemory nativeMemory = NativeMemory.current();

	private final ProcFs procFs = ProcFs.self();

	private int fd = -1;

	private long length;

	@BeforeEach
	void createSecretMemory() {
		this.length = 2 * this.nativeMemory.pageSize();
		try {
			this.fd = this.nativeMemory.memfdSecret();
		}
		catch (NativeCallException ex) {
			assumeThat(ex.errnoName()).as("secret memory is available").isNotIn("ENOSYS");
			throw ex;
		}
		this.nativeMemory.truncate(this.fd, this.length);
	}

	@AfterEach
	void closeSecretMemory() {
		if (this.fd >= 0) {
			this.nativeMemory.close(this.fd);
		}
	}

	@Test
	void mapSharedShouldGiveMemoryTheKernelLocksAndExcludesFromDumps() {
		long before = this.procFs.lockedBytes();
		MemorySegment secret = this.nativeMemory.mapShared(this.fd, this.length);
		try {
			assertThat(this.procFs.vmFlags(secret.address()))
				.hasValueSatisfying((flags) -> assertThat(flags).contains("lo", "dd"));
			assertThat(this.procFs.lockedBytes() - before).isEqualTo(this.length);
		}
		finally {
			this.nativeMemory.unmap(secret);
		}
		assertThat(this.procFs.lockedBytes()).isEqualTo(before);
	}

	@Test
	void mapSharedAtShouldLockOnlyThePlacementInsideAnUnlockedReservation() {
		long page = this.nativeMemory.pageSize();
		long before = this.procFs.lockedBytes();
		MemorySegment reservation = this.nativeMemory.reserve(this.length + 2 * page);
		try {
			MemorySegment secret = this.nativeMemory.mapSharedAt(reservation.asSlice(page, this.length), this.fd);
			secret.set(ValueLayout.JAVA_BYTE, this.length - 1, (byte) 7);
			assertThat(secret.address()).isEqualTo(reservation.address() + page);
			assertThat(secret.get(ValueLayout.JAVA_BYTE, this.length - 1)).isEqualTo((byte) 7);
			assertThat(this.procFs.lockedBytes() - before).isEqualTo(this.length);
			assertThat(this.procFs.vmFlags(secret.address()))
				.hasValueSatisfying((flags) -> assertThat(flags).contains("lo", "dd"));
			assertThat(this.procFs.vmFlags(reservation.address()))
				.hasValueSatisfying((flags) -> assertThat(flags).doesNotContain("lo", "rd", "wr"));
			assertThat(this.procFs.vmFlags(reservation.address() + page + this.length))
				.hasValueSatisfying((flags) -> assertThat(flags).doesNotContain("lo", "rd", "wr"));
		}
		finally {
			this.nativeMemory.unmap(reservation);
		}
		assertThat(this.procFs.lockedBytes()).isEqualTo(before);
	}

	@Test
	void mapSharedShouldGiveMemoryThatCanBeWrittenAndRead() {
		MemorySegment secret = this.nativeMemory.mapShared(this.fd, this.length);
		try {
			secret.set(ValueLayout.JAVA_LONG, this.length - 8, 0x5EC12E7L);
			assertThat(secret.get(ValueLayout.JAVA_LONG, this.length - 8)).isEqualTo(0x5EC12E7L);
		}
		finally {
			this.nativeMemory.unmap(secret);
		}
	}

	@Test
	void adviseWithDontForkShouldKeepTheMappingOutOfChildren() {
		MemorySegment secret = this.nativeMemory.mapShared(this.fd, this.length);
		try {
			this.nativeMemory.advise(secret, Advice.DONT_FORK);
			assertThat(this.procFs.vmFlags(secret.address()))
				.hasValueSatisfying((flags) -> assertThat(flags).contains("lo", "dd", "dc"));
		}
		finally {
			this.nativeMemory.unmap(secret);
		}
	}

	// The kernel locks secret memory itself when it is mapped; mlock then tries to fault
	// the pages in through get_user_pages, which secret memory refuses, and reports
	// ENOMEM.
	@Test
	void lockWhenSecretMemoryShouldFailWithEnomemAndLeaveItLocked() {
		MemorySegment secret = this.nativeMemory.mapShared(this.fd, this.length);
		try {
			assertThatExceptionOfType(NativeCallException.class).isThrownBy(() -> this.nativeMemory.lock(secret))
				.satisfies((ex) -> assertThat(ex.errnoName()).isEqualTo("ENOMEM"));
			assertThat(this.procFs.vmFlags(secret.address()))
				.hasValueSatisfying((flags) -> assertThat(flags).contains("lo", "dd"));
		}
		finally {
			this.nativeMemory.unmap(secret);
		}
	}

	// MADV_WIPEONFORK is for private anonymous memory only.
	@Test
	void adviseWithWipeOnForkWhenSecretMemoryShouldFailWithEinval() {
		MemorySegment secret = this.nativeMemory.mapShared(this.fd, this.length);
		try {
			assertThatExceptionOfType(NativeCallException.class)
				.isThrownBy(() -> this.nativeMemory.advise(secret, Advice.WIPE_ON_FORK))
				.satisfies((ex) -> assertThat(ex.errnoName()).isEqualTo("EINVAL"));
		}
		finally {
			this.nativeMemory.unmap(secret);
		}
	}

}
