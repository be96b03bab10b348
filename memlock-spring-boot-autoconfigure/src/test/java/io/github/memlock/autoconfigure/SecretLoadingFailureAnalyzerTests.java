package io.github.memlock.autoconfigure;

import java.nio.file.Path;

import io.github.memlock.Backend;
import io.github.memlock.MemoryLockException;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.core.io.support.SpringFactoriesLoader;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SecretLoadingFailureAnalyzer}.
 */
class SecretLoadingFailureAnalyzerTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MemlockAutoConfiguration.class));

	@Test
	void analyzeWhenSecretFileIsMissingShouldDescribeItAndTellWhatToCorrect() {
		Path missing = Path.of("no-such-dir", "api-token");
		this.contextRunner.withPropertyValues("memlock.secrets.files.api-token=" + missing)
			.run((context) -> assertThat(analyze(context.getStartupFailure())).satisfies((analysis) -> {
				assertThat(analysis.getDescription()).startsWith("memlock could not load the configured secrets: ")
					.contains("'" + missing + "'", "'memlock.secrets.files.api-token'", "NoSuchFileException");
				assertThat(analysis.getAction()).contains("'memlock.secrets' property", "zero-filled");
			}));
	}

	@Test
	void analyzeWhenSecretCouldNotBeLockedShouldLeaveItToTheLockAnalysis() {
		MemoryLockException lockFailure = new MemoryLockException("mlock failed: EPERM (Operation not permitted)",
				Backend.MLOCK, "mlock", "EPERM", 0, 0, 0, false, null);
		assertThat(new SecretLoadingFailureAnalyzer().analyze(new SecretLoadingException("Cannot lock secret 'a'",
				"secret 'a' from 'a' ('memlock.secrets.files.a')", lockFailure)))
			.isNull();
	}

	@Test
	void springFactoriesShouldRegisterAnalyzer() {
		assertThat(SpringFactoriesLoader.loadFactoryNames(FailureAnalyzer.class, getClass().getClassLoader()))
			.contains(SecretLoadingFailureAnalyzer.class.getName());
	}

	private static FailureAnalysis analyze(Throwable failure) {
		FailureAnalysis analysis = new SecretLoadingFailureAnalyzer()
			.analyze(new BeanCreationException("lockedSecretStore", "Failed", failure));
		assertThat(analysis).as("analysis of %s", failure).isNotNull();
		return analysis;
	}

}
