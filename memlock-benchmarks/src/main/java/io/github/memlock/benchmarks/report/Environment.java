package io.github.memlock.benchmarks.report;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

import io.github.memlock.nativeaccess.MemlockLimit;
import io.github.memlock.nativeaccess.NativeMemory;

/**
 * Writes {@code environment.properties}: the kernel, JDK, processor, memory and limits of
 * the machine the results come from, without any path of that machine.
 *
 * @since 0.1.0
 */
public final class Environment {

	private Environment() {
	}

	/**
	 * Record the environment.
	 * @param args the output directory
	 * @throws IOException if the file cannot be written
	 */
	public static void main(String[] args) throws IOException {
		Properties properties = new Properties();
		properties.setProperty("date", LocalDate.now(ZoneOffset.UTC).toString());
		properties.setProperty("kernel", System.getProperty("os.name") + " " + System.getProperty("os.version"));
		properties.setProperty("arch", System.getProperty("os.arch"));
		properties.setProperty("cpu", firstValue(Path.of("/proc/cpuinfo"), "model name"));
		properties.setProperty("cores", Integer.toString(Runtime.getRuntime().availableProcessors()));
		long memoryKib = Long.parseLong(firstValue(Path.of("/proc/meminfo"), "MemTotal").replace("kB", "").trim());
		properties.setProperty("memory", String.format(Locale.ROOT, "%.1f GiB", memoryKib / 1024.0 / 1024.0));
		properties.setProperty("jdk", System.getProperty("java.vm.vendor") + " " + System.getProperty("java.vm.name")
				+ " " + System.getProperty("java.runtime.version"));
		properties.setProperty("loadAverage",
				Files.readAllLines(Path.of("/proc/loadavg")).get(0).substring(0, 14).trim());
		properties.setProperty("maxMapCount", Files.readAllLines(Path.of("/proc/sys/vm/max_map_count")).get(0).trim());
		MemlockLimit limit = NativeMemory.current().memlockLimit();
		properties.setProperty("memlockLimit", bytes(limit.soft()) + " soft, " + bytes(limit.hard()) + " hard");
		properties.setProperty("libsodium", command("dpkg-query", "-W", "-f=${Version}", "libsodium23"));
		Path output = Path.of(args[0]);
		Files.createDirectories(output);
		try (OutputStream out = Files.newOutputStream(output.resolve("environment.properties"))) {
			properties.store(out, "Machine of the benchmark run");
		}
	}

	private static String firstValue(Path file, String key) throws IOException {
		List<String> lines = Files.readAllLines(file);
		return lines.stream()
			.filter((line) -> line.startsWith(key))
			.map((line) -> line.substring(line.indexOf(':') + 1).trim())
			.findFirst()
			.orElse("unknown");
	}

	private static String bytes(long value) {
		return (value == MemlockLimit.UNLIMITED) ? "unlimited" : (value / 1024) + " KiB";
	}

	private static String command(String... command) {
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
			return (process.waitFor() == 0) ? output : "unknown";
		}
		catch (IOException ex) {
			return "unknown";
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return "unknown";
		}
	}

}
