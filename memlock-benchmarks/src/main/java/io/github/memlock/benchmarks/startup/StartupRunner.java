package io.github.memlock.benchmarks.startup;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import io.github.memlock.benchmarks.probe.ChildJvm;

/**
 * Starts {@link StartupApplication} in fresh JVMs, alternately with and without memlock's
 * auto-configuration on the class path, and writes {@code startup.csv}.
 * <p>
 * One start of each variant is run first and discarded, so that both find the jars in the
 * page cache; then {@value #RUNS} of each, interleaved.
 *
 * @since 0.1.0
 */
public final class StartupRunner {

	/**
	 * The number of measured starts per variant.
	 */
	public static final int RUNS = 5;

	private static final String AUTOCONFIGURE_JAR = "memlock-spring-boot-autoconfigure";

	private StartupRunner() {
	}

	/**
	 * Run the measurement.
	 * @param args the output directory and the file listing the Spring jars (written by
	 * the build as {@code startup-classpath.txt})
	 * @throws IOException if a file cannot be read or written
	 */
	public static void main(String[] args) throws IOException {
		Path output = Path.of(args[0]);
		List<String> springJars = Arrays.asList(Files.readString(Path.of(args[1])).trim().split(File.pathSeparator));
		String benchmarkJar = System.getProperty("java.class.path");
		String with = classPath(benchmarkJar, springJars, true);
		String without = classPath(benchmarkJar, springJars, false);
		Path secrets = Files.createTempDirectory("memlock-startup");
		try {
			for (int i = 0; i < 3; i++) {
				Files.write(secrets.resolve("secret-" + i), ("startup-secret-" + i).getBytes());
			}
			String[] appArgs = { "--server.port=0", "--spring.main.banner-mode=off", "--logging.level.root=WARN",
					"--management.endpoints.web.exposure.include=health,prometheus",
					"--memlock.secrets.directories=" + secrets };
			ChildJvm jvm = ChildJvm.like();
			List<String> lines = new ArrayList<>(List.of("variant,run,context_ms,jvm_uptime_ms,memlock_stores"));
			jvm.withClassPath(with).run(StartupApplication.class, appArgs);
			jvm.withClassPath(without).run(StartupApplication.class, appArgs);
			for (int run = 1; run <= RUNS; run++) {
				System.err.println("startup: run " + run + " of " + RUNS);
				lines.add("with-memlock," + run + "," + jvm.withClassPath(with).run(StartupApplication.class, appArgs));
				lines.add("without-memlock," + run + ","
						+ jvm.withClassPath(without).run(StartupApplication.class, appArgs));
			}
			Files.write(output.resolve("startup.csv"), lines);
		}
		finally {
			try (var files = Files.list(secrets)) {
				for (Path file : files.toList()) {
					Files.delete(file);
				}
			}
			Files.delete(secrets);
		}
	}

	private static String classPath(String benchmarkJar, List<String> springJars, boolean withMemlock) {
		return springJars.stream()
			.filter((jar) -> withMemlock || !jar.contains(AUTOCONFIGURE_JAR))
			.collect(Collectors.joining(File.pathSeparator, benchmarkJar + File.pathSeparator, ""));
	}

}
