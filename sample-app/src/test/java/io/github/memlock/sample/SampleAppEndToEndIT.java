package io.github.memlock.sample;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.jayway.jsonpath.JsonPath;
import io.github.memlock.ByteSearch;
import io.github.memlock.Markers;
import io.github.memlock.ProcessTools;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * End-to-end check of the sample's executable jar: started as its own process on a
 * Kubernetes-style secret volume, it must report locked secrets through health and
 * Prometheus, have the kernel agree, keep the secrets out of a heap dump and a core
 * image, check bearer tokens, and refuse to start when locking is required but forbidden.
 * <p>
 * The JVM gets no {@code --enable-native-access} flag but
 * {@code --illegal-native-access=deny}: it starts only if the jar's manifest grants
 * native access.
 */
@EnabledOnOs(OS.LINUX)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SampleAppEndToEndIT {

	private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);

	private static final String TOKEN_CHARACTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/";

	private static final SecureRandom random = new SecureRandom();

	@TempDir
	static Path temp;

	private static Path java;

	private static Path jar;

	private static Path volume;

	private static Map<String, byte[]> secrets;

	private static String marker;

	private static HttpClient http;

	private static SampleProcess sample;

	@BeforeAll
	static void startSample() throws Exception {
		java = ProcessTools.java();
		jar = Path.of(System.getProperty("memlock.sample.jar", "target/memlock-sample-app.jar")).toAbsolutePath();
		assertThat(jar).as("the repackaged jar (run the 'package' phase first)").isRegularFile();
		secrets = new LinkedHashMap<>();
		secrets.put("api-token", randomToken(24).getBytes(StandardCharsets.US_ASCII));
		secrets.put("db-password", randomPrintable(24));
		secrets.put("signing-key", randomPrintable(24));
		volume = SecretVolume.create(temp.resolve("secret-volume"), secrets);
		marker = "marker-" + randomToken(24);
		http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
		sample = SampleProcess.start(List.of(), java, jvmOptions("-De2e.marker=" + marker), jar,
				List.of("--memlock.secrets.directories=" + volume), temp.resolve("run"));
		assertThat(sample.awaitReady(http, STARTUP_TIMEOUT))
			.as("sample ready within %s; output:%n%s", STARTUP_TIMEOUT, sample.output())
			.isTrue();
	}

	@AfterAll
	static void stopSample() throws Exception {
		if (sample != null) {
			sample.close();
		}
		if (http != null) {
			http.close();
		}
	}

	@Test
	@Order(1)
	void readinessShouldIncludeMemlockUpAndPrometheusShouldCountThreeSecrets() throws Exception {
		HttpResponse<String> readiness = get("/actuator/health/readiness");
		assertThat(readiness.statusCode()).as(readiness.body()).isEqualTo(200);
		assertThat((String) JsonPath.read(readiness.body(), "$.components.memlock.status")).isEqualTo("UP");
		String prometheus = get("/actuator/prometheus").body();
		assertThat(gauge(prometheus, "memlock_secrets")).isEqualTo(3);
		assertThat(gauge(prometheus, "memlock_degraded")).isZero();
		System.out.printf("e2e: readiness %s, memlock_secrets %.0f, backend %s%n", readiness.statusCode(),
				gauge(prometheus, "memlock_secrets"), backendTag(prometheus));
	}

	@Test
	@Order(2)
	void lockedPagesShouldMatchVmLckAndSmapsShouldShowLockedDontDumpMapping() throws Exception {
		double pagesLocked = gauge(get("/actuator/prometheus").body(), "memlock_pages_locked");
		long vmLck = vmLckBytes(sample.pid());
		Map<String, String> mapping = lockedDontDumpMapping(sample.pid());
		assertThat(mapping)
			.as("a readable, writable mapping with VmFlags 'lo' and 'dd' in /proc/%d/smaps", sample.pid())
			.isNotEmpty();
		long pageSize = kilobytes(mapping.get("KernelPageSize"));
		assertThat(pagesLocked).isPositive();
		assertThat((long) pagesLocked * pageSize).as("memlock_pages_locked x page size").isEqualTo(vmLck);
		assertThat(mapping.get("VmFlags").split(" ")).containsAnyOf("wf", "dc");
		System.out.printf("e2e: memlock_pages_locked %.0f x %d B = VmLck %d B; mapping %s VmFlags [%s]%n", pagesLocked,
				pageSize, vmLck, mapping.get("header"), mapping.get("VmFlags"));
	}

	// Runs before any request carries the token: the web server necessarily holds a
	// request's Authorization header as a String on the heap (see docs/overview.md).
	@Test
	@Order(3)
	void heapDumpCoreImageAndOutputShouldContainNoSecretBytes() throws Exception {
		ProcessTools.missingDumpTool(java)
			.ifPresent((reason) -> assumeTool(false, reason + ": skipping the dump check"));
		Path dumps = Files.createDirectories(temp.resolve("dumps"));
		Path heapDump = ProcessTools.heapDump(java, sample.pid(), dumps);
		Path core = ProcessTools.coreImage(sample.pid(), dumps);
		Map<String, byte[]> needles = ByteSearch.inEveryEncoding(secrets);
		Map<String, byte[]> control = Map.of("marker", marker.getBytes(StandardCharsets.US_ASCII));
		assertThat(ByteSearch.find(heapDump, control)).as("the control marker in the heap dump").isPresent();
		assertThat(ByteSearch.find(core, control)).as("the control marker in the core image").isPresent();
		assertThat(ByteSearch.find(heapDump, needles)).as("a secret in the heap dump").isEmpty();
		assertThat(ByteSearch.find(core, needles)).as("a secret in the core image").isEmpty();
		assertThat(ByteSearch.find(sample.log(), needles)).as("a secret in the output").isEmpty();
		System.out.printf("e2e: heap dump %d B, core image %d B: no secret bytes (raw, UTF-16LE, UTF-16BE)%n",
				Files.size(heapDump), Files.size(core));
		Files.delete(heapDump);
		Files.delete(core);
	}

	@Test
	@Order(4)
	void greetingShouldAcceptTheLockedTokenAndRejectOthers() throws Exception {
		String token = new String(secrets.get("api-token"), StandardCharsets.US_ASCII);
		HttpResponse<String> right = get("/api/greeting", "Bearer " + token);
		HttpResponse<String> wrong = get("/api/greeting", "Bearer " + randomToken(24));
		HttpResponse<String> none = get("/api/greeting", null);
		assertThat(right.statusCode()).isEqualTo(200);
		assertThat(right.body()).contains("Hello");
		assertThat(wrong.statusCode()).isEqualTo(401);
		assertThat(wrong.headers().firstValue("WWW-Authenticate"))
			.hasValueSatisfying((challenge) -> assertThat(challenge).startsWith("Bearer"));
		assertThat(none.statusCode()).isEqualTo(401);
		System.out.printf("e2e: greeting right token %d, wrong token %d, no token %d%n", right.statusCode(),
				wrong.statusCode(), none.statusCode());
	}

	@Test
	@Order(5)
	void startWhenRequiredAndLockingForbiddenShouldExitWithFailureAnalysis() throws Exception {
		Path prlimit = ProcessTools.onPath("prlimit");
		Path setpriv = ProcessTools.onPath("setpriv");
		assumeTool(prlimit != null, "prlimit not on PATH: skipping the refused-start check");
		assumeTool(setpriv != null, "setpriv not on PATH: skipping the refused-start check");
		// RLIMIT_MEMLOCK 0 and no CAP_IPC_LOCK (which would bypass the limit for root).
		List<String> prefix = List.of(prlimit.toString(), "--memlock=0:0", "--", setpriv.toString(),
				"--inh-caps=-ipc_lock", "--bounding-set=-ipc_lock", "--");
		try (SampleProcess refused = SampleProcess.start(prefix, java, jvmOptions(), jar,
				List.of("--memlock.required=true", "--memlock.secrets.directories=" + volume),
				temp.resolve("refused"))) {
			OptionalInt exit = refused.awaitExit(STARTUP_TIMEOUT);
			String output = refused.output();
			assertThat(exit).as("exit within %s; output:%n%s", STARTUP_TIMEOUT, output).isPresent();
			assertThat(exit.getAsInt()).as(output).isNotZero();
			assertThat(output).contains("APPLICATION FAILED TO START", "EPERM", "memlock.required");
			System.out.printf("e2e: required start without lock permission exited %d with the failure analysis%n",
					exit.getAsInt());
		}
	}

	@Test
	@Order(6)
	void actuatorShouldHideEnvAndConfigpropsAndShowNoSecret() throws Exception {
		HttpResponse<String> env = get("/actuator/env");
		HttpResponse<String> configprops = get("/actuator/configprops");
		assertThat(env.statusCode()).isEqualTo(404);
		assertThat(configprops.statusCode()).isEqualTo(404);
		String responses = get("/actuator").body() + get("/actuator/health/memlock").body()
				+ get("/actuator/prometheus").body();
		assertThat(Markers.findIn(responses, secrets)).as("a secret in the actuator responses").isEmpty();
		System.out.printf("e2e: /actuator/env %d, /actuator/configprops %d; no secret in health or metrics%n",
				env.statusCode(), configprops.statusCode());
	}

	private static void assumeTool(boolean present, String message) {
		// Failsafe's summary only counts skipped tests, so say which step was skipped.
		if (!present) {
			System.out.println("e2e: SKIPPED: " + message);
		}
		assumeTrue(present, message);
	}

	private static List<String> jvmOptions(String... extra) {
		List<String> options = new ArrayList<>();
		// Small heap, code cache and class space keep the core image small (gcore writes
		// reserved mappings as well); denying illegal native access proves that the
		// manifest's Enable-Native-Access works.
		options.add("-Xmx256m");
		options.add("-XX:ReservedCodeCacheSize=64m");
		options.add("-XX:CompressedClassSpaceSize=128m");
		options.add("-XX:+UseSerialGC");
		options.add("-XX:TieredStopAtLevel=1");
		options.add("--illegal-native-access=deny");
		options.addAll(List.of(extra));
		return options;
	}

	private static HttpResponse<String> get(String path) throws IOException, InterruptedException {
		return get(path, null);
	}

	private static HttpResponse<String> get(String path, String authorization)
			throws IOException, InterruptedException {
		HttpRequest.Builder request = HttpRequest.newBuilder(sample.uri(path)).timeout(Duration.ofSeconds(10));
		if (authorization != null) {
			request.header("Authorization", authorization);
		}
		return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static double gauge(String prometheus, String name) {
		List<Double> values = new ArrayList<>();
		Matcher matcher = Pattern.compile("(?m)^" + name + "(?:\\{[^}]*})?\\s+(\\S+)$").matcher(prometheus);
		while (matcher.find()) {
			values.add(Double.parseDouble(matcher.group(1)));
		}
		assertThat(values).as("one '%s' series in:%n%s", name, prometheus).hasSize(1);
		return values.get(0);
	}

	private static String backendTag(String prometheus) {
		Matcher matcher = Pattern.compile("(?m)^memlock_secrets\\{.*backend=\"([^\"]*)\"").matcher(prometheus);
		return matcher.find() ? matcher.group(1) : "(none)";
	}

	private static long vmLckBytes(long pid) throws IOException {
		for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
			if (line.startsWith("VmLck:")) {
				return kilobytes(line.substring("VmLck:".length()));
			}
		}
		throw new IllegalStateException("No VmLck in /proc/" + pid + "/status");
	}

	private static long kilobytes(String value) {
		String trimmed = value.trim();
		assertThat(trimmed).endsWith(" kB");
		return Long.parseLong(trimmed.substring(0, trimmed.length() - 3).trim()) * 1024;
	}

	private static Map<String, String> lockedDontDumpMapping(long pid) throws IOException {
		Map<String, String> mapping = new LinkedHashMap<>();
		for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "smaps"))) {
			if (line.matches("^[0-9a-f]+-[0-9a-f]+ .*")) {
				mapping = new LinkedHashMap<>();
				mapping.put("header", line.trim());
			}
			else {
				int colon = line.indexOf(':');
				mapping.put(line.substring(0, colon), line.substring(colon + 1).trim());
				// The flags must be on the pages that hold the secrets, not merely on
				// some
				// inaccessible mapping near them.
				List<String> flags = List.of(mapping.getOrDefault("VmFlags", "").split(" "));
				if (flags.contains("rd") && flags.contains("wr") && flags.contains("lo") && flags.contains("dd")) {
					return mapping;
				}
			}
		}
		return Map.of();
	}

	private static String randomToken(int length) {
		StringBuilder token = new StringBuilder(length);
		for (int i = 0; i < length; i++) {
			token.append(TOKEN_CHARACTERS.charAt(random.nextInt(TOKEN_CHARACTERS.length())));
		}
		return token.toString();
	}

	private static byte[] randomPrintable(int length) {
		byte[] bytes = new byte[length];
		for (int i = 0; i < length; i++) {
			bytes[i] = (byte) (0x21 + random.nextInt(0x7f - 0x21));
		}
		return bytes;
	}

}
