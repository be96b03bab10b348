package io.github.memlock.autoconfigure;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import io.github.memlock.Backend;
import io.github.memlock.LockBudgetExceededException;
import io.github.memlock.LockedSecretStore;
import io.github.memlock.MappedAddresses;
import io.github.memlock.Markers;
import io.github.memlock.MemoryLockException;
import io.github.memlock.StoreStatus;
import io.github.memlock.autoconfigure.health.MemlockHealthContributorAutoConfiguration;
import io.github.memlock.autoconfigure.health.MemlockHealthIndicator;
import io.github.memlock.autoconfigure.metrics.MemlockMetricsAutoConfiguration;
import io.github.memlock.autoconfigure.metrics.MemlockMetricsBinder;
import io.github.memlock.nativeaccess.Advice;
import io.github.memlock.nativeaccess.MemlockLimit;
import io.github.memlock.nativeaccess.NativeCallException;
import io.github.memlock.nativeaccess.NativeMemory;
import io.github.memlock.nativeaccess.NativeMemoryException;
import io.github.memlock.nativeaccess.Platform;
import io.github.memlock.nativeaccess.ProcFs;
import io.github.memlock.nativeaccess.Protection;
import io.github.memlock.nativeaccess.ScopedSegments;
import io.github.memlock.nativeaccess.UnsupportedNativeCallException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.core.type.classreading.MetadataReaderFactory;
import org.springframework.core.type.classreading.SimpleMetadataReaderFactory;
import org.springframework.util.ClassUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Tests that the {@code toString} of every public type of memlock (the packages
 * {@code io.github.memlock}, {@code io.github.memlock.nativeaccess} and
 * {@code io.github.memlock.autoconfigure}, with their sub-packages), taken from a running
 * auto-configuration that holds marker secrets, shows neither a marker nor an address.
 * The public types are found on the class path, so a new one fails
 * {@link #everyPublicTypeShouldHaveInstancesHere()} until it is listed here.
 */
class PublicTypesToStringTests {

	/**
	 * A type with static methods only, stood for by the views it lends: the JDK's
	 * {@code MemorySegment}, whose {@code toString} gives the address and size (never the
	 * bytes).
	 */
	private static final Class<?> LENDER = ScopedSegments.class;

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MemlockAutoConfiguration.class,
				MemlockHealthContributorAutoConfiguration.class, MemlockMetricsAutoConfiguration.class));

	private final Map<String, byte[]> markers = Map.of("api-token", Markers.random(32), "signing-key",
			Markers.random(32));

	@TempDir
	Path temp;

	@Test
	void everyPublicTypeShouldHaveInstancesHere() throws Exception {
		assertThat(instances().keySet()).as("the public types, each with instances in instances()")
			.containsExactlyInAnyOrderElementsOf(publicTypes());
	}

	@Test
	void toStringOfEveryPublicTypeShouldShowNoMarkerOrAddress() throws IOException {
		Path secrets = Markers.writeFiles(this.temp.resolve("secrets"), this.markers);
		this.contextRunner.withPropertyValues("memlock.secrets.directories=" + secrets).run((context) -> {
			assertThat(context.getBean(LockedSecretStore.class).size()).isEqualTo(this.markers.size());
			instances().forEach((type, instances) -> {
				List<Object> objects = new ArrayList<>(instances.apply(context));
				assertThat(objects).as("instances of %s", type.getName()).isNotEmpty().allSatisfy((object) -> {
					String rendering = (object instanceof Throwable failure) ? Markers.render(failure)
							: String.valueOf(object);
					assertThat(Markers.findIn(rendering, this.markers)).as("a marker in %s", rendering).isEmpty();
					if (type != LENDER) {
						assertThat(object).isInstanceOf(type);
						assertThat(MappedAddresses.findIn(rendering)).as("an address in %s", rendering).isEmpty();
					}
				});
			});
		});
	}

	private Map<Class<?>, Function<ApplicationContext, List<?>>> instances() {
		Map<Class<?>, Function<ApplicationContext, List<?>>> instances = new LinkedHashMap<>();
		instances.put(LockedSecretStore.class, (context) -> List.of(store(context)));
		instances.put(LockedSecretStore.Builder.class, (context) -> List.of(LockedSecretStore.builder()));
		instances.put(StoreStatus.class, (context) -> List.of(store(context).status()));
		instances.put(Backend.class, (context) -> List.of(Backend.values()));
		instances.put(MemoryLockException.class, (context) -> List.of(unsupportedOpen(), budgetExceeded()));
		instances.put(LockBudgetExceededException.class, (context) -> List.of(budgetExceeded()));
		instances.put(Advice.class, (context) -> List.of(Advice.values()));
		instances.put(MemlockLimit.class, (context) -> List.of(NativeMemory.current().memlockLimit()));
		instances.put(NativeCallException.class, (context) -> List.of(NativeCallException.of("mlock", 12)));
		instances.put(UnsupportedNativeCallException.class,
				(context) -> List.of(new UnsupportedNativeCallException("madvise", Platform.MACOS)));
		instances.put(NativeMemoryException.class, (context) -> List.of(NativeCallException.of("munmap", 22),
				new UnsupportedNativeCallException("mlock", Platform.UNSUPPORTED)));
		instances.put(NativeMemory.class,
				(context) -> List.of(NativeMemory.current(), NativeMemory.forPlatform(Platform.UNSUPPORTED)));
		instances.put(Platform.class, (context) -> List.of(Platform.values()));
		instances.put(ProcFs.class, (context) -> List.of(ProcFs.self()));
		instances.put(Protection.class, (context) -> List.of(Protection.values()));
		instances.put(LENDER, (context) -> List.of(store(context).read("api-token", MemorySegment::toString)));
		instances.put(MemlockAutoConfiguration.class,
				(context) -> List.of(context.getBean(MemlockAutoConfiguration.class)));
		instances.put(MemlockProperties.class, (context) -> List.of(properties(context)));
		instances.put(MemlockProperties.Backend.class, (context) -> List.of(MemlockProperties.Backend.values()));
		instances.put(MemlockProperties.Secrets.class, (context) -> List.of(properties(context).getSecrets()));
		instances.put(MemlockProperties.Health.class, (context) -> List.of(properties(context).getHealth()));
		instances.put(MemlockSecretLoader.class,
				(context) -> List.of(new MemlockSecretLoader(properties(context).getSecrets())));
		instances.put(MemoryLockFailureAnalyzer.class,
				(context) -> List.of(new MemoryLockFailureAnalyzer(context.getEnvironment())));
		instances.put(SecretLoadingFailureAnalyzer.class, (context) -> List.of(new SecretLoadingFailureAnalyzer()));
		instances.put(SecretLoadingException.class, (context) -> List.of(loadingFailure(context)));
		instances.put(MemlockHealthContributorAutoConfiguration.class,
				(context) -> List.of(context.getBean(MemlockHealthContributorAutoConfiguration.class)));
		instances.put(MemlockHealthIndicator.class,
				(context) -> List.of(context.getBean(MemlockHealthIndicator.class)));
		instances.put(MemlockMetricsAutoConfiguration.class,
				(context) -> List.of(context.getBean(MemlockMetricsAutoConfiguration.class)));
		instances.put(MemlockMetricsBinder.class, (context) -> List.of(context.getBean(MemlockMetricsBinder.class)));
		return instances;
	}

	/**
	 * Load a configured secret a second time, which fails on the name clash.
	 */
	private static SecretLoadingException loadingFailure(ApplicationContext context) {
		try {
			new MemlockSecretLoader(properties(context).getSecrets()).load(store(context));
			throw new AssertionError("Loading the same secrets twice should fail");
		}
		catch (SecretLoadingException ex) {
			return ex;
		}
	}

	private static LockedSecretStore store(ApplicationContext context) {
		return context.getBean(LockedSecretStore.class);
	}

	private static MemlockProperties properties(ApplicationContext context) {
		return context.getBean(MemlockProperties.class);
	}

	private static MemoryLockException unsupportedOpen() {
		return catchThrowableOfType(MemoryLockException.class,
				() -> LockedSecretStore.builder().nativeMemory(NativeMemory.forPlatform(Platform.UNSUPPORTED)).build());
	}

	private LockBudgetExceededException budgetExceeded() {
		try (LockedSecretStore store = LockedSecretStore.builder().maxLockedBytes(4096).build()) {
			byte[] big = Markers.repeated(this.markers.get("api-token"), 1024);
			return catchThrowableOfType(LockBudgetExceededException.class, () -> store.put("big", big));
		}
	}

	/**
	 * Return memlock's public types, top-level and nested, from its production classes on
	 * the class path (neither this module's tests nor the core's test jar).
	 */
	private static Set<Class<?>> publicTypes() throws IOException, ClassNotFoundException {
		PathMatchingResourcePatternResolver resolver = new PathMatchingResourcePatternResolver();
		MetadataReaderFactory readers = new SimpleMetadataReaderFactory(resolver);
		Set<Class<?>> types = new HashSet<>();
		for (Resource resource : resolver.getResources("classpath*:io/github/memlock/**/*.class")) {
			String location = resource.getURL().toString();
			if (!location.contains("/test-classes/") && !location.contains("-tests.jar!")) {
				String name = readers.getMetadataReader(resource).getClassMetadata().getClassName();
				Class<?> type = ClassUtils.forName(name, PublicTypesToStringTests.class.getClassLoader());
				if (isPublic(type) && !type.isSynthetic()) {
					types.add(type);
				}
			}
		}
		return types;
	}

	private static boolean isPublic(Class<?> type) {
		List<Class<?>> enclosing = new ArrayList<>();
		for (Class<?> candidate = type; candidate != null; candidate = candidate.getEnclosingClass()) {
			enclosing.add(candidate);
		}
		return !type.isAnonymousClass()
				&& enclosing.stream().allMatch((each) -> Modifier.isPublic(each.getModifiers()));
	}

}
