package io.github.memlock.autoconfigure.childapp;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A minimal application that {@link MemlockProcessTests} starts in a child JVM with
 * restricted locking; it prints what {@code /actuator/health/memlock} and the
 * {@code memlock.degraded} gauge report, then exits.
 */
@SpringBootApplication
public class MemlockProbeApplication {

	public static void main(String[] args) {
		try (ConfigurableApplicationContext context = SpringApplication.run(MemlockProbeApplication.class, args)) {
			HealthEndpoint health = context.getBean(HealthEndpoint.class);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			System.out.println("memlock-health=" + health.healthForPath("memlock").getStatus());
			System.out.println("memlock-degraded=" + registry.get("memlock.degraded").gauge().value());
		}
	}

}
