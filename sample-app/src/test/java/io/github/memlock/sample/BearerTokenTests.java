package io.github.memlock.sample;

import java.nio.charset.StandardCharsets;

import io.github.memlock.LockedSecretStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link BearerToken}.
 */
class BearerTokenTests {

	private static final String TOKEN = "s3cr3t-T0ken_~+/=";

	private LockedSecretStore store;

	@BeforeEach
	void openStore() {
		this.store = LockedSecretStore.open();
		this.store.put("api-token", TOKEN.getBytes(StandardCharsets.US_ASCII));
	}

	@AfterEach
	void closeStore() {
		this.store.close();
	}

	@Test
	void matchesWhenTokenIsRightShouldReturnTrue() {
		assertThat(BearerToken.matches(this.store, "api-token", "Bearer " + TOKEN)).isTrue();
	}

	@Test
	void matchesWhenSchemeHasOtherCaseAndSeveralSpacesShouldReturnTrue() {
		assertThat(BearerToken.matches(this.store, "api-token", "bEARER   " + TOKEN)).isTrue();
	}

	@Test
	void matchesWhenTokenIsWrongShouldReturnFalse() {
		assertThat(BearerToken.matches(this.store, "api-token", "Bearer " + TOKEN + "x")).isFalse();
	}

	@Test
	void matchesWhenTokenIsAPrefixShouldReturnFalse() {
		assertThat(BearerToken.matches(this.store, "api-token", "Bearer " + TOKEN.substring(1))).isFalse();
	}

	@Test
	void matchesWhenHeaderIsMissingShouldReturnFalse() {
		assertThat(BearerToken.matches(this.store, "api-token", null)).isFalse();
	}

	@Test
	void matchesWhenSchemeIsNotBearerShouldReturnFalse() {
		assertThat(BearerToken.matches(this.store, "api-token", "Basic " + TOKEN)).isFalse();
	}

	@Test
	void matchesWhenSchemeIsNotFollowedBySpaceShouldReturnFalse() {
		assertThat(BearerToken.matches(this.store, "api-token", "Bearer" + TOKEN)).isFalse();
	}

	@Test
	void matchesWhenTokenIsEmptyShouldReturnFalse() {
		assertThat(BearerToken.matches(this.store, "api-token", "Bearer ")).isFalse();
	}

	@Test
	void matchesWhenTokenHasNonAsciiCharacterShouldReturnFalse() {
		assertThat(BearerToken.matches(this.store, "api-token", "Bearer " + TOKEN + "\u00e9")).isFalse();
	}

	@Test
	void matchesWhenSecretIsNotStoredShouldReturnFalse() {
		assertThat(BearerToken.matches(this.store, "other-token", "Bearer " + TOKEN)).isFalse();
	}

}
