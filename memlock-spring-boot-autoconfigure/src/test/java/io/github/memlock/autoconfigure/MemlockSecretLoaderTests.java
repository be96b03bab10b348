package io.github.memlock.autoconfigure;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.github.memlock.LockBudgetExceededException;
import io.github.memlock.LockedSecretStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Tests for {@link MemlockSecretLoader} through {@link MemlockAutoConfiguration}, on
 * directories laid out the way the kubelet mounts a Kubernetes Secret.
 */
@ExtendWith(OutputCaptureExtension.class)
class MemlockSecretLoaderTests {

	private static final String API_TOKEN = "tok-9f8e7d6c5b4a";

	private static final String DB_PASSWORD = "pw-0a1b2c3d4e5f";

	private static final String STAMP = "..2026_01_15_10_20_30.123456789";

	private static final String OTHER_SECRET = "other-7a6b5c4d3e2f";

	private static final byte[] BINARY = { 0, 'b', 'i', 'n', '-', '3', 'c', '9', 'd', 0, (byte) 0xff, (byte) 0x80, '\n',
			0 };

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
				.hasStackTraceContaining("Cannot read secret file '" + this.temp.resolve("absent")
						+ "' ('memlock.secrets.files.api-token'): NoSuchFileException")
				.hasStackTraceContaining("correct the path (a relative one is resolved against the working directory) "
						+ "or remove the property"));
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

	@Test
	void runWhenDirectoryHoldsEmptyFileShouldFailNamingItAndProperty(CapturedOutput output) throws IOException {
		Path volume = secretVolume("app");
		addKey(volume, "empty", new byte[0]);
		this.contextRunner.withPropertyValues("memlock.secrets.directories=" + volume)
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("Secret file '" + volume.resolve(STAMP).resolve("empty")
						+ "' ('memlock.secrets.directories[0]') is empty; write the secret into it or remove it")
				.satisfies(
						(failure) -> assertThat(stackTrace(failure) + output).doesNotContain(API_TOKEN, DB_PASSWORD)));
	}

	@Test
	void runWhenDirectoryHoldsBinarySecretShouldStoreExactlyItsBytes(CapturedOutput output) throws IOException {
		Path volume = secretVolume("app");
		addKey(volume, "blob", BINARY);
		this.contextRunner.withPropertyValues("memlock.secrets.directories=" + volume)
			.run((context) -> assertThat(context).getBean(LockedSecretStore.class)
				.satisfies((store) -> assertThat(storedBytes(store, "blob")).isEqualTo(BINARY))
				.satisfies((store) -> assertThat(store.matches("blob", BINARY.clone())).isTrue())
				.satisfies((store) -> assertThat(store.matches("blob", new byte[] { 0, 'b', 'i', 'n' })).isFalse())
				.satisfies((store) -> assertThat(output).doesNotContain("bin-3c9d", API_TOKEN, DB_PASSWORD)));
	}

	@Test
	void runWhenRequiredAndSecretExceedsMaxLockedBytesShouldFailNamingItPropertyAndRemedy(CapturedOutput output)
			throws IOException {
		Path big = file("big", OTHER_SECRET.repeat(4096));
		this.contextRunner
			.withPropertyValues("memlock.required=true", "memlock.max-locked-bytes=4KB",
					"memlock.secrets.directories=" + secretVolume("app"), "memlock.secrets.files.big=" + big)
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("Cannot lock secret 'big' from '" + big + "' ('memlock.secrets.files.big')")
				.hasStackTraceContaining("Raise the store's maximum of locked bytes ('memlock.max-locked-bytes'")
				.hasRootCauseInstanceOf(LockBudgetExceededException.class)
				.satisfies((failure) -> assertThat(stackTrace(failure) + output).doesNotContain(OTHER_SECRET, API_TOKEN,
						DB_PASSWORD)));
	}

	@Test
	void runWhenSecretExceedsMaxLockedBytesShouldKeepItUnlockedWithWarning(CapturedOutput output) throws IOException {
		Path big = file("big", OTHER_SECRET.repeat(4096));
		this.contextRunner
			.withPropertyValues("memlock.max-locked-bytes=4KB", "memlock.secrets.directories=" + secretVolume("app"),
					"memlock.secrets.files.big=" + big)
			.run((context) -> assertThat(context).getBean(LockedSecretStore.class)
				.satisfies((store) -> assertThat(store.status().degraded()).isTrue())
				.satisfies((store) -> assertThat(store.matches("big", bytes(OTHER_SECRET.repeat(4096)))).isTrue())
				.satisfies((store) -> assertThat(store.matches("api-token", bytes(API_TOKEN))).isTrue())
				.satisfies((store) -> assertThat(store.matches("db-password", bytes(DB_PASSWORD))).isTrue())
				.satisfies((store) -> assertThat(output).contains(
						"Keeping secret 'big' from '" + big + "' ('memlock.secrets.files.big') in unlocked memory",
						"Raise 'memlock.max-locked-bytes'"))
				.satisfies((store) -> assertThat(output).doesNotContain(OTHER_SECRET, API_TOKEN, DB_PASSWORD)));
	}

	@Test
	void runWhenDirectoryHoldsSubdirectoriesShouldSkipThemWithWarning(CapturedOutput output) throws IOException {
		Path volume = secretVolume("app");
		Files.writeString(Files.createDirectory(volume.resolve("nested")).resolve("inner"), OTHER_SECRET);
		Files.createSymbolicLink(volume.resolve("timestamped"), Path.of(STAMP));
		this.contextRunner.withPropertyValues("memlock.secrets.directories=" + volume)
			.run((context) -> assertThat(context.getBean(LockedSecretStore.class).names())
				.containsExactlyInAnyOrder("api-token", "db-password")
				.satisfies((names) -> assertThat(output).contains(
						"Skipping '" + volume.resolve("nested")
								+ "' in secret directory ('memlock.secrets.directories[0]'): "
								+ "it is a directory and subdirectories are not loaded",
						"Skipping '" + volume.resolve("timestamped") + "'"))
				.satisfies((names) -> assertThat(output).doesNotContain(OTHER_SECRET, API_TOKEN, DB_PASSWORD)));
	}

	@Test
	void runWhenDirectoryHoldsSymlinkLoopShouldSkipItWithWarning(CapturedOutput output) throws IOException {
		Path volume = secretVolume("app");
		Files.createSymbolicLink(volume.resolve("loop"), Path.of("loop"));
		Files.createSymbolicLink(volume.resolve("ping"), Path.of("pong"));
		Files.createSymbolicLink(volume.resolve("pong"), Path.of("ping"));
		this.contextRunner.withPropertyValues("memlock.secrets.directories=" + volume)
			.run((context) -> assertThat(context.getBean(LockedSecretStore.class))
				.satisfies((store) -> assertThat(store.names()).containsExactlyInAnyOrder("api-token", "db-password"))
				.satisfies((store) -> assertThat(store.matches("api-token", bytes(API_TOKEN))).isTrue())
				.satisfies((store) -> assertThat(output).contains(
						"Skipping '" + volume.resolve("loop")
								+ "' in secret directory ('memlock.secrets.directories[0]'): "
								+ "it is a symbolic link that cannot be resolved",
						"Skipping '" + volume.resolve("ping") + "'", "Skipping '" + volume.resolve("pong") + "'"))
				.satisfies((store) -> assertThat(output).doesNotContain(API_TOKEN, DB_PASSWORD)));
	}

	@Test
	void runWhenDirectoryHoldsSymlinksOutsideItShouldSkipThemWithWarning(CapturedOutput output) throws IOException {
		Path volume = secretVolume("app");
		Path sibling = Files.createDirectory(this.temp.resolve("app-sibling"));
		Files.writeString(sibling.resolve("token"), OTHER_SECRET);
		Files.createSymbolicLink(volume.resolve("escape"), Path.of("..", "app-sibling", "token"));
		this.contextRunner.withPropertyValues("memlock.secrets.directories=" + volume)
			.run((context) -> assertThat(context.getBean(LockedSecretStore.class).names())
				.containsExactlyInAnyOrder("api-token", "db-password")
				.satisfies((names) -> assertThat(output).contains("Skipping '" + volume.resolve("escape")
						+ "' in secret directory ('memlock.secrets.directories[0]'): it is a symbolic link to '"
						+ sibling.resolve("token") + "', outside the directory"))
				.satisfies((names) -> assertThat(output).doesNotContain(OTHER_SECRET, API_TOKEN, DB_PASSWORD)));
	}

	@Test
	void runWhenTwoDirectoriesDefineSameNameShouldFailNamingBothWithoutSecretBytes(CapturedOutput output)
			throws IOException {
		Path volume = secretVolume("app");
		Path other = directory("other", Map.of("api-token", OTHER_SECRET));
		this.contextRunner
			.withPropertyValues("memlock.secrets.directories[0]=" + volume, "memlock.secrets.directories[1]=" + other)
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining(
						"Secret 'api-token' is configured twice: by '" + volume.resolve(STAMP).resolve("api-token")
								+ "' ('memlock.secrets.directories[0]') and by '" + other.resolve("api-token")
								+ "' ('memlock.secrets.directories[1]'); keep the name in one " + "source only")
				.satisfies((failure) -> assertThat(stackTrace(failure) + output).doesNotContain(OTHER_SECRET, API_TOKEN,
						DB_PASSWORD)));
	}

	@Test
	void runWhenNamesHaveSpacesDotsAndNonAsciiLettersShouldLoadThemAsNamed(CapturedOutput output) throws IOException {
		assumeThat(System.getProperty("sun.jnu.encoding")).isEqualTo("UTF-8");
		List<String> names = List.of("db password", "tls.crt", "trailing.", "clé-größe", "пароль", "密钥");
		Path directory = Files.createDirectory(this.temp.resolve("plain"));
		for (String name : names) {
			Files.writeString(directory.resolve(name), OTHER_SECRET + name);
		}
		this.contextRunner.withPropertyValues("memlock.secrets.directories=" + directory)
			.run((context) -> assertThat(context).getBean(LockedSecretStore.class)
				.satisfies((store) -> assertThat(store.names()).containsExactlyInAnyOrderElementsOf(names))
				.satisfies((store) -> assertThat(names)
					.allSatisfy((name) -> assertThat(store.matches(name, bytes(OTHER_SECRET + name))).isTrue()))
				.satisfies((store) -> assertThat(output).doesNotContain(OTHER_SECRET)));
	}

	@Test
	void runWhenFileNameHasControlCharactersShouldFailNamingItEscaped(CapturedOutput output) throws IOException {
		Path directory = directory("plain", Map.of("forged\nERROR injected", OTHER_SECRET));
		this.contextRunner.withPropertyValues("memlock.secrets.directories=" + directory)
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("Secret file '" + directory.resolve("forged\\u000aERROR injected")
						+ "' ('memlock.secrets.directories[0]') has control characters in its name")
				.satisfies((failure) -> assertThat(failure).rootCause().message().doesNotContain("\n"))
				.satisfies((failure) -> assertThat(stackTrace(failure) + output).doesNotContain(OTHER_SECRET)));
	}

	@Test
	void runWhenFileNameIsNotInFileNameEncodingShouldFailNamingIt(CapturedOutput output) throws Exception {
		Path directory = Files.createDirectory(this.temp.resolve("plain"));
		Process touch = new ProcessBuilder("sh", "-c", "printf '" + OTHER_SECRET + "' > \"$(printf 'bad\\377name')\"")
			.directory(directory.toFile())
			.start();
		assertThat(touch.waitFor()).isZero();
		this.contextRunner.withPropertyValues("memlock.secrets.directories=" + directory)
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("Secret file '" + directory.resolve("bad\uFFFDname")
						+ "' ('memlock.secrets.directories[0]') has a name the JVM cannot decode")
				.hasStackTraceContaining("start the JVM with a UTF-8 locale")
				.satisfies((failure) -> assertThat(stackTrace(failure) + output).doesNotContain(OTHER_SECRET)));
	}

	/**
	 * Lay out a directory as the kubelet does for a Secret with the keys
	 * {@code api-token} and {@code db-password}: the files in a hidden timestamped
	 * directory, {@code ..data} linking to it and one link per key through
	 * {@code ..data}.
	 */
	private Path secretVolume(String name) throws IOException {
		Path volume = Files.createDirectories(this.temp.resolve(name));
		Files.createDirectory(volume.resolve(STAMP));
		Files.createSymbolicLink(volume.resolve("..data"), Path.of(STAMP));
		addKey(volume, "api-token", bytes(API_TOKEN));
		addKey(volume, "db-password", bytes(DB_PASSWORD));
		return volume;
	}

	private static void addKey(Path volume, String key, byte[] content) throws IOException {
		Files.write(volume.resolve(STAMP).resolve(key), content);
		Files.createSymbolicLink(volume.resolve(key), Path.of("..data", key));
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

	/**
	 * Copy a stored secret out through the store's scoped read, which only a test should
	 * do.
	 */
	private static byte[] storedBytes(LockedSecretStore store, String name) {
		return store.read(name, (segment) -> segment.toArray(ValueLayout.JAVA_BYTE));
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
