package io.github.memlock.autoconfigure.metrics;

import io.github.memlock.LockedSecretStore;
import io.github.memlock.autoconfigure.MemlockAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration for {@link MemlockMetricsBinder}, present when Micrometer is on the
 * classpath and a {@link LockedSecretStore} bean exists. Spring Boot's metrics support
 * binds it to every meter registry.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = MemlockAutoConfiguration.class)
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean(LockedSecretStore.class)
public final class MemlockMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	MemlockMetricsBinder memlockMetricsBinder(LockedSecretStore store) {
		return new MemlockMetricsBinder(store);
	}

}
