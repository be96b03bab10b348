package io.github.memlock;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Starts child JVMs and runs the tools that look into another process: a heap dump with
 * {@code jcmd <pid> GC.heap_dump} and a core image with {@code gcore}, which honours
 * {@code MADV_DONTDUMP} and {@code /proc/<pid>/coredump_filter} as the kernel does.
 * Shared with the sample's end-to-end test through this module's test jar.
 */
public final class ProcessTools {

	private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(180);

	private ProcessTools() {
	}

	/**
	 * Return the {@code java} launcher of the running JVM.
	 * @return the launcher
	 */
	public static Path java() {
		return Path.of(ProcessHandle.current().info().command().orElseThrow());
	}

	/**
	 * Return the command that runs a class of this test class path in a new JVM like the
	 * running one, with native access enabled.
	 * @param jvmOptions options for the JVM
	 * @param main the class whose {@code main} to run
	 * @param arguments the program's arguments
	 * @return the command
	 */
	public static List<String> javaCommand(List<String> jvmOptions, Class<?> main, List<String> arguments) {
		List<String> command = new ArrayList<>();
		command.add(java().toString());
		command.add("--enable-native-access=ALL-UNNAMED");
		command.addAll(jvmOptions);
		command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
		command.addAll(arguments);
		return command;
	}

	/**
	 * Return the {@code key=value} lines a probe printed, by key, in order.
	 * @param output the probe's output
	 * @return the values by key; later lines win
	 */
	public static Map<String, String> keyValues(String output) {
		Map<String, String> values = new LinkedHashMap<>();
		output.lines().filter((line) -> line.indexOf('=') > 0).forEach((line) -> {
			int equals = line.indexOf('=');
			values.put(line.substring(0, equals), line.substring(equals + 1));
		});
		return values;
	}

	/**
	 * Return a tool found on the {@code PATH}.
	 * @param tool the tool's name
	 * @return the executable, or {@code null} when it is not installed
	 */
	public static @Nullable Path onPath(String tool) {
		String path = Optional.ofNullable(System.getenv("PATH")).orElse("/usr/bin:/bin:/usr/sbin:/sbin");
		for (String directory : path.split(File.pathSeparator)) {
			Path candidate = Path.of(directory, tool);
			if (!directory.isEmpty() && Files.isExecutable(candidate)) {
				return candidate;
			}
		}
		return null;
	}

	/**
	 * Say which of the dump tools is missing, for a test that must then be skipped.
	 * @param java the launcher of the JVM to dump, whose {@code jcmd} is used
	 * @return why dumps cannot be taken, or empty when both tools are there
	 */
	public static Optional<String> missingDumpTool(Path java) {
		if (!Files.isExecutable(jcmd(java))) {
			return Optional.of("jcmd not found next to " + java);
		}
		if (onPath("gcore") == null) {
			return Optional.of("gcore (gdb) not on PATH");
		}
		return Optional.empty();
	}

	/**
	 * Write a heap dump of a JVM with every object, reachable or not
	 * ({@code jcmd <pid> GC.heap_dump -all <file>}).
	 * @param java the launcher of the JVM to dump
	 * @param pid the JVM's process id
	 * @param directory where to write {@code heap.hprof} and the tool's output
	 * @return the heap dump
	 * @throws IOException if the tool cannot be started
	 * @throws InterruptedException if interrupted while waiting for it
	 */
	public static Path heapDump(Path java, long pid, Path directory) throws IOException, InterruptedException {
		Path heapDump = directory.resolve("heap.hprof");
		run(List.of(jcmd(java).toString(), Long.toString(pid), "GC.heap_dump", "-all", heapDump.toString()), directory);
		return heapDump;
	}

	/**
	 * Write a core image of a running process with {@code gcore}, with the kernel's
	 * default {@code coredump_filter} rather than whatever the process inherited: all
	 * anonymous memory, and file mappings that the process wrote to, but not the
	 * untouched pages of mapped files (such as the JDK's module image of 140 MB), which
	 * hold what is on disk. Nothing the process excluded with {@code MADV_DONTDUMP} is
	 * written.
	 * @param pid the process id
	 * @param directory where to write {@code core.<pid>} and the tool's output
	 * @return the core image
	 * @throws IOException if the tool cannot be started
	 * @throws InterruptedException if interrupted while waiting for it
	 */
	public static Path coreImage(long pid, Path directory) throws IOException, InterruptedException {
		Path gcore = onPath("gcore");
		assertThat(gcore).as("gcore on PATH").isNotNull();
		// core(5): anonymous private and shared mappings, ELF headers, private huge
		// pages.
		Files.writeString(Path.of("/proc", Long.toString(pid), "coredump_filter"), "0x33");
		run(List.of(gcore.toString(), "-o", directory.resolve("core").toString(), Long.toString(pid)), directory);
		return directory.resolve("core." + pid);
	}

	private static Path jcmd(Path java) {
		return java.resolveSibling("jcmd");
	}

	private static void run(List<String> command, Path directory) throws IOException, InterruptedException {
		Path output = Files.createTempFile(directory, "tool", ".log");
		Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
		boolean exited = process.waitFor(TOOL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		if (!exited) {
			process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
		}
		assertThat(exited && process.exitValue() == 0)
			.as("%s finished within %s; output:%n%s", command, TOOL_TIMEOUT,
					Files.readString(output, StandardCharsets.ISO_8859_1))
			.isTrue();
	}

}
