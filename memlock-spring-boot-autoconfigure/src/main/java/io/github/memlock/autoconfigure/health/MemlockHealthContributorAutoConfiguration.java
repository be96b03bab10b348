package io.github.memlock.autoconfigure.health;

import java.util.Locale;

import io.github.memlock.LockedSecretStore;
import io.github.memlock.autoconfigure.MemlockAutoConfiguration;
import io.github.memlock.autoconfigure.MemlockProperties;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration for the {@code memlock} health contributor, present when Spring
 * Boot's health support is on the classpath, a {@link LockedSecretStore} bean exists and
 * {@code management.health.memlock.enabled} is not {@code false}.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = MemlockAutoConfiguration.class, before = HealthContributorAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(LockedSecretStore.class)
@EnableConfigurationProperties(MemlockProperties.class)
public final class MemlockHealthContributorAutoConfiguration {

	// On the method, not the class: Spring resolves every class-level condition before it
	// evaluates any, and this one's condition class is missing without
	// spring-boot-health.
	@Bean
	@ConditionalOnEnabledHealthIndicator("memlock")
	@ConditionalOnMissingBean(name = "memlockHealthIndicator")
	MemlockHealthIndicator memlockHealthIndicator(LockedSecretStore store, MemlockProperties properties) {
		return new MemlockHealthIndicator(store,
				new Status(properties.getHealth().getDegradedStatus().trim().toUpperCase(Locale.ROOT)));
	}

}
