package io.github.memlock.nativeaccess;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for platform detection, the platform seam and the unsupported outcome.
 */
class NativeMemoriesTests {

	@AfterEach
	void clearOverride() {
		System.clearProperty(Platform.OVERRIDE_PROPERTY);
	}

	@ParameterizedTest
	@CsvSource({ "Linux, amd64, LINUX_X86_64", "Linux, x86_64, LINUX_X86_64", "Linux, aarch64, LINUX_AARCH64",
			"Mac OS X, aarch64, MACOS", "Mac OS X, x86_64, MACOS", "Linux, riscv64, UNSUPPORTED",
			"Windows 11, amd64, UNSUPPORTED", "FreeBSD, amd64, UNSUPPORTED" })
	void detectShouldMapOsNameAndArchToPlatform(String osName, String osArch, Platform expected) {
		assertThat(NativeMemories.detect(osName, osArch)).isEqualTo(expected);
	}

	@Test
	void currentWhenOverrideSetShouldUseTheNamedPlatform() {
		System.setProperty(Platform.OVERRIDE_PROPERTY, "unsupported");
		assertThat(NativeMemory.current().platform()).isEqualTo(Platform.UNSUPPORTED);
	}

	@Test
	void currentWhenOverrideInvalidShouldNameTheProperty() {
		System.setProperty(Platform.OVERRIDE_PROPERTY, "amiga");
		assertThatIllegalArgumentException().isThrownBy(NativeMemory::current)
			.withMessageContaining("'memlock.native.platform'")
			.withMessageContaining("'amiga'");
	}

	@Test
	void forPlatformShouldReturnTheSameInstanceEachTime() {
		assertThat(NativeMemory.forPlatform(Platform.UNSUPPORTED))
			.isSameAs(NativeMemory.forPlatform(Platform.UNSUPPORTED));
	}

	@Test
	void forPlatformWhenUnsupportedShouldRaiseUnsupportedForEveryCall() {
		NativeMemory unsupported = NativeMemory.forPlatform(Platform.UNSUPPORTED);
		try (Arena arena = Arena.ofConfined()) {
			MemorySegment region = arena.allocate(16);
			assertThat(unsupported.platform()).isEqualTo(Platform.UNSUPPORTED);
			assertThat(unsupported.pageSize()).isEqualTo(4096);
			assertUnsupported(() -> unsupported.mapAnonymous(4096), "mmap");
			assertUnsupported(() -> unsupported.mapShared(3, 4096), "mmap");
			assertUnsupported(() -> unsupported.unmap(region), "munmap");
			assertUnsupported(() -> unsupported.lock(region), "mlock");
			assertUnsupported(() -> unsupported.unlock(region), "munlock");
			assertUnsupported(() -> unsupported.advise(region, Advice.DONT_DUMP), "madvise");
			assertUnsupported(() -> unsupported.protect(region, Protection.NONE), "mprotect");
			assertUnsupported(unsupported::memlockLimit, "getrlimit");
			assertUnsupported(unsupported::memfdSecret, "memfd_secret");
			assertUnsupported(() -> unsupported.truncate(3, 4096), "ftruncate");
			assertUnsupported(() -> unsupported.close(3), "close");
		}
	}

	// Only the calls macOS lacks can be checked on Linux: they fail before any native
	// call. The macOS constants themselves cannot be exercised here.
	@Test
	void forPlatformWhenMacOsShouldRaiseUnsupportedForAdviceAndSecretMemory() {
		NativeMemory macOs = NativeMemory.forPlatform(Platform.MACOS);
		try (Arena arena = Arena.ofConfined()) {
			MemorySegment region = arena.allocate(16);
			for (Advice advice : Advice.values()) {
				assertThatExceptionOfType(UnsupportedNativeCallException.class)
					.isThrownBy(() -> macOs.advise(region, advice))
					.satisfies((ex) -> assertThat(ex.platform()).isEqualTo(Platform.MACOS));
			}
			assertUnsupported(macOs::memfdSecret, "memfd_secret");
		}
	}

	@Test
	void unsupportedExceptionShouldNameCallAndPlatform() {
		assertThat(new UnsupportedNativeCallException("mlock", Platform.UNSUPPORTED))
			.hasMessage("mlock is not supported on UNSUPPORTED");
	}

	private static void assertUnsupported(Runnable call, String name) {
		assertThatExceptionOfType(UnsupportedNativeCallException.class).isThrownBy(call::run)
			.satisfies((ex) -> assertThat(ex.call()).isEqualTo(name));
	}

}
