package io.github.memlock;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.github.memlock.nativeaccess.NativeMemory;
import io.github.memlock.nativeaccess.Platform;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Tests of {@link LockedSecretStore} under a real {@code RLIMIT_MEMLOCK} without
 * {@code CAP_IPC_LOCK}: each runs {@link StoreLimitProbe} in a child JVM started through
 * {@code prlimit} and {@code setpriv}, since the capability this test JVM may hold lifts
 * the limit.
 */
class LockedSecretStoreLimitTests {

	private static final List<String> WITHOUT_IPC_LOCK = List.of("setpriv", "--inh-caps=-ipc_lock",
			"--bounding-set=-ipc_lock", "--");

	@BeforeAll
	static void requireLinuxTools() {
		assumeThat(NativeMemory.current().platform()).isIn(Platform.LINUX_X86_64, Platform.LINUX_AARCH64);
		assumeThat(ProcessTools.onPath("prlimit") != null && ProcessTools.onPath("setpriv") != null)
			.as("prlimit and setpriv are installed")
			.isTrue();
	}

	@Test
	void putWhenLimitIs64KiBShouldLockHundredSmallSecrets() throws Exception {
		Map<String, String> result = probe("--memlock=65536:65536", "small");
		assertThat(result).containsEntry("small.readable", "true")
			.containsEntry("small.locked", "true")
			.containsEntry("small.secrets", "100")
			.containsEntry("small.ipcLock", "false")
			.containsEntry("small.limitSoft", "65536")
			.containsEntry("small.degradedReason", "null")
			.containsEntry("small.vmLckAfterClose", "0");
		assertThat(result.get("small.backend")).isNotEqualTo("unlocked");
		long pageSize = NativeMemory.current().pageSize();
		assertThat(Long.parseLong(result.get("small.vmLck"))).isPositive()
			.isEqualTo(Long.parseLong(result.get("small.lockedPages")) * pageSize)
			.isEqualTo(Long.parseLong(result.get("small.lockedBytes")))
			.isLessThanOrEqualTo(3 * pageSize);
	}

	@Test
	void putWhenBudgetExceededShouldFailNamingLimitAndKeepStoredSecrets() throws Exception {
		Map<String, String> result = probe("--memlock=65536:65536", "budget-mlock", "budget-memfd-secret");
		List<String> scenarios = new ArrayList<>(List.of("budget-mlock"));
		if (!result.containsKey("budget-memfd-secret.unavailable")) {
			scenarios.add("budget-memfd-secret");
		}
		for (String scenario : scenarios) {
			assertThat(result).as(scenario)
				.containsEntry(scenario + ".stored", "60")
				.containsEntry(scenario + ".vmLckAfter60KiB", "61440")
				.containsEntry(scenario + ".error", "LockBudgetExceededException")
				.containsEntry(scenario + ".requestedBytes", "8192")
				.containsEntry(scenario + ".budgetBytes", "4096")
				.containsEntry(scenario + ".limitSoft", "65536")
				.containsEntry(scenario + ".lockedBytes", "61440")
				.containsEntry(scenario + ".readable", "true")
				.containsEntry(scenario + ".containsExtra", "false")
				.containsEntry(scenario + ".locked", "true")
				.containsEntry(scenario + ".secrets", "60")
				.containsEntry(scenario + ".vmLckAfterClose", "0");
			assertThat(result.get(scenario + ".message")).contains("Cannot lock 8192 more bytes")
				.contains("RLIMIT_MEMLOCK soft 65536 bytes")
				.contains("61440 bytes locked")
				.contains("ulimit -l", "LimitMEMLOCK", "--ulimit memlock", "CAP_IPC_LOCK");
		}
	}

	@Test
	void putFileWhenLimitRunsOutShouldBeRefusedByTheBudgetCheckOnEveryBackend() throws Exception {
		Map<String, String> result = probe("--memlock=65536:65536", "files-mlock", "files-memfd-secret");
		assertThat(result).containsEntry("files-mlock.stored", "16")
			.containsEntry("files-mlock.error", "LockBudgetExceededException")
			.containsEntry("files-mlock.errorBackend", "mlock")
			.containsEntry("files-mlock.errorCall", "null")
			.containsEntry("files-mlock.vmLck", "65536")
			.containsEntry("files-mlock.locked", "true");
		if (!result.containsKey("files-memfd-secret.unavailable")) {
			// The one-page bounce buffer the kernel needs for memfd-secret pages is
			// locked
			// before the secret's slot, so the slot meets the budget check, not mlock.
			assertThat(result).containsEntry("files-memfd-secret.stored", "15")
				.containsEntry("files-memfd-secret.error", "LockBudgetExceededException")
				.containsEntry("files-memfd-secret.errorBackend", "memfd-secret")
				.containsEntry("files-memfd-secret.errorCall", "null")
				.containsEntry("files-memfd-secret.vmLck", "61440")
				.containsEntry("files-memfd-secret.locked", "true");
		}
	}

	@Test
	void openWhenLimitIsZeroShouldFailWithEpermOrStartDegradedWhenAllowed() throws Exception {
		Map<String, String> result = probe("--memlock=0:0", "denied");
		assertThat(result).containsEntry("denied.error", "MemoryLockException")
			.containsEntry("denied.backendTried", "mlock")
			.containsEntry("denied.call", "mlock")
			.containsEntry("denied.errnoName", "EPERM")
			.containsEntry("denied-allowed.readable", "true")
			.containsEntry("denied-allowed.backend", "unlocked")
			.containsEntry("denied-allowed.locked", "false")
			.containsEntry("denied-allowed.lockedBytes", "0")
			.containsEntry("denied-allowed.lockFailures", "1");
		assertThat(result.get("denied.message")).contains("mlock failed: EPERM (Operation not permitted)")
			.contains("RLIMIT_MEMLOCK soft 0 bytes");
		assertThat(result.get("denied-allowed.degradedReason")).contains("mlock failed: EPERM");
		assertThat(result).containsEntry("denied-allowed.limitSoft", "0");
	}

	private static Map<String, String> probe(String limit, String... scenarios)
			throws IOException, InterruptedException {
		List<String> command = new ArrayList<>(List.of("prlimit", limit, "--"));
		command.addAll(WITHOUT_IPC_LOCK);
		command.addAll(ProcessTools.javaCommand(List.of("-XX:TieredStopAtLevel=1", "-Xshare:auto"),
				StoreLimitProbe.class, List.of(scenarios)));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();
		assertThat(process.exitValue()).as(output).isZero();
		return ProcessTools.keyValues(output);
	}

}
