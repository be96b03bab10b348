package io.github.memlock.autoconfigure.childapp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.github.memlock.ProcessTools;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Starts {@link MemlockProbeApplication} in a child JVM that may lock no memory at all:
 * {@code RLIMIT_MEMLOCK} 0 and {@code CAP_IPC_LOCK} dropped (the capability would lift
 * the limit for root), so every lock fails with {@code EPERM}.
 */
@EnabledOnOs(OS.LINUX)
class MemlockProcessTests {

	private static final List<String> NO_LOCKING = List.of("prlimit", "--memlock=0:0", "--", "setpriv",
			"--inh-caps=-ipc_lock", "--bounding-set=-ipc_lock", "--");

	@TempDir
	Path temp;

	@BeforeAll
	static void requireTools() {
		assumeTrue(ProcessTools.onPath("prlimit") != null && ProcessTools.onPath("setpriv") != null,
				"prlimit and setpriv (util-linux) are needed");
	}

	@Test
	void runWhenRequiredAndLockingIsForbiddenShouldExitWithFailureAnalysis() throws Exception {
		assertThat(run("--memlock.required=true")).satisfies((result) -> {
			assertThat(result.exitCode()).as(result.output()).isNotZero();
			assertThat(result.output()).contains("APPLICATION FAILED TO START", "EPERM", "memlock.required",
					"RLIMIT_MEMLOCK:   soft 0 bytes, hard 0 bytes", "CAP_IPC_LOCK:     not effective");
		});
	}

	@Test
	void runWhenNotRequiredAndLockingIsForbiddenShouldStartDegraded() throws Exception {
		assertThat(run("--memlock.required=false", "--memlock.health.degraded-status=OUT_OF_SERVICE"))
			.satisfies((result) -> {
				assertThat(result.exitCode()).as(result.output()).isZero();
				assertThat(result.output().split("memlock could not keep secrets in locked memory", -1)).hasSize(2);
				assertThat(result.output()).contains("EPERM", "RLIMIT_MEMLOCK soft 0 bytes, hard 0 bytes",
						"may be swapped to disk", "'memlock.required' to true", "memlock-health=OUT_OF_SERVICE",
						"memlock-degraded=1.0");
			});
	}

	private Result run(String... arguments) throws IOException, InterruptedException {
		List<String> command = new ArrayList<>(NO_LOCKING);
		command.add(ProcessHandle.current().info().command().orElseThrow());
		command.add("--enable-native-access=ALL-UNNAMED");
		command.add("-cp");
		command.add(System.getProperty("java.class.path"));
		command.add(MemlockProbeApplication.class.getName());
		command.add("--spring.main.banner-mode=off");
		command.addAll(List.of(arguments));
		Path log = Files.createTempFile(this.temp, "child", ".log");
		Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
		// A generous bound only so that a hung child cannot hang the build.
		boolean exited = process.waitFor(3, TimeUnit.MINUTES);
		if (!exited) {
			process.destroyForcibly().waitFor();
		}
		return new Result(exited ? process.exitValue() : -1, Files.readString(log, StandardCharsets.UTF_8));
	}

	record Result(int exitCode, String output) {

	}

}
