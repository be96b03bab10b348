package io.github.memlock.benchmarks;

import java.lang.foreign.MemorySegment;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import io.github.memlock.nativeaccess.NativeMemory;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Times one {@code mlock} and {@code munlock} of the same page through memlock's FFM
 * binding and through JNA, both capturing errno on every call as a real binding must.
 * <p>
 * JNA is measured twice: an interface mapping ({@code Native.load}), which is how Asherah
 * and lazysodium bind libc, and direct mapping ({@code Native.register}), JNA's fastest
 * form.
 *
 * @since 0.1.0
 */
@Fork(value = 1, jvmArgsAppend = { "--enable-native-access=ALL-UNNAMED", "-Dslf4j.internal.verbosity=ERROR" })
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Benchmark)
public class RawLockBenchmark {

	private final NativeMemory memory = NativeMemory.current();

	private MemorySegment page = MemorySegment.NULL;

	private Pointer pagePointer = Pointer.NULL;

	private long pageSize;

	private final JnaLibc libc = Native.load("c", JnaLibc.class);

	/**
	 * Map the page that every binding locks and unlocks.
	 */
	@Setup(Level.Trial)
	public void mapPage() {
		this.pageSize = this.memory.pageSize();
		this.page = this.memory.mapAnonymous(this.pageSize);
		this.pagePointer = new Pointer(this.page.address());
		JnaDirectLibc.register();
	}

	/**
	 * Unmap the page.
	 */
	@TearDown(Level.Trial)
	public void unmapPage() {
		this.memory.unmap(this.page);
	}

	/**
	 * Lock and unlock the page through {@link NativeMemory}.
	 */
	@Benchmark
	public void ffm() {
		this.memory.lock(this.page);
		this.memory.unlock(this.page);
	}

	/**
	 * Lock and unlock the page through a JNA interface mapping.
	 * @return the sum of both results, consumed by JMH
	 */
	@Benchmark
	public int jnaInterface() {
		return this.libc.mlock(this.pagePointer, this.pageSize) + this.libc.munlock(this.pagePointer, this.pageSize);
	}

	/**
	 * Lock and unlock the page through JNA direct mapping.
	 * @return the sum of both results, consumed by JMH
	 */
	@Benchmark
	public int jnaDirect() {
		return JnaDirectLibc.mlock(this.pagePointer, this.pageSize)
				+ JnaDirectLibc.munlock(this.pagePointer, this.pageSize);
	}

	/**
	 * The two libc calls as a JNA interface mapping; {@link LastErrorException} makes JNA
	 * capture errno and throw on failure.
	 */
	public interface JnaLibc extends Library {

		/**
		 * Lock a range.
		 * @param address the start
		 * @param length the length in bytes
		 * @return 0
		 * @throws LastErrorException with errno on failure
		 */
		int mlock(Pointer address, long length) throws LastErrorException;

		/**
		 * Unlock a range.
		 * @param address the start
		 * @param length the length in bytes
		 * @return 0
		 * @throws LastErrorException with errno on failure
		 */
		int munlock(Pointer address, long length) throws LastErrorException;

	}

	/**
	 * The two libc calls as JNA direct-mapped native methods.
	 */
	public static final class JnaDirectLibc {

		private static boolean registered;

		private JnaDirectLibc() {
		}

		static synchronized void register() {
			if (!registered) {
				Native.register(JnaDirectLibc.class, "c");
				registered = true;
			}
		}

		/**
		 * Lock a range.
		 * @param address the start
		 * @param length the length in bytes
		 * @return 0
		 * @throws LastErrorException with errno on failure
		 */
		public static native int mlock(Pointer address, long length) throws LastErrorException;

		/**
		 * Unlock a range.
		 * @param address the start
		 * @param length the length in bytes
		 * @return 0
		 * @throws LastErrorException with errno on failure
		 */
		public static native int munlock(Pointer address, long length) throws LastErrorException;

	}

}
