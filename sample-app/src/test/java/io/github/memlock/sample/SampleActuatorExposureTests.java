package io.github.memlock.sample;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import io.github.memlock.Markers;
import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests that the sample's {@code application.yml} keeps configuration values out of the
 * actuator even when an operator exposes {@code env} and {@code configprops}: a marker
 * passed as a property, and bound into an application's own properties class, shows only
 * as {@code ******}. The end-to-end test checks that the two endpoints are not exposed at
 * all by default.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = "management.endpoints.web.exposure.include=health,prometheus,env,configprops")
class SampleActuatorExposureTests {

	private static final String MARKER = Markers.randomText(32);

	@LocalServerPort
	private int port;

	@DynamicPropertySource
	static void secretAsProperty(DynamicPropertyRegistry registry) {
		registry.add("sample.leak.password", () -> MARKER);
	}

	@Test
	void envWhenExposedShouldMaskEveryValue() throws Exception {
		HttpResponse<String> env = get("/actuator/env");
		HttpResponse<String> property = get("/actuator/env/sample.leak.password");
		assertThat(env.statusCode()).isEqualTo(200);
		assertThat(env.body()).contains("sample.leak.password", "******").doesNotContain(MARKER);
		assertThat(property.statusCode()).isEqualTo(200);
		assertThat(property.body()).contains("******").doesNotContain(MARKER);
	}

	@Test
	void configpropsWhenExposedShouldMaskEveryValue() throws Exception {
		HttpResponse<String> configprops = get("/actuator/configprops");
		assertThat(configprops.statusCode()).isEqualTo(200);
		assertThat(configprops.body()).contains("sample.leak", "memlock", "******").doesNotContain(MARKER);
	}

	private HttpResponse<String> get(String path) throws IOException, InterruptedException {
		try (HttpClient http = HttpClient.newHttpClient()) {
			HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path)).build();
			return http.send(request, HttpResponse.BodyHandlers.ofString());
		}
	}

	@TestConfiguration(proxyBeanMethods = false)
	@EnableConfigurationProperties(LeakProperties.class)
	static class LeakPropertiesConfiguration {

	}

	/**
	 * An application's own properties with a password, as a user might bind one.
	 */
	@ConfigurationProperties("sample.leak")
	static class LeakProperties {

		private String password = "";

		public String getPassword() {
			return this.password;
		}

		public void setPassword(String password) {
			this.password = password;
		}

	}

}
