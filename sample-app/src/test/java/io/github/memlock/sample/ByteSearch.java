package io.github.memlock.sample;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.channels.FileChannel.MapMode;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds byte sequences in files that may be larger than the heap (core images, heap
 * dumps) by memory-mapping them and checking each offset against the needles that start
 * with the byte found there.
 */
final class ByteSearch {

	private ByteSearch() {
	}

	/**
	 * Return the first occurrence of any of the needles in the file.
	 * @param file the file to search
	 * @param needles the sequences to look for, by a label that may be shown in a report
	 * @return the first hit found, or empty if none of the needles occurs
	 * @throws IOException if the file cannot be read
	 */
	static Optional<Hit> find(Path file, Map<String, byte[]> needles) throws IOException {
		List<Map.Entry<String, byte[]>>[] byFirstByte = indexByFirstByte(needles);
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ); Arena arena = Arena.ofConfined()) {
			if (channel.size() == 0) {
				return Optional.empty();
			}
			return find(channel.map(MapMode.READ_ONLY, 0, channel.size(), arena), byFirstByte);
		}
	}

	private static Optional<Hit> find(MemorySegment content, List<Map.Entry<String, byte[]>>[] byFirstByte) {
		long size = content.byteSize();
		for (long offset = 0; offset < size; offset++) {
			List<Map.Entry<String, byte[]>> candidates = byFirstByte[content.get(ValueLayout.JAVA_BYTE, offset) & 0xff];
			if (candidates != null) {
				for (Map.Entry<String, byte[]> candidate : candidates) {
					if (occursAt(content, offset, candidate.getValue())) {
						return Optional.of(new Hit(candidate.getKey(), offset));
					}
				}
			}
		}
		return Optional.empty();
	}

	private static boolean occursAt(MemorySegment content, long offset, byte[] needle) {
		if (offset + needle.length > content.byteSize()) {
			return false;
		}
		for (int i = 1; i < needle.length; i++) {
			if (content.get(ValueLayout.JAVA_BYTE, offset + i) != needle[i]) {
				return false;
			}
		}
		return true;
	}

	@SuppressWarnings("unchecked")
	private static List<Map.Entry<String, byte[]>>[] indexByFirstByte(Map<String, byte[]> needles) {
		List<Map.Entry<String, byte[]>>[] index = new List[256];
		for (Map.Entry<String, byte[]> needle : needles.entrySet()) {
			if (needle.getValue().length == 0) {
				throw new IllegalArgumentException("Needle '" + needle.getKey() + "' is empty");
			}
			int first = needle.getValue()[0] & 0xff;
			if (index[first] == null) {
				index[first] = new ArrayList<>();
			}
			index[first].add(needle);
		}
		return index;
	}

	/**
	 * Where a needle was found.
	 *
	 * @param needle the needle's label
	 * @param offset the offset in the file
	 */
	record Hit(String needle, long offset) {

	}

}
