package io.github.memlock.autoconfigure;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import io.github.memlock.LockedSecretStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link MemlockSecretLoader} through {@link MemlockAutoConfiguration}, on
 * directories laid out the way the kubelet mounts a Kubernetes Secret.
 */
@ExtendWith(OutputCaptureExtension.class)
class MemlockSecretLoaderTests {

	private static final String API_TOKEN = "tok-9f8e7d6c5b4a";

	private static final String DB_PASSWORD = "pw-0a1b2c3d4e5f";

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MemlockAutoConfiguration.class));

	@TempDir
	Path temp;

	@Test
	void runWithKubernetesSecretVolumeShouldLoadExactlyItsKeys() throws IOException {
		this.contextRunner.withPropertyValues("memlock.secrets.directories=" + secretVolume("app"))
			.run((context) -> assertThat(context).getBean(LockedSecretStore.class)
				.satisfies((store) -> assertThat(store.names()).containsExactlyInAnyOrder("api-token", "db-password"))
				.satisfies((store) -> assertThat(store.matches("api-token", bytes(API_TOKEN))).isTrue())
				.satisfies((store) -> assertThat(store.matches("db-password", bytes(DB_PASSWORD))).isTrue()));
	}

	@Test
	void runWithSecretFilesShouldLoadEachUnderItsName() throws IOException {
		this.contextRunner
			.withPropertyValues("memlock.secrets.files.signing-key=" + file("key.pem", "-----BEGIN KEY-----"),
					"memlock.secrets.files.api-token=" + secretVolume("app").resolve("api-token"))
			.run((context) -> assertThat(context).getBean(LockedSecretStore.class)
				.satisfies((store) -> assertThat(store.names()).containsExactlyInAnyOrder("signing-key", "api-token"))
				.satisfies((store) -> assertThat(store.matches("api-token", bytes(API_TOKEN))).isTrue()));
	}

	@Test
	void runWithTwoDirectoriesShouldLoadBoth() throws IOException {
		this.contextRunner
			.withPropertyValues("memlock.secrets.directories[0]=" + secretVolume("app"),
					"memlock.secrets.directories[1]=" + directory("plain", Map.of("smtp-password", "s")))
			.run((context) -> assertThat(context.getBean(LockedSecretStore.class).names())
				.containsExactlyInAnyOrder("api-token", "db-password", "smtp-password"));
	}

	@Test
	void runWhenDirectoryHoldsOtherEntriesShouldSkipThemWithWarning(CapturedOutput output) throws IOException {
		this.contextRunner.withPropertyValues("memlock.secrets.directories=" + cluttered("app"))
			.run((context) -> assertThat(context.getBean(LockedSecretStore.class).names())
				.containsExactlyInAnyOrder("api-token", "db-password")
				.satisfies((names) -> assertThat(output).contains("Skipping '" + this.temp.resolve("app/.hidden") + "'",
						"Skipping '" + this.temp.resolve("app/nested") + "'",
						"Skipping '" + this.temp.resolve("app/elsewhere") + "'",
						"Skipping '" + this.temp.resolve("app/dangling") + "'"))
				.satisfies((names) -> assertThat(output).doesNotContain("..data", API_TOKEN, DB_PASSWORD)));
	}

	@Test
	void runWhenDirectoryIsMissingShouldFailNamingItAndProperty() {
		this.contextRunner.withPropertyValues("memlock.secrets.directories=" + this.temp.resolve("missing"))
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("'" + this.temp.resolve("missing") + "'")
				.hasStackTraceContaining("'memlock.secrets.directories[0]'"));
	}

	@Test
	void runWhenSecretFileIsMissingShouldFailNamingItAndProperty() {
		this.contextRunner.withPropertyValues("memlock.secrets.files.api-token=" + this.temp.resolve("absent"))
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("'" + this.temp.resolve("absent") + "'")
				.hasStackTraceContaining("'memlock.secrets.files.api-token'"));
	}

	@Test
	void runWhenSecretFileIsADirectoryShouldFailNamingIt() {
		this.contextRunner.withPropertyValues("memlock.secrets.files.api-token=" + this.temp)
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("Secret file '" + this.temp + "' ('memlock.secrets.files.api-token')"));
	}

	@Test
	void runWhenNamesClashShouldFailNamingBothFilesWithoutSecretBytes() throws IOException {
		this.contextRunner
			.withPropertyValues("memlock.secrets.directories=" + secretVolume("app"),
					"memlock.secrets.files.api-token=" + file("token", API_TOKEN))
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("Secret 'api-token' is configured twice")
				.hasStackTraceContaining("'memlock.secrets.directories[0]'")
				.hasStackTraceContaining("'" + this.temp.resolve("token") + "' ('memlock.secrets.files.api-token')")
				.satisfies((failure) -> assertThat(stackTrace(failure)).doesNotContain(API_TOKEN)));
	}

	/**
	 * Lay out a directory as the kubelet does for a Secret with the keys
	 * {@code api-token} and {@code db-password}: the files in a hidden timestamped
	 * directory, {@code ..data} linking to it and one link per key through
	 * {@code ..data}.
	 */
	private Path secretVolume(String name) throws IOException {
		Path volume = Files.createDirectories(this.temp.resolve(name));
		String stamp = "..2026_01_15_10_20_30.123456789";
		Path files = Files.createDirectory(volume.resolve(stamp));
		Files.writeString(files.resolve("api-token"), API_TOKEN);
		Files.writeString(files.resolve("db-password"), DB_PASSWORD);
		Files.createSymbolicLink(volume.resolve("..data"), Path.of(stamp));
		Files.createSymbolicLink(volume.resolve("api-token"), Path.of("..data", "api-token"));
		Files.createSymbolicLink(volume.resolve("db-password"), Path.of("..data", "db-password"));
		return volume;
	}

	private Path cluttered(String name) throws IOException {
		Path volume = secretVolume(name);
		Files.writeString(volume.resolve(".hidden"), "h");
		Files.writeString(Files.createDirectory(volume.resolve("nested")).resolve("inner"), "i");
		Files.createSymbolicLink(volume.resolve("elsewhere"), file("outside", "o"));
		Files.createSymbolicLink(volume.resolve("dangling"), Path.of("..data", "removed-key"));
		return volume;
	}

	private Path directory(String name, Map<String, String> secrets) throws IOException {
		Path directory = Files.createDirectories(this.temp.resolve(name));
		for (Map.Entry<String, String> secret : secrets.entrySet()) {
			Files.writeString(directory.resolve(secret.getKey()), secret.getValue());
		}
		return directory;
	}

	private Path file(String name, String content) throws IOException {
		return Files.writeString(this.temp.resolve(name), content);
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private static String stackTrace(Throwable failure) {
		StringWriter writer = new StringWriter();
		failure.printStackTrace(new PrintWriter(writer));
		return writer.toString();
	}

}
