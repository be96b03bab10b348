package io.github.memlock;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * Architecture rules of memlock-core: restricted FFM (binding C functions, giving a raw
 * address a size or a lifetime) is confined to {@code io.github.memlock.nativeaccess}, so
 * that no other code can reach native memory by address.
 */
@AnalyzeClasses(packages = "io.github.memlock", importOptions = ArchitectureTests.ProductionClasses.class)
class ArchitectureTests {

	private static final String NATIVE_ACCESS = "io.github.memlock.nativeaccess..";

	@ArchTest
	static final ArchRule onlyNativeAccessShouldBindNativeFunctions = noClasses().that()
		.resideOutsideOfPackage(NATIVE_ACCESS)
		.should()
		.dependOnClassesThat()
		.belongToAnyOf(Linker.class, SymbolLookup.class, FunctionDescriptor.class)
		.because("only the native package may bind C functions");

	@ArchTest
	static final ArchRule onlyNativeAccessShouldReinterpretSegments = noClasses().that()
		.resideOutsideOfPackage(NATIVE_ACCESS)
		.should()
		.callMethodWhere(calling(MemorySegment.class, "reinterpret"))
		.orShould()
		.callMethodWhere(calling(MemorySegment.class, "ofAddress"))
		.orShould()
		.callMethodWhere(calling(AddressLayout.class, "withTargetLayout"))
		.because("giving a raw address a size or a lifetime is restricted to the native package");

	private static DescribedPredicate<JavaMethodCall> calling(Class<?> owner, String name) {
		return DescribedPredicate.describe("the target is " + owner.getSimpleName() + "." + name + "(..)",
				(call) -> call.getTarget().getName().equals(name) && call.getTarget().getOwner().isAssignableTo(owner));
	}

	/**
	 * Imports production classes only: tests may reach into native memory to check it,
	 * and the Maven test-classes folder is not named {@code target/test-classes} when a
	 * separate build directory is used, so the predefined option would miss it.
	 */
	static final class ProductionClasses implements ImportOption {

		@Override
		public boolean includes(Location location) {
			return !location.contains("/test-classes/");
		}

	}

}
