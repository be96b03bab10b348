package io.github.memlock;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import io.github.memlock.nativeaccess.ProcFs;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * A program that {@link LockedSecretStoreLimitTests} starts in a child JVM under a small
 * {@code RLIMIT_MEMLOCK} without {@code CAP_IPC_LOCK}; it exercises a store and prints
 * what happened as {@code key=value} lines, prefixed by the scenario.
 */
public final class StoreLimitProbe {

	private static final int KIB = 1024;

	private StoreLimitProbe() {
	}

	/**
	 * Run the scenarios named in the arguments: {@code small} (100 secrets of 32 bytes on
	 * the default backend), {@code budget-mlock} and {@code budget-memfd-secret} (60 KiB,
	 * then 8 KiB more), {@code files-mlock} and {@code files-memfd-secret} (files of
	 * 3,000 bytes, a page each, until the budget refuses one), {@code denied} (opening
	 * with and without unlocked memory allowed).
	 * @param args the scenarios
	 */
	public static void main(String[] args) {
		for (String scenario : args) {
			switch (scenario) {
				case "small" -> small();
				case "budget-mlock" -> budget("budget-mlock", LockedSecretStore.builder().backend(Backend.MLOCK));
				case "budget-memfd-secret" ->
					budget("budget-memfd-secret", LockedSecretStore.builder().backend(Backend.MEMFD_SECRET));
				case "files-mlock" -> files("files-mlock", Backend.MLOCK);
				case "files-memfd-secret" -> files("files-memfd-secret", Backend.MEMFD_SECRET);
				case "denied" -> denied();
				default -> throw new IllegalArgumentException("Unknown scenario " + scenario);
			}
		}
	}

	private static void small() {
		long before = ProcFs.self().lockedBytes();
		try (LockedSecretStore store = LockedSecretStore.open()) {
			for (int i = 0; i < 100; i++) {
				store.put("secret-" + i, content(i, 32));
			}
			print("small", "readable", readable(store, 100, 32));
			status("small", store.status());
			print("small", "vmLck", ProcFs.self().lockedBytes() - before);
		}
		print("small", "vmLckAfterClose", ProcFs.self().lockedBytes() - before);
	}

	private static void budget(String scenario, LockedSecretStore.Builder builder) {
		LockedSecretStore opened;
		try {
			opened = builder.build();
		}
		catch (MemoryLockException ex) {
			print(scenario, "unavailable", ex.getMessage());
			return;
		}
		try (LockedSecretStore store = opened) {
			for (int i = 0; i < 60; i++) {
				store.put("secret-" + i, content(i, KIB));
			}
			print(scenario, "stored", store.size());
			print(scenario, "vmLckAfter60KiB", ProcFs.self().lockedBytes());
			try {
				store.put("extra", content(99, 8 * KIB));
				print(scenario, "error", "none");
			}
			catch (LockBudgetExceededException ex) {
				print(scenario, "error", ex.getClass().getSimpleName());
				print(scenario, "message", ex.getMessage());
				print(scenario, "requestedBytes", ex.requestedBytes());
				print(scenario, "budgetBytes", ex.budgetBytes());
				print(scenario, "limitSoft", ex.limitSoft());
				print(scenario, "lockedBytes", ex.lockedBytes());
			}
			catch (MemoryLockException ex) {
				print(scenario, "error", ex.getClass().getSimpleName() + " " + ex.errnoName());
			}
			print(scenario, "readable", readable(store, 60, KIB));
			print(scenario, "containsExtra", store.contains("extra"));
			status(scenario, store.status());
		}
		print(scenario, "vmLckAfterClose", ProcFs.self().lockedBytes());
	}

	private static void files(String scenario, Backend backend) {
		LockedSecretStore opened;
		try {
			opened = LockedSecretStore.builder().backend(backend).build();
		}
		catch (MemoryLockException ex) {
			print(scenario, "unavailable", ex.getMessage());
			return;
		}
		try (LockedSecretStore store = opened) {
			Path file = Files.createTempFile("memlock-limit", ".secret");
			try {
				fill(store, file, scenario);
			}
			finally {
				Files.delete(file);
			}
			print(scenario, "stored", store.size());
			print(scenario, "vmLck", ProcFs.self().lockedBytes());
			status(scenario, store.status());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static void fill(LockedSecretStore store, Path file, String scenario) throws IOException {
		for (int i = 0; i < 64; i++) {
			Files.write(file, content(i, 3000));
			try {
				store.putFile("secret-" + i, file);
			}
			catch (MemoryLockException ex) {
				print(scenario, "error", ex.getClass().getSimpleName());
				print(scenario, "errorBackend", ex.backendTried().id());
				print(scenario, "errorCall", ex.call());
				return;
			}
		}
		print(scenario, "error", "none");
	}

	private static void denied() {
		try (LockedSecretStore store = LockedSecretStore.open()) {
			print("denied", "error", "none " + store.status().backend().id());
		}
		catch (MemoryLockException ex) {
			print("denied", "error", ex.getClass().getSimpleName());
			print("denied", "backendTried", ex.backendTried().id());
			print("denied", "call", ex.call());
			print("denied", "errnoName", ex.errnoName());
			print("denied", "message", ex.getMessage());
		}
		try (LockedSecretStore store = LockedSecretStore.builder().allowUnlocked(true).build()) {
			store.put("secret-0", content(0, 32));
			print("denied-allowed", "readable", readable(store, 1, 32));
			status("denied-allowed", store.status());
		}
	}

	private static boolean readable(LockedSecretStore store, int count, int length) {
		for (int i = 0; i < count; i++) {
			byte[] expected = content(i, length);
			if (!store.read("secret-" + i, (segment) -> Arrays.equals(segment.toArray(JAVA_BYTE), expected))) {
				return false;
			}
		}
		return true;
	}

	private static void status(String scenario, StoreStatus status) {
		print(scenario, "backend", status.backend().id());
		print(scenario, "locked", status.locked());
		print(scenario, "lockedBytes", status.lockedBytes());
		print(scenario, "lockedPages", status.lockedPages());
		print(scenario, "secrets", status.secretCount());
		print(scenario, "ipcLock", status.ipcLockCapability());
		print(scenario, "limitSoft", status.limitSoft());
		print(scenario, "lockFailures", status.lockFailures());
		print(scenario, "degradedReason", status.degradedReason());
	}

	private static byte[] content(int seed, int length) {
		byte[] bytes = new byte[length];
		for (int i = 0; i < length; i++) {
			bytes[i] = (byte) (seed * 131 + i * 7 + 1);
		}
		return bytes;
	}

	private static void print(String scenario, String key, Object value) {
		System.out.println(scenario + "." + key + "=" + value);
	}

}
