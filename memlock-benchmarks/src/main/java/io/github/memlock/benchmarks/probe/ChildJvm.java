package io.github.memlock.benchmarks.probe;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts a class of this module in a fresh JVM of the same Java installation and class
 * path as the running one, and returns the last line it printed.
 *
 * @since 0.1.0
 */
public final class ChildJvm {

	private static final Duration TIMEOUT = Duration.ofMinutes(5);

	private final List<String> prefix;

	private final List<String> jvmOptions;

	private final String classPath;

	private ChildJvm(List<String> prefix, List<String> jvmOptions, String classPath) {
		this.prefix = prefix;
		this.jvmOptions = jvmOptions;
		this.classPath = classPath;
	}

	/**
	 * Return a launcher for child JVMs like the running one, with native access enabled.
	 * @param jvmOptions further JVM options, for example heap sizes
	 * @return the launcher
	 */
	public static ChildJvm like(String... jvmOptions) {
		List<String> options = new ArrayList<>();
		options.add("--enable-native-access=ALL-UNNAMED");
		options.add("-Dslf4j.internal.verbosity=ERROR");
		options.addAll(Arrays.asList(jvmOptions));
		return new ChildJvm(List.of(), options, System.getProperty("java.class.path"));
	}

	/**
	 * Return a launcher that starts the JVM through a command prefix, for example
	 * {@code prlimit ... --}.
	 * @param command the prefix
	 * @return the new launcher
	 */
	public ChildJvm through(String... command) {
		return new ChildJvm(List.of(command), this.jvmOptions, this.classPath);
	}

	/**
	 * Return a launcher with another class path.
	 * @param classPath the class path
	 * @return the new launcher
	 */
	public ChildJvm withClassPath(String classPath) {
		return new ChildJvm(this.prefix, this.jvmOptions, classPath);
	}

	/**
	 * Run a main class to completion and return the last non-blank line of its standard
	 * output; standard error goes to this JVM's.
	 * @param mainClass the class to run
	 * @param args its arguments
	 * @return the last line printed
	 * @throws IllegalStateException if the child fails, prints nothing or times out
	 */
	public String run(Class<?> mainClass, String... args) {
		List<String> command = new ArrayList<>(this.prefix);
		command.add(javaCommand());
		command.addAll(this.jvmOptions);
		command.add("-cp");
		command.add(this.classPath);
		command.add(mainClass.getName());
		command.addAll(Arrays.asList(args));
		try {
			Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
			String output = read(process.getInputStream());
			if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
				process.destroyForcibly();
				throw new IllegalStateException(mainClass.getSimpleName() + " timed out");
			}
			List<String> lines = output.lines().filter((line) -> !line.isBlank()).toList();
			if (process.exitValue() != 0 || lines.isEmpty()) {
				throw new IllegalStateException(
						mainClass.getSimpleName() + " " + String.join(" ", args) + " exited " + process.exitValue());
			}
			return lines.get(lines.size() - 1);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private static String read(InputStream input) throws IOException {
		return new String(input.readAllBytes(), StandardCharsets.UTF_8);
	}

	private static String javaCommand() {
		// The running JVM is the JDK 25 that run.sh obtained from the Maven toolchain.
		return ProcessHandle.current().info().command().orElseThrow();
	}

}
