package io.github.memlock.sample;

import io.github.memlock.LockedSecretStore;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * Greets callers that present the bearer token stored as the locked secret
 * {@value #API_TOKEN}, and answers everyone else with {@code 401 Unauthorized}.
 *
 * @since 0.1.0
 */
@RestController
public class GreetingController {

	/**
	 * Name of the secret that holds the accepted bearer token.
	 */
	public static final String API_TOKEN = "api-token";

	private final LockedSecretStore store;

	/**
	 * Create a controller that checks tokens against the given store.
	 * @param store the store holding {@value #API_TOKEN}
	 */
	public GreetingController(LockedSecretStore store) {
		this.store = store;
	}

	/**
	 * Return a greeting when the request carries the right bearer token.
	 * @param authorization the {@code Authorization} header, if any
	 * @return {@code 200} with a greeting, or {@code 401} with a {@code WWW-Authenticate}
	 * challenge
	 */
	@GetMapping("/api/greeting")
	public ResponseEntity<Greeting> greeting(
			@RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) @Nullable String authorization) {
		if (!BearerToken.matches(this.store, API_TOKEN, authorization)) {
			return ResponseEntity.status(HttpStatus.UNAUTHORIZED)
				.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"memlock-sample\"")
				.build();
		}
		return ResponseEntity.ok(new Greeting("Hello! Your token matches the stored '" + API_TOKEN + "'."));
	}

}
