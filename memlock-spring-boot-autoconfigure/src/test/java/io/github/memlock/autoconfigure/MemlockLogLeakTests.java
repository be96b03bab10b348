package io.github.memlock.autoconfigure;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import io.github.memlock.LockedSecretStore;
import io.github.memlock.Markers;
import io.github.memlock.autoconfigure.health.MemlockHealthContributorAutoConfiguration;
import io.github.memlock.autoconfigure.health.MemlockHealthIndicator;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.LoggingFailureAnalysisReporter;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.StandardEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests that memlock logs no marker secret at any level, and that no failure it raises
 * carries one: the auto-configuration loads marker secrets with
 * {@code logging.level.io.github.memlock=TRACE} and the root logger at {@code DEBUG},
 * through a clean start, degraded starts, refused starts (reported as
 * {@code SpringApplication} would, with the failure analysis and the stack trace) and a
 * store that closes under its health indicator.
 */
@ExtendWith(OutputCaptureExtension.class)
class MemlockLogLeakTests {

	private static final Log logger = LogFactory.getLog(MemlockLogLeakTests.class);

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(MemlockAutoConfiguration.class, MemlockHealthContributorAutoConfiguration.class))
		.withInitializer(new LogLevelsInitializer())
		.withPropertyValues("logging.level.io.github.memlock=TRACE", "logging.level.root=DEBUG");

	private final Map<String, byte[]> markers = new LinkedHashMap<>();

	private final LoggingSystem loggingSystem = LoggingSystem.get(getClass().getClassLoader());

	private LogLevel rootLevel;

	@TempDir
	Path temp;

	private Path secrets;

	private Path outside;

	@BeforeEach
	void writeSecrets() throws IOException {
		this.rootLevel = this.loggingSystem.getLoggerConfiguration(LoggingSystem.ROOT_LOGGER_NAME).getConfiguredLevel();
		this.secrets = Files.createDirectories(this.temp.resolve("secrets"));
		this.outside = Files.createDirectories(this.temp.resolve("outside"));
		write(this.secrets.resolve("api-token"));
		write(this.secrets.resolve("db-password"));
		write(this.secrets.resolve(".hidden"));
		write(Files.createDirectories(this.secrets.resolve("nested")).resolve("inner"));
		Files.createSymbolicLink(this.secrets.resolve("escaping-link"), write(this.outside.resolve("elsewhere")));
		Files.createSymbolicLink(this.secrets.resolve("dangling-link"), this.temp.resolve("missing"));
	}

	@AfterEach
	void restoreLogLevels() {
		this.loggingSystem.setLogLevel("io.github.memlock", null);
		this.loggingSystem.setLogLevel(LoggingSystem.ROOT_LOGGER_NAME, this.rootLevel);
	}

	@Test
	void loadWhenLockedShouldLogNoMarkerSecret(CapturedOutput output) {
		this.contextRunner
			.withPropertyValues("memlock.secrets.directories=" + this.secrets,
					"memlock.secrets.files.single=" + this.outside.resolve("elsewhere"))
			.run((context) -> {
				assertThat(context.getBean(LockedSecretStore.class).names()).contains("api-token", "db-password",
						"single");
				MemlockHealthIndicator indicator = context.getBean(MemlockHealthIndicator.class);
				context.close();
				indicator.health();
			});
		assertLoggedNoMarker(output, "Skipping", "Health contributor 'memlock' is DOWN");
	}

	@Test
	void loadWhenDegradedShouldLogNoMarkerSecret(CapturedOutput output) throws IOException {
		Path big = write(this.temp.resolve("big"), 512);
		this.contextRunner.withPropertyValues("memlock.secrets.directories=" + this.secrets, "memlock.backend=unlocked")
			.run((context) -> assertThat(context).hasNotFailed());
		this.contextRunner
			.withPropertyValues("memlock.secrets.directories=" + this.secrets, "memlock.max-locked-bytes=8KB",
					"memlock.secrets.files.big=" + big)
			.run((context) -> assertThat(context.getBean(LockedSecretStore.class).status().locked()).isFalse());
		assertLoggedNoMarker(output, "'memlock.backend' is 'unlocked'");
	}

	@Test
	void loadWhenStartIsRefusedShouldLogAndRaiseNoMarkerSecret(CapturedOutput output) throws IOException {
		Path big = write(this.temp.resolve("big"), 512);
		refuseStart("memlock.required=true", "memlock.max-locked-bytes=8KB", "memlock.secrets.files.big=" + big);
		refuseStart("memlock.secrets.directories=" + this.secrets,
				"memlock.secrets.files.api-token=" + this.outside.resolve("elsewhere"));
		refuseStart("memlock.secrets.files.missing=" + this.temp.resolve("missing"));
		refuseStart("memlock.secrets.files.directory=" + this.secrets);
		refuseStart("memlock.secrets.files.unset=");
		assertLoggedNoMarker(output, "APPLICATION FAILED TO START", "configured twice");
	}

	/**
	 * Start with the given properties, expect the start to fail, check the failure and
	 * report it as {@code SpringApplication} would.
	 */
	private void refuseStart(String... properties) {
		this.contextRunner.withPropertyValues(properties).run((context) -> {
			Throwable failure = context.getStartupFailure();
			assertThat(failure).as("the start with %s", (Object) properties).isNotNull();
			assertThat(Markers.findIn(Markers.render(failure), this.markers)).as("a marker in %s", failure).isEmpty();
			StandardEnvironment environment = new StandardEnvironment();
			TestPropertyValues.of(properties).applyTo(environment);
			FailureAnalysis analysis = new MemoryLockFailureAnalyzer(environment).analyze(failure);
			if (analysis != null) {
				new LoggingFailureAnalysisReporter().report(analysis);
			}
			logger.error("Application run failed", failure);
		});
	}

	private void assertLoggedNoMarker(CapturedOutput output, String... expected) {
		// Prove that TRACE reaches the output for memlock's loggers and DEBUG for others.
		String control = Markers.randomText(24);
		logger.trace("trace control " + control);
		LogFactory.getLog("org.example.Other").debug("debug control " + control);
		assertThat(output).contains(expected).contains("trace control " + control, "debug control " + control);
		assertThat(Markers.findIn(output.toString(), this.markers)).as("a marker in the log").isEmpty();
	}

	private Path write(Path file) throws IOException {
		return write(file, 1);
	}

	private Path write(Path file, int repeats) throws IOException {
		byte[] marker = Markers.random(32);
		this.markers.put(file.getFileName().toString(), marker);
		return Files.writeString(file, new String(marker, StandardCharsets.US_ASCII).repeat(repeats),
				StandardCharsets.US_ASCII);
	}

	/**
	 * Applies {@code logging.level.*} from the environment as
	 * {@code LoggingApplicationListener} does for a {@code SpringApplication}, which
	 * {@code ApplicationContextRunner} does not run.
	 */
	static final class LogLevelsInitializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {

		@Override
		public void initialize(ConfigurableApplicationContext context) {
			LoggingSystem loggingSystem = LoggingSystem.get(context.getClassLoader());
			Binder.get(context.getEnvironment())
				.bind("logging.level", Bindable.mapOf(String.class, LogLevel.class))
				.ifBound((levels) -> levels.forEach((name, level) -> loggingSystem
					.setLogLevel("root".equalsIgnoreCase(name) ? LoggingSystem.ROOT_LOGGER_NAME : name, level)));
		}

	}

}
