package io.github.memlock.nativeaccess;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Creates and caches the {@link NativeMemory} of each platform, and detects the one this
 * JVM runs on.
 */
final class NativeMemories {

	private static final Platform DETECTED = detect(System.getProperty("os.name", ""),
			System.getProperty("os.arch", ""));

	private static final Map<Platform, NativeMemory> instances = new ConcurrentHashMap<>();

	private NativeMemories() {
	}

	/**
	 * Return the calls of the running platform, or of the one named by
	 * {@value Platform#OVERRIDE_PROPERTY}, read on every call so tests may change it.
	 * @return the calls
	 */
	static NativeMemory current() {
		return forPlatform(currentPlatform());
	}

	/**
	 * Return the platform {@link #current()} uses.
	 * @return the platform
	 */
	static Platform currentPlatform() {
		String override = System.getProperty(Platform.OVERRIDE_PROPERTY);
		return (override != null && !override.isBlank()) ? parse(override) : DETECTED;
	}

	/**
	 * Return the calls for a platform, creating them (and binding their functions) on
	 * first use.
	 * @param platform the platform
	 * @return the calls
	 */
	static NativeMemory forPlatform(Platform platform) {
		return instances.computeIfAbsent(platform, NativeMemories::create);
	}

	private static NativeMemory create(Platform platform) {
		return switch (platform) {
			case LINUX_X86_64, LINUX_AARCH64 -> new LinuxNativeMemory(platform);
			case MACOS -> new MacOsNativeMemory();
			case UNSUPPORTED -> UnsupportedNativeMemory.INSTANCE;
		};
	}

	/**
	 * Detect the platform from the {@code os.name} and {@code os.arch} system properties.
	 * @param osName the operating system name
	 * @param osArch the architecture name
	 * @return the platform, {@link Platform#UNSUPPORTED} for anything unknown
	 */
	static Platform detect(String osName, String osArch) {
		String os = osName.toLowerCase(Locale.ROOT);
		String arch = osArch.toLowerCase(Locale.ROOT);
		if (os.startsWith("linux")) {
			return switch (arch) {
				case "amd64", "x86_64" -> Platform.LINUX_X86_64;
				case "aarch64", "arm64" -> Platform.LINUX_AARCH64;
				default -> Platform.UNSUPPORTED;
			};
		}
		if (os.startsWith("mac") || os.startsWith("darwin")) {
			return Platform.MACOS;
		}
		return Platform.UNSUPPORTED;
	}

	private static Platform parse(String value) {
		try {
			return Platform.valueOf(value.trim().toUpperCase(Locale.ROOT));
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("System property '" + Platform.OVERRIDE_PROPERTY + "' must be one of "
					+ Arrays.toString(Platform.values()) + " but was '" + value + "'", ex);
		}
	}

}
