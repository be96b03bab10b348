package io.github.memlock.nativeaccess;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for the Linux calls, made for real and checked against what the kernel reports in
 * {@code /proc/self}.
 */
@EnabledOnOs(OS.LINUX)
class LinuxNativeMemoryTests {

	private static final int PAGES = 4;

	private final NativeMemory nativeMemory = NativeMemory.current();

	private final ProcFs procFs = ProcFs.self();

	private MemorySegment region;

	@BeforeEach
	void mapRegion() {
		this.region = this.nativeMemory.mapAnonymous(PAGES * this.nativeMemory.pageSize());
	}

	@AfterEach
	void unmapRegion() {
		this.nativeMemory.unmap(this.region);
	}

	@Test
	void currentShouldBeTheDetectedLinuxPlatform() {
		assertThat(this.nativeMemory.platform()).isIn(Platform.LINUX_X86_64, Platform.LINUX_AARCH64);
	}

	@Test
	void pageSizeShouldBeAPowerOfTwo() {
		assertThat(Long.bitCount(this.nativeMemory.pageSize())).isOne();
	}

	@Test
	void mapAnonymousShouldGiveZeroFilledWritableMemory() {
		assertThat(this.region.byteSize()).isEqualTo(PAGES * this.nativeMemory.pageSize());
		assertThat(this.region.get(ValueLayout.JAVA_LONG, 8)).isZero();
		this.region.set(ValueLayout.JAVA_LONG, 8, 42L);
		assertThat(this.region.get(ValueLayout.JAVA_LONG, 8)).isEqualTo(42L);
	}

	@Test
	void lockShouldRaiseVmLckByTheRegionAndFlagTheMappingLocked() {
		long before = this.procFs.lockedBytes();
		this.nativeMemory.lock(this.region);
		assertThat(this.procFs.lockedBytes() - before).isEqualTo(this.region.byteSize());
		assertThat(vmFlags()).contains("lo");
	}

	@Test
	void unlockShouldRemoveTheLockedFlagAndRestoreVmLck() {
		long before = this.procFs.lockedBytes();
		this.nativeMemory.lock(this.region);
		this.nativeMemory.unlock(this.region);
		assertThat(this.procFs.lockedBytes()).isEqualTo(before);
		assertThat(vmFlags()).doesNotContain("lo");
	}

	@Test
	void adviseShouldFlagTheMappingDontDumpAndWipeOnFork() {
		this.nativeMemory.advise(this.region, Advice.DONT_DUMP);
		this.nativeMemory.advise(this.region, Advice.WIPE_ON_FORK);
		assertThat(vmFlags()).contains("dd", "wf");
	}

	@Test
	void adviseWithDoDumpShouldUndoDontDump() {
		this.nativeMemory.advise(this.region, Advice.DONT_DUMP);
		this.nativeMemory.advise(this.region, Advice.DO_DUMP);
		assertThat(vmFlags()).doesNotContain("dd");
	}

	@Test
	void adviseWithDontForkShouldFlagTheMappingDontCopy() {
		this.nativeMemory.advise(this.region, Advice.DONT_FORK);
		assertThat(vmFlags()).contains("dc");
	}

	@Test
	void adviseWhenAddressUnalignedShouldFailWithEinval() {
		MemorySegment unaligned = this.region.asSlice(1, this.nativeMemory.pageSize());
		assertThatExceptionOfType(NativeCallException.class)
			.isThrownBy(() -> this.nativeMemory.advise(unaligned, Advice.DONT_DUMP))
			.satisfies((ex) -> {
				assertThat(ex.call()).isEqualTo("madvise");
				assertThat(ex.errno()).isEqualTo(22);
				assertThat(ex.errnoName()).isEqualTo("EINVAL");
				assertThat(ex.strerror()).isNotBlank();
				assertThat(ex.getMessage()).startsWith("madvise failed: EINVAL (");
			});
	}

	@Test
	void lockWhenRegionNotMappedShouldFailWithEnomem() {
		MemorySegment unmapped = MemorySegment.NULL.reinterpret(this.nativeMemory.pageSize());
		assertThatExceptionOfType(NativeCallException.class).isThrownBy(() -> this.nativeMemory.lock(unmapped))
			.satisfies((ex) -> assertThat(ex.errnoName()).isEqualTo("ENOMEM"));
	}

	@Test
	void zeroLengthRegionShouldBeANoOpForLockUnlockAdviseAndProtect() {
		long before = this.procFs.lockedBytes();
		MemorySegment empty = this.region.asSlice(1, 0);
		this.nativeMemory.lock(empty);
		this.nativeMemory.lock(MemorySegment.NULL);
		this.nativeMemory.unlock(MemorySegment.NULL);
		this.nativeMemory.advise(empty, Advice.DONT_DUMP);
		this.nativeMemory.protect(empty, Protection.NONE);
		assertThat(this.procFs.lockedBytes()).isEqualTo(before);
		assertThat(vmFlags()).doesNotContain("lo", "dd").contains("rd", "wr");
	}

	@Test
	void protectShouldChangeTheAccessFlagsOfTheMapping() {
		this.nativeMemory.protect(this.region, Protection.READ);
		assertThat(vmFlags()).contains("rd").doesNotContain("wr");
		this.nativeMemory.protect(this.region, Protection.NONE);
		assertThat(vmFlags()).doesNotContain("rd", "wr");
		this.nativeMemory.protect(this.region, Protection.READ_WRITE);
		assertThat(vmFlags()).contains("rd", "wr");
	}

	@Test
	void memlockLimitShouldHaveSoftNotAboveHard() {
		MemlockLimit limit = this.nativeMemory.memlockLimit();
		assertThat(limit.soft()).isNotNegative().isLessThanOrEqualTo(limit.hard());
	}

	@Test
	void memlockLimitShouldMapRlimInfinityToUnlimited() {
		PosixNativeMemory linux = (PosixNativeMemory) this.nativeMemory;
		assertThat(linux.limit(-1L)).isEqualTo(MemlockLimit.UNLIMITED);
		assertThat(linux.limit(65536L)).isEqualTo(65536L);
	}

	@Test
	void unmapWhenLengthZeroShouldFailWithEinval() {
		assertThatExceptionOfType(NativeCallException.class)
			.isThrownBy(() -> this.nativeMemory.unmap(this.region.asSlice(0, 0)))
			.satisfies((ex) -> assertThat(ex.errnoName()).isEqualTo("EINVAL"));
	}

	@Test
	void closeWhenDescriptorInvalidShouldFailWithEbadf() {
		assertThatExceptionOfType(NativeCallException.class).isThrownBy(() -> this.nativeMemory.close(-1))
			.satisfies((ex) -> assertThat(ex.errnoName()).isEqualTo("EBADF"));
	}

	private Set<String> vmFlags() {
		return this.procFs.vmFlags(this.region.address()).orElseThrow();
	}

}
