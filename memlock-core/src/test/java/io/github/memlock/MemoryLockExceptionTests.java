package io.github.memlock;

import io.github.memlock.nativeaccess.MemlockLimit;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link MemoryLockException} and {@link LockBudgetExceededException}.
 */
class MemoryLockExceptionTests {

	@Test
	void messageShouldSayWhatHappenedThenLimitsThenRemedy() {
		MemoryLockException ex = new MemoryLockException("mlock failed: EPERM (Operation not permitted)", Backend.MLOCK,
				"mlock", "EPERM", 0, 0, 0, false, null);
		assertThat(ex.getMessage())
			.isEqualTo("mlock failed: EPERM (Operation not permitted); RLIMIT_MEMLOCK soft 0 bytes, "
					+ "hard 0 bytes; the process has 0 bytes locked (VmLck); CAP_IPC_LOCK is not effective. "
					+ MemoryLockException.LIMIT_REMEDY);
		assertThat(ex.remedy()).contains("ulimit -l", "LimitMEMLOCK=", "--ulimit memlock", "CAP_IPC_LOCK");
	}

	@Test
	void remedyWhenSecretMemoryIsMissingShouldPointToKernelOrMlock() {
		MemoryLockException ex = new MemoryLockException("memfd_secret failed: ENOSYS (Function not implemented)",
				Backend.MEMFD_SECRET, "memfd_secret", "ENOSYS", MemlockLimit.UNLIMITED, MemlockLimit.UNLIMITED, 0, true,
				null);
		assertThat(ex.getMessage()).contains("RLIMIT_MEMLOCK soft unlimited, hard unlimited",
				"CAP_IPC_LOCK is effective");
		assertThat(ex.remedy()).contains("Linux 5.14", "mlock backend");
	}

	@Test
	void budgetExceededShouldCarryRequestAndBudget() {
		LockBudgetExceededException ex = new LockBudgetExceededException(Backend.MLOCK, 8192, 4096, 65536, 65536, 61440,
				false);
		assertThat(ex.requestedBytes()).isEqualTo(8192);
		assertThat(ex.budgetBytes()).isEqualTo(4096);
		assertThat(ex.call()).isNull();
		assertThat(ex.errnoName()).isNull();
		assertThat(ex.getMessage()).startsWith("Cannot lock 8192 more bytes for secrets: only 4096 bytes are left")
			.contains("RLIMIT_MEMLOCK soft 65536 bytes", "61440 bytes locked");
		assertThat(ex.remedy()).isEqualTo(MemoryLockException.LIMIT_REMEDY);
	}

}
