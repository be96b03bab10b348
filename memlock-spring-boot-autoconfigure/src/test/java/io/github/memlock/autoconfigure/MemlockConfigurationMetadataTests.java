package io.github.memlock.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.Test;

import org.springframework.core.io.ClassPathResource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests that the configuration metadata the build generates, which IDEs use to complete
 * {@code application.yml}, describes every memlock property.
 */
class MemlockConfigurationMetadataTests {

	@Test
	void metadataShouldDescribeEveryProperty() throws IOException {
		assertThat(strings("$.properties[*].name")).containsExactlyInAnyOrder("memlock.enabled", "memlock.required",
				"memlock.backend", "memlock.max-locked-bytes", "memlock.guard-pages", "memlock.wipe-on-fork",
				"memlock.secrets.directories", "memlock.secrets.files", "memlock.health.degraded-status",
				"management.health.memlock.enabled");
	}

	@Test
	void metadataShouldGiveEveryPropertyADescription() throws IOException {
		assertThat(strings("$.properties[*].description")).hasSize(10)
			.allSatisfy((description) -> assertThat(description).isNotBlank());
	}

	@Test
	void metadataShouldGiveDefaults() throws IOException {
		assertThat(values("$.properties[?(@.name == 'memlock.backend')].defaultValue")).containsExactly("auto");
		assertThat(values("$.properties[?(@.name == 'memlock.required')].defaultValue")).containsExactly(false);
		assertThat(values("$.properties[?(@.name == 'memlock.health.degraded-status')].defaultValue"))
			.containsExactly("UP");
	}

	private static List<String> strings(String path) throws IOException {
		return read(path);
	}

	private static List<Object> values(String path) throws IOException {
		return read(path);
	}

	private static <T> List<T> read(String path) throws IOException {
		try (InputStream json = new ClassPathResource("META-INF/spring-configuration-metadata.json").getInputStream()) {
			return JsonPath.read(json, path);
		}
	}

}
