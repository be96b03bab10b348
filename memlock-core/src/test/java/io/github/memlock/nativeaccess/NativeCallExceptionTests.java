package io.github.memlock.nativeaccess;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link NativeCallException}.
 */
class NativeCallExceptionTests {

	@Test
	void ofShouldNameAndDescribeALinuxErrno() {
		assertThat(NativeCallException.of("mlock", 12)).satisfies((ex) -> {
			assertThat(ex.call()).isEqualTo("mlock");
			assertThat(ex.errno()).isEqualTo(12);
			assertThat(ex.errnoName()).isEqualTo("ENOMEM");
			assertThat(ex.strerror()).isEqualTo("Cannot allocate memory");
		}).hasMessage("mlock failed: ENOMEM (Cannot allocate memory)");
	}

	@Test
	void ofWhenErrnoUnknownShouldStillDescribeIt() {
		assertThat(NativeCallException.of("mlock", 4000)).hasMessage("mlock failed: errno 4000 (Unknown error 4000)");
	}

	@Test
	void ofShouldKnowTheErrnosTheCallsReport() {
		assertThat(NativeCallException.of("mlock", 1).errnoName()).isEqualTo("EPERM");
		assertThat(NativeCallException.of("mmap", 11).errnoName()).isEqualTo("EAGAIN");
		assertThat(NativeCallException.of("madvise", 22).errnoName()).isEqualTo("EINVAL");
		assertThat(NativeCallException.of("memfd_secret", 38).errnoName()).isEqualTo("ENOSYS");
		assertThat(NativeCallException.of("madvise", 95).errnoName()).isEqualTo("EOPNOTSUPP");
	}

	@Test
	void macOsNamesShouldFollowItsOwnNumbering() {
		assertThat(Errno.macOsName(35)).isEqualTo("EAGAIN");
		assertThat(Errno.macOsName(12)).isEqualTo("ENOMEM");
		assertThat(Errno.macOsName(78)).isEqualTo("ENOSYS");
		assertThat(Errno.macOsName(38)).isEqualTo("errno 38");
	}

}
