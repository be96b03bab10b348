package io.github.memlock;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.channels.FileChannel.MapMode;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Finds byte sequences in files that may be larger than the heap (core images, heap
 * dumps) by memory-mapping them and checking each offset against the needles that start
 * with the byte found there. Shared with the sample's end-to-end test through this
 * module's test jar.
 */
public final class ByteSearch {

	private ByteSearch() {
	}

	/**
	 * Return the needles as raw bytes and as the JVM may hold them as characters: each
	 * byte widened to a UTF-16 code unit, little-endian (a {@code char[]} or a UTF-16
	 * {@code String} in memory on x86-64 and aarch64) and big-endian (the same array in
	 * an HPROF heap dump, which is written in Java byte order).
	 * @param needles the sequences, by label; bytes are taken as Latin-1 characters
	 * @return the three forms of each needle, labelled {@code <label>},
	 * {@code <label> (UTF-16LE)} and {@code <label> (UTF-16BE)}
	 */
	public static Map<String, byte[]> inEveryEncoding(Map<String, byte[]> needles) {
		Map<String, byte[]> encoded = new LinkedHashMap<>();
		needles.forEach((label, bytes) -> {
			encoded.put(label, bytes.clone());
			encoded.put(label + " (UTF-16LE)", widen(bytes, 0));
			encoded.put(label + " (UTF-16BE)", widen(bytes, 1));
		});
		return encoded;
	}

	private static byte[] widen(byte[] bytes, int position) {
		byte[] wide = new byte[bytes.length * 2];
		for (int i = 0; i < bytes.length; i++) {
			wide[2 * i + position] = bytes[i];
		}
		return wide;
	}

	/**
	 * Return the first occurrence of any of the needles in the file.
	 * @param file the file to search
	 * @param needles the sequences to look for, by a label that may be shown in a report
	 * @return the first hit found, or empty if none of the needles occurs
	 * @throws IOException if the file cannot be read
	 */
	public static Optional<Hit> find(Path file, Map<String, byte[]> needles) throws IOException {
		return search(file, needles, true).stream().findFirst();
	}

	/**
	 * Return the first occurrence of each needle in the file, reading the file once.
	 * @param file the file to search
	 * @param needles the sequences to look for, by a label that may be shown in a report
	 * @return the offset of each needle found, by label; needles not found are absent
	 * @throws IOException if the file cannot be read
	 */
	public static Map<String, Long> findEach(Path file, Map<String, byte[]> needles) throws IOException {
		Map<String, Long> offsets = new LinkedHashMap<>();
		search(file, needles, false).forEach((hit) -> offsets.put(hit.needle(), hit.offset()));
		return offsets;
	}

	private static List<Hit> search(Path file, Map<String, byte[]> needles, boolean firstOnly) throws IOException {
		List<Needle>[] byAnchor = indexByAnchor(needles);
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ); Arena arena = Arena.ofConfined()) {
			if (channel.size() == 0) {
				return List.of();
			}
			return search(channel.map(MapMode.READ_ONLY, 0, channel.size(), arena), byAnchor, needles.size(),
					firstOnly);
		}
	}

	private static List<Hit> search(MemorySegment content, List<Needle>[] byAnchor, int needleCount,
			boolean firstOnly) {
		List<Hit> hits = new ArrayList<>();
		Set<String> found = new HashSet<>();
		long size = content.byteSize();
		for (long offset = 0; offset < size; offset++) {
			List<Needle> candidates = byAnchor[content.get(ValueLayout.JAVA_BYTE, offset) & 0xff];
			if (candidates != null) {
				for (Needle candidate : candidates) {
					long start = offset - candidate.anchor();
					if (!found.contains(candidate.label()) && occursAt(content, start, candidate.bytes())) {
						hits.add(new Hit(candidate.label(), start));
						found.add(candidate.label());
						if (firstOnly || found.size() == needleCount) {
							return hits;
						}
					}
				}
			}
		}
		return hits;
	}

	private static boolean occursAt(MemorySegment content, long start, byte[] needle) {
		if (start < 0 || start + needle.length > content.byteSize()) {
			return false;
		}
		for (int i = 0; i < needle.length; i++) {
			if (content.get(ValueLayout.JAVA_BYTE, start + i) != needle[i]) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Index the needles by their first non-zero byte, so that the zero bytes that make up
	 * most of a core image are passed over at the cost of one look-up each.
	 */
	@SuppressWarnings("unchecked")
	private static List<Needle>[] indexByAnchor(Map<String, byte[]> needles) {
		List<Needle>[] index = new List[256];
		for (Map.Entry<String, byte[]> needle : needles.entrySet()) {
			byte[] bytes = needle.getValue();
			int anchor = 0;
			while (anchor < bytes.length && bytes[anchor] == 0) {
				anchor++;
			}
			if (anchor == bytes.length) {
				throw new IllegalArgumentException("Needle '" + needle.getKey() + "' has no byte but zeros");
			}
			int value = bytes[anchor] & 0xff;
			if (index[value] == null) {
				index[value] = new ArrayList<>();
			}
			index[value].add(new Needle(needle.getKey(), bytes, anchor));
		}
		return index;
	}

	/**
	 * A needle and the position of the byte it is indexed by.
	 *
	 * @param label the needle's label
	 * @param bytes the needle
	 * @param anchor the position of its first non-zero byte
	 */
	private record Needle(String label, byte[] bytes, int anchor) {

	}

	/**
	 * Where a needle was found.
	 *
	 * @param needle the needle's label
	 * @param offset the offset in the file
	 */
	public record Hit(String needle, long offset) {

	}

}
