package io.github.memlock.sample;

import io.github.memlock.LockedSecretStore;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests that the sample starts with its defaults, as the README's run command starts it.
 */
@SpringBootTest
class SampleApplicationTests {

	@Autowired
	private LockedSecretStore store;

	@Test
	void startWithDefaultsShouldLoadTheBundledExampleSecrets() {
		// Surefire runs in the module directory, as spring-boot:run does, so the relative
		// default 'example-secrets' resolves to the bundled directory.
		assertThat(this.store.names()).containsExactlyInAnyOrder("api-token", "db-password", "signing-key");
	}

}
