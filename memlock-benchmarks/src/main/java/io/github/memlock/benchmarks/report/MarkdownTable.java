package io.github.memlock.benchmarks.report;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A Markdown table built row by row.
 *
 * @since 0.1.0
 */
final class MarkdownTable {

	private final List<String> header;

	private final List<List<String>> rows = new ArrayList<>();

	MarkdownTable(List<String> header) {
		this.header = List.copyOf(header);
	}

	MarkdownTable row(List<String> cells) {
		this.rows.add(List.copyOf(cells));
		return this;
	}

	boolean isEmpty() {
		return this.rows.isEmpty();
	}

	@Override
	public String toString() {
		StringBuilder table = new StringBuilder();
		table.append(line(this.header));
		table.append(line(Collections.nCopies(this.header.size(), "---")));
		this.rows.forEach((row) -> table.append(line(row)));
		return table.toString();
	}

	private static String line(List<String> cells) {
		return "| " + String.join(" | ", cells) + " |\n";
	}

}
