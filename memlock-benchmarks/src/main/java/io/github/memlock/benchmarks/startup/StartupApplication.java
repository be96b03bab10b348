package io.github.memlock.benchmarks.startup;

import java.lang.management.ManagementFactory;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.util.ClassUtils;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A web service with the sample's starters (Spring MVC on Tomcat, Actuator, Prometheus)
 * that starts, prints how long its context took and stops.
 * <p>
 * It never refers to memlock, so it runs with and without memlock on the class path; with
 * it, the auto-configuration opens the store and loads the secrets directory given on the
 * command line. The printed CSV line is {@code context_ms,jvm_uptime_ms,memlock_stores}.
 *
 * @since 0.1.0
 */
@SpringBootApplication
public class StartupApplication {

	private static final String STORE_CLASS = "io.github.memlock.LockedSecretStore";

	/**
	 * Start the context, print the timings and close it.
	 * @param args Spring Boot command-line arguments
	 * @throws ClassNotFoundException never, the store class is checked first
	 */
	public static void main(String[] args) throws ClassNotFoundException {
		long start = System.nanoTime();
		ConfigurableApplicationContext context = SpringApplication.run(StartupApplication.class, args);
		long contextMillis = (System.nanoTime() - start) / 1_000_000;
		long uptimeMillis = ManagementFactory.getRuntimeMXBean().getUptime();
		int stores = 0;
		if (ClassUtils.isPresent(STORE_CLASS, null)) {
			stores = context.getBeanNamesForType(Class.forName(STORE_CLASS)).length;
		}
		context.close();
		System.out.println(contextMillis + "," + uptimeMillis + "," + stores);
	}

	/**
	 * The one endpoint, so that Spring MVC has a handler to map as in the sample.
	 */
	@RestController
	static class GreetingController {

		@GetMapping("/hello")
		String hello() {
			return "hello";
		}

	}

}
