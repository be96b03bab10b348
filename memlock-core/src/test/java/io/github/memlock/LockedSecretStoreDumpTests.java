package io.github.memlock;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Tests that secrets stored through the core API stay out of a heap dump and a core image
 * of the JVM that holds them: {@link SecretDumpProbe} stores marker secrets in a child
 * JVM, which is dumped with {@code jcmd} and {@code gcore} while the secrets are stored
 * and after each was read and compared.
 */
@EnabledOnOs(OS.LINUX)
class LockedSecretStoreDumpTests {

	private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

	@TempDir
	Path temp;

	// memfd-secret pages are beyond gcore's reach anyway (the kernel refuses ptrace
	// reads of them), so mlock is dumped as well: there only MADV_DONTDUMP keeps the
	// secrets out.
	@ParameterizedTest
	@ValueSource(strings = { "auto", "mlock" })
	@Timeout(value = 3, unit = TimeUnit.MINUTES, threadMode = ThreadMode.SEPARATE_THREAD)
	void heapDumpAndCoreImageShouldContainNoMarkerSecret(String backend) throws Exception {
		Path java = ProcessTools.java();
		Optional<String> missing = ProcessTools.missingDumpTool(java);
		// Surefire's summary only counts skipped tests, so say which check was skipped.
		missing.ifPresent((reason) -> System.out.println("SKIPPED: heap dump and core image check: " + reason));
		assumeThat(missing).as("jcmd and gcore are installed").isEmpty();
		Map<String, byte[]> secrets = new LinkedHashMap<>();
		SecretDumpProbe.NAMES.forEach((name) -> secrets.put(name, Markers.random(32)));
		Path secretFiles = Markers.writeFiles(this.temp.resolve("secrets"), secrets);
		String control = "control-" + Markers.randomText(24);
		Path output = this.temp.resolve("probe.log");
		ProcessBuilder builder = new ProcessBuilder(ProcessTools.javaCommand(probeOptions(control),
				SecretDumpProbe.class, List.of(secretFiles.toString(), backend)))
			.redirectErrorStream(true)
			.redirectOutput(output.toFile());
		// One malloc arena instead of one per thread: each reserves 64 MiB that gcore
		// writes out as zeros.
		builder.environment().put("MALLOC_ARENA_MAX", "1");
		Process probe = builder.start();
		try {
			Map<String, String> result = awaitReady(probe, output);
			assertThat(result).as(Files.readString(output, StandardCharsets.ISO_8859_1))
				.containsEntry("bytesWiped", "true")
				.containsEntry("charsWiped", "true")
				.containsEntry("readable", "true")
				.containsEntry("matchesBytes", "true")
				.containsEntry("matchesChars", "true")
				.containsEntry("secrets", "4")
				.containsEntry("locked", "true")
				.containsEntry("dumpExcluded", "true");
			Path dumps = Files.createDirectories(this.temp.resolve("dumps"));
			Path heapDump = ProcessTools.heapDump(java, probe.pid(), dumps);
			Path core = ProcessTools.coreImage(probe.pid(), dumps);
			probe.getOutputStream().close();
			assertThat(probe.waitFor(30, TimeUnit.SECONDS)).isTrue();
			assertThat(probe.exitValue()).as(Files.readString(output, StandardCharsets.ISO_8859_1)).isZero();
			Map<String, byte[]> secretNeedles = ByteSearch.inEveryEncoding(secrets);
			Map<String, byte[]> needles = new LinkedHashMap<>(secretNeedles);
			needles.putAll(ByteSearch.inEveryEncoding(Map.of("control", control.getBytes(StandardCharsets.US_ASCII))));
			String[] secretLabels = secretNeedles.keySet().toArray(String[]::new);
			Map<String, Long> inHeapDump = ByteSearch.findEach(heapDump, needles);
			Map<String, Long> inCore = ByteSearch.findEach(core, needles);
			// The control marker is kept as a String (raw bytes in both files) and as a
			// char[]: big-endian in the heap dump, which HPROF writes in Java byte order,
			// little-endian in the core image, as in memory. Finding it proves the
			// search.
			assertThat(inHeapDump).as("the control marker in the heap dump")
				.containsKeys("control", "control (UTF-16BE)");
			assertThat(inCore).as("the control marker in the core image").containsKeys("control", "control (UTF-16LE)");
			assertThat(inHeapDump).as("secrets in the heap dump").doesNotContainKeys(secretLabels);
			assertThat(inCore).as("secrets in the core image").doesNotContainKeys(secretLabels);
			assertThat(ByteSearch.find(output, secretNeedles)).as("a secret in the output").isEmpty();
			System.out.printf(
					"dump: heap dump %d B, core image %d B of a store on '%s': no secret bytes "
							+ "(raw, UTF-16LE, UTF-16BE)%n",
					Files.size(heapDump), Files.size(core), result.get("backend"));
		}
		finally {
			probe.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
		}
	}

	private static List<String> probeOptions(String control) {
		// A small heap, code cache and class space keep the core image small and quick to
		// search: gcore writes every anonymous mapping, reserved ones included.
		List<String> options = new ArrayList<>(List.of("-Xms16m", "-Xmx32m", "-XX:+UseSerialGC",
				"-XX:TieredStopAtLevel=1", "-XX:ReservedCodeCacheSize=16m", "-XX:CompressedClassSpaceSize=32m"));
		options.add("-D" + SecretDumpProbe.CONTROL_PROPERTY + "=" + control);
		return options;
	}

	private static Map<String, String> awaitReady(Process probe, Path output) throws Exception {
		Instant deadline = Instant.now().plus(READY_TIMEOUT);
		while (Instant.now().isBefore(deadline)) {
			Map<String, String> result = ProcessTools.keyValues(Files.readString(output, StandardCharsets.ISO_8859_1));
			if ("true".equals(result.get("ready")) || !probe.isAlive()) {
				assertThat(result).as("the probe's output:%n%s", Files.readString(output, StandardCharsets.ISO_8859_1))
					.containsEntry("ready", "true");
				return result;
			}
			Thread.sleep(50);
		}
		throw new AssertionError("The probe was not ready within " + READY_TIMEOUT + "; output:\n"
				+ Files.readString(output, StandardCharsets.ISO_8859_1));
	}

}
