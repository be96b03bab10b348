package io.github.memlock.autoconfigure;

import io.github.memlock.Backend;
import io.github.memlock.LockBudgetExceededException;
import io.github.memlock.LockedSecretStore;
import io.github.memlock.MemoryLockException;
import io.github.memlock.nativeaccess.MemlockLimit;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.BeanCreationException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.env.Environment;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.core.io.support.SpringFactoriesLoader.ArgumentResolver;
import org.springframework.core.io.support.SpringFactoriesLoader.FailureHandler;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link MemoryLockFailureAnalyzer}.
 */
class MemoryLockFailureAnalyzerTests {

	private final MockEnvironment environment = new MockEnvironment().withProperty("memlock.required", "true");

	@Test
	void analyzeWhenMlockIsNotPermittedShouldDescribeFacts() {
		assertThat(analyze(eperm()).getDescription()).contains("'memlock.required' is true")
			.contains("Backend tried:    mlock")
			.contains("Failed call:      mlock")
			.contains("Error:            EPERM")
			.contains("RLIMIT_MEMLOCK:   soft 0 bytes, hard 0 bytes")
			.contains("Already locked:   0 bytes (VmLck)")
			.contains("CAP_IPC_LOCK:     not effective")
			.contains("User:             " + System.getProperty("user.name"));
	}

	@Test
	void analyzeWhenMlockIsNotPermittedShouldTellHowToRaiseTheLimit() {
		assertThat(analyze(eperm()).getAction()).contains("ulimit -l")
			.contains("LimitMEMLOCK=")
			.contains("docker run --ulimit memlock=")
			.contains("Kubernetes")
			.contains("'IPC_LOCK'")
			.contains("uid 0")
			.contains("non-root")
			.contains("Or set 'memlock.required' to false");
	}

	@Test
	void analyzeWhenLimitIsInfiniteShouldSayUnlimited() {
		assertThat(analyze(new MemoryLockException("mlock failed: ENOMEM (Cannot allocate memory)", Backend.MLOCK,
				"mlock", "ENOMEM", MemlockLimit.UNLIMITED, MemlockLimit.UNLIMITED, 4096, true, null))
			.getDescription()).contains("soft unlimited, hard unlimited").contains("CAP_IPC_LOCK:     effective");
	}

	@Test
	void analyzeWhenBudgetIsExceededShouldShowRequestAndBudget() {
		assertThat(
				analyze(new LockBudgetExceededException(Backend.MEMFD_SECRET, 65536, 8192, 65536, 65536, 57344, false))
					.getDescription())
			.contains("Backend tried:    memfd-secret")
			.contains("Failed call:      none")
			.contains("Requested:        65536 bytes, budget left 8192 bytes");
	}

	@Test
	void analyzeWhenStoreMaximumIsExceededShouldTellHowToRaiseTheMaximumNotTheLimit() {
		assertThat(analyze(exceedStoreMaximum()).getAction()).contains("'memlock.max-locked-bytes'")
			.doesNotContain("ulimit -l")
			.contains("Or set 'memlock.required' to false");
	}

	@Test
	void analyzeWhenMemfdSecretIsUnavailableShouldGiveStoreRemedy() {
		MemoryLockException failure = new MemoryLockException("memfd_secret failed: ENOSYS (Function not implemented)",
				Backend.MEMFD_SECRET, "memfd_secret", "ENOSYS", 0, 0, 0, false, null);
		assertThat(analyze(failure).getAction()).startsWith(failure.remedy())
			.contains("Or set 'memlock.required' to false");
	}

	@Test
	void analyzeWhenFailureIsWrappedShouldFindIt() {
		assertThat(new MemoryLockFailureAnalyzer(this.environment)
			.analyze(new BeanCreationException("lockedSecretStore", "Failed", eperm()))).isNotNull();
	}

	@Test
	void analyzeWhenLoadingASecretFailedShouldNameTheSecret() {
		SecretLoadingException loading = new SecretLoadingException("Cannot lock secret 'big'",
				"secret 'big' from 'big.key' ('memlock.secrets.files.big')", eperm());
		assertThat(new MemoryLockFailureAnalyzer(this.environment).analyze(loading).getDescription())
			.contains("Loading:          secret 'big' from 'big.key' ('memlock.secrets.files.big')")
			.contains("Error:            EPERM");
	}

	@Test
	void springFactoriesShouldRegisterAnalyzer() {
		// Some of Spring Boot's own analyzers need classes this module does not have.
		assertThat(SpringFactoriesLoader.forDefaultResourceLocation()
			.load(FailureAnalyzer.class,
					ArgumentResolver.of(Environment.class, this.environment)
						.and(BeanFactory.class, new DefaultListableBeanFactory()),
					FailureHandler.handleMessage((message, ex) -> {
					})))
			.hasAtLeastOneElementOfType(MemoryLockFailureAnalyzer.class);
	}

	private FailureAnalysis analyze(MemoryLockException failure) {
		return new MemoryLockFailureAnalyzer(this.environment).analyze(failure);
	}

	private static MemoryLockException eperm() {
		return new MemoryLockException("mlock failed: EPERM (Operation not permitted)", Backend.MLOCK, "mlock", "EPERM",
				0, 0, 0, false, null);
	}

	private static LockBudgetExceededException exceedStoreMaximum() {
		try (LockedSecretStore store = LockedSecretStore.builder()
			.backend(Backend.MLOCK)
			.maxLockedBytes(4096)
			.build()) {
			store.put("large", new byte[8192]);
			throw new AssertionError("8 KiB should not fit a 4 KiB maximum");
		}
		catch (LockBudgetExceededException ex) {
			return ex;
		}
	}

}
