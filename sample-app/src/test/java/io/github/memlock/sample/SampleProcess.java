package io.github.memlock.sample;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/**
 * The sample's executable jar running as a separate process, its output going to a file.
 */
final class SampleProcess implements AutoCloseable {

	private final Process process;

	private final int port;

	private final Path log;

	private SampleProcess(Process process, int port, Path log) {
		this.process = process;
		this.port = port;
		this.log = log;
	}

	/**
	 * Start {@code java -jar} on a free port.
	 * @param prefix commands to run the JVM under (for example {@code prlimit ... --}),
	 * possibly empty
	 * @param java the {@code java} launcher
	 * @param jvmOptions options for the JVM
	 * @param jar the executable jar
	 * @param arguments application arguments; {@code --server.port} is added
	 * @param directory working directory; the output goes to {@code sample.log} in it
	 * @return the started process
	 * @throws IOException if the process cannot be started
	 */
	static SampleProcess start(List<String> prefix, Path java, List<String> jvmOptions, Path jar,
			List<String> arguments, Path directory) throws IOException {
		int port = freePort();
		List<String> command = new ArrayList<>(prefix);
		command.add(java.toString());
		command.addAll(jvmOptions);
		command.add("-jar");
		command.add(jar.toString());
		command.addAll(arguments);
		command.add("--server.port=" + port);
		Path log = Files.createDirectories(directory).resolve("sample.log");
		ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile())
			.redirectErrorStream(true)
			.redirectOutput(log.toFile());
		// gcore writes reserved but inaccessible mappings too; glibc's default of up to
		// eight 64 MiB malloc arenas per core made a core image of an idle JVM three
		// times larger.
		builder.environment().put("MALLOC_ARENA_MAX", "2");
		return new SampleProcess(builder.start(), port, log);
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	/**
	 * Return the process id. The JVM is the process itself unless a prefix was given.
	 * @return the pid
	 */
	long pid() {
		return this.process.pid();
	}

	/**
	 * Return the URI of a path on the service.
	 * @param path the path, starting with {@code /}
	 * @return the URI
	 */
	URI uri(String path) {
		return URI.create("http://localhost:" + this.port + path);
	}

	/**
	 * Return everything the process has written so far.
	 * @return the output
	 */
	String output() {
		try {
			return new String(Files.readAllBytes(this.log), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			return "(output unreadable: " + ex + ")";
		}
	}

	/**
	 * Return the file the process writes its output to.
	 * @return the log file
	 */
	Path log() {
		return this.log;
	}

	/**
	 * Wait until the readiness group answers {@code 200}, the process exits, or the
	 * timeout passes.
	 * @param http the client to poll with
	 * @param timeout how long to wait at most
	 * @return whether the service became ready
	 * @throws InterruptedException if interrupted while waiting
	 */
	boolean awaitReady(HttpClient http, Duration timeout) throws InterruptedException {
		Instant deadline = Instant.now().plus(timeout);
		HttpRequest request = HttpRequest.newBuilder(uri("/actuator/health/readiness"))
			.timeout(Duration.ofSeconds(5))
			.build();
		while (this.process.isAlive() && Instant.now().isBefore(deadline)) {
			if (isOk(http, request)) {
				return true;
			}
			Thread.sleep(250);
		}
		return false;
	}

	private static boolean isOk(HttpClient http, HttpRequest request) throws InterruptedException {
		try {
			return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
		}
		catch (IOException ex) {
			// Not listening yet.
			return false;
		}
	}

	/**
	 * Wait for the process to exit.
	 * @param timeout how long to wait at most
	 * @return the exit code, or empty if it is still running
	 * @throws InterruptedException if interrupted while waiting
	 */
	OptionalInt awaitExit(Duration timeout) throws InterruptedException {
		return this.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)
				? OptionalInt.of(this.process.exitValue()) : OptionalInt.empty();
	}

	@Override
	public void close() throws InterruptedException {
		this.process.destroy();
		if (!this.process.waitFor(20, TimeUnit.SECONDS)) {
			this.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
		}
	}

}
