package io.github.memlock.nativeaccess;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.github.memlock.ProcessTools;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Tests for the errno contract of {@code mlock} under real limits: each runs
 * {@link LockProbe} in a child JVM started through {@code prlimit} and, where the test
 * must not bypass the limit, {@code setpriv} without {@code CAP_IPC_LOCK}.
 */
@EnabledOnOs(OS.LINUX)
class MemlockLimitTests {

	private static final long SIXTY_FOUR_KIB = 65536;

	private static final List<String> WITHOUT_IPC_LOCK = List.of("setpriv", "--inh-caps=-ipc_lock",
			"--bounding-set=-ipc_lock", "--");

	@BeforeAll
	static void requireTools() {
		assumeThat(ProcessTools.onPath("prlimit")).as("prlimit is installed").isNotNull();
		assumeThat(ProcessTools.onPath("setpriv")).as("setpriv is installed").isNotNull();
	}

	@Test
	void lockWhenLimitZeroAndNoCapabilityShouldFailWithEperm() throws Exception {
		Map<String, String> result = probe("--memlock=0:0", true, 1);
		assertThat(result).containsEntry("ipcLock", "false")
			.containsEntry("limitSoft", "0")
			.containsEntry("limitHard", "0")
			.containsEntry("call", "mlock")
			.containsEntry("error", "EPERM")
			.containsEntry("locked", "0")
			.containsEntry("vmLck", "0");
	}

	@Test
	void lockWhenSixtyFourKibLimitShouldLockUpToTheLimitThenFailWithEnomem() throws Exception {
		long pages = SIXTY_FOUR_KIB / NativeMemory.current().pageSize();
		Map<String, String> result = probe("--memlock=65536:65536", true, (int) pages + 1);
		assertThat(result).containsEntry("ipcLock", "false")
			.containsEntry("limitSoft", "65536")
			.containsEntry("error", "ENOMEM")
			.containsEntry("locked", Long.toString(pages))
			.containsEntry("vmLck", Long.toString(SIXTY_FOUR_KIB));
	}

	@Test
	void memlockLimitWhenUnlimitedShouldReportUnlimited() throws Exception {
		assumeThat(NativeMemory.current().memlockLimit().hard()).as("the hard limit may be raised to unlimited")
			.isEqualTo(MemlockLimit.UNLIMITED);
		Map<String, String> result = probe("--memlock=unlimited:unlimited", false, 1);
		assertThat(result).containsEntry("limitSoft", Long.toString(MemlockLimit.UNLIMITED))
			.containsEntry("limitHard", Long.toString(MemlockLimit.UNLIMITED))
			.containsEntry("error", "none");
	}

	private static Map<String, String> probe(String limit, boolean dropIpcLock, int pages) throws Exception {
		List<String> command = new ArrayList<>(List.of("prlimit", limit, "--"));
		if (dropIpcLock) {
			command.addAll(WITHOUT_IPC_LOCK);
		}
		command.addAll(List.of(ProcessHandle.current().info().command().orElseThrow(),
				"--enable-native-access=ALL-UNNAMED", "-XX:TieredStopAtLevel=1", "-cp",
				System.getProperty("java.class.path"), LockProbe.class.getName(), Integer.toString(pages)));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();
		assertThat(process.exitValue()).as(output).isZero();
		return ProcessTools.keyValues(output);
	}

}
