package io.github.memlock.nativeaccess;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Reads what the Linux kernel reports about a process's memory in {@code /proc}: the
 * locked amount ({@code VmLck}), the {@code CAP_IPC_LOCK} capability, and the
 * {@code VmFlags} of a mapping ({@code lo} locked, {@code dd} not dumped, {@code wf}
 * wiped on fork, {@code dc} not copied on fork).
 * <p>
 * Linux only. Where {@code /proc} or a file in it is missing (macOS, other systems, a
 * process that has exited), the methods report nothing rather than fail:
 * {@link #lockedBytes()} and {@link #mappingCount()} return {@code 0},
 * {@link #ipcLockEffective()} returns {@code false} and {@link #vmFlags(long)} returns an
 * empty {@link Optional}. Every call reads the files afresh, so the answer is the
 * kernel's at the time of the call.
 *
 * @since 0.1.0
 */
public final class ProcFs {

	/**
	 * The bit of {@code CAP_IPC_LOCK} in the capability sets
	 * ({@code linux/capability.h}).
	 */
	private static final int CAP_IPC_LOCK = 14;

	private final Path directory;

	private ProcFs(Path directory) {
		this.directory = directory;
	}

	/**
	 * Return a reader of the current process ({@code /proc/self}).
	 * @return the reader
	 */
	public static ProcFs self() {
		return new ProcFs(Path.of("/proc/self"));
	}

	/**
	 * Return a reader of the process with the given id ({@code /proc/<pid>}).
	 * @param pid the process id
	 * @return the reader
	 */
	public static ProcFs of(long pid) {
		return new ProcFs(Path.of("/proc", Long.toString(pid)));
	}

	/**
	 * Return a reader of a directory laid out like {@code /proc/<pid>} (holding
	 * {@code status}, {@code smaps} and {@code maps}); lets tests feed recorded files.
	 * @param directory the directory
	 * @return the reader
	 */
	public static ProcFs at(Path directory) {
		return new ProcFs(directory);
	}

	/**
	 * Return the memory the process has locked, from the {@code VmLck} line of
	 * {@code status} (reported by the kernel in kB, returned in bytes).
	 * @return the locked bytes, {@code 0} when not reported
	 */
	public long lockedBytes() {
		return statusField("VmLck:").map(ProcFs::kilobytes).orElse(0L);
	}

	/**
	 * Return whether {@code CAP_IPC_LOCK} is in the process's effective capability set
	 * ({@code CapEff} in {@code status}); with it the kernel ignores
	 * {@code RLIMIT_MEMLOCK}.
	 * @return whether the capability is effective, {@code false} when not reported
	 */
	public boolean ipcLockEffective() {
		return statusField("CapEff:").map(ProcFs::hasIpcLock).orElse(false);
	}

	/**
	 * Return the {@code VmFlags} of the mapping in {@code smaps} whose address range
	 * contains the given address. The kernel splits a mapping where its flags differ, so
	 * the answer is for the part of the mapping that holds the address.
	 * @param address a virtual address of the process
	 * @return the two-letter flags, or empty when no mapping contains the address or
	 * {@code smaps} cannot be read
	 */
	public Optional<Set<String>> vmFlags(long address) {
		try (BufferedReader reader = Files.newBufferedReader(this.directory.resolve("smaps"),
				StandardCharsets.ISO_8859_1)) {
			return findVmFlags(reader, address);
		}
		catch (NoSuchFileException ex) {
			return Optional.empty();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Return the number of mappings of the process (the lines of {@code maps}).
	 * @return the number of mappings, {@code 0} when not reported
	 */
	public int mappingCount() {
		try (Stream<String> lines = Files.lines(this.directory.resolve("maps"), StandardCharsets.ISO_8859_1)) {
			return Math.toIntExact(lines.count());
		}
		catch (NoSuchFileException ex) {
			return 0;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private Optional<String> statusField(String prefix) {
		try (Stream<String> lines = Files.lines(this.directory.resolve("status"), StandardCharsets.ISO_8859_1)) {
			return lines.filter((line) -> line.startsWith(prefix))
				.map((line) -> line.substring(prefix.length()).trim())
				.findFirst();
		}
		catch (NoSuchFileException ex) {
			return Optional.empty();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static long kilobytes(String value) {
		String number = value.endsWith("kB") ? value.substring(0, value.length() - 2).trim() : value;
		return Long.parseLong(number) * 1024;
	}

	private static boolean hasIpcLock(String hex) {
		return (Long.parseUnsignedLong(hex, 16) & (1L << CAP_IPC_LOCK)) != 0;
	}

	private static Optional<Set<String>> findVmFlags(BufferedReader reader, long address) throws IOException {
		boolean inside = false;
		String line;
		while ((line = reader.readLine()) != null) {
			if (isMappingHeader(line)) {
				inside = contains(line, address);
			}
			else if (inside && line.startsWith("VmFlags:")) {
				String flags = line.substring("VmFlags:".length()).trim();
				return Optional.of(new LinkedHashSet<>(Arrays.asList(flags.split("\\s+"))));
			}
		}
		return Optional.empty();
	}

	// A mapping header starts with "start-end " in hex; field lines start with "Name:".
	private static boolean isMappingHeader(String line) {
		int dash = line.indexOf('-');
		int space = line.indexOf(' ');
		return dash > 0 && space > dash && Character.digit(line.charAt(0), 16) >= 0 && line.lastIndexOf(':', space) < 0;
	}

	private static boolean contains(String header, long address) {
		int dash = header.indexOf('-');
		long start = Long.parseUnsignedLong(header, 0, dash, 16);
		long end = Long.parseUnsignedLong(header, dash + 1, header.indexOf(' '), 16);
		return Long.compareUnsigned(address, start) >= 0 && Long.compareUnsigned(address, end) < 0;
	}

	@Override
	public String toString() {
		return "ProcFs[" + this.directory + "]";
	}

}
