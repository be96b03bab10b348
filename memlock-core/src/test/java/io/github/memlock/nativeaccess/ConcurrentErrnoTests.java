package io.github.memlock.nativeaccess;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests that errno is captured per call: two threads failing different calls at the same
 * moment each see their own errno.
 */
@EnabledOnOs(OS.LINUX)
class ConcurrentErrnoTests {

	private static final int ROUNDS = 500;

	private final NativeMemory nativeMemory = NativeMemory.current();

	@Test
	void failuresOnTwoThreadsAtOnceShouldEachReportTheirOwnErrno() throws Exception {
		long pageSize = this.nativeMemory.pageSize();
		MemorySegment region = this.nativeMemory.mapAnonymous(2 * pageSize);
		CyclicBarrier barrier = new CyclicBarrier(2);
		try (ExecutorService executor = Executors.newFixedThreadPool(2)) {
			Future<List<String>> locks = executor.submit(
					failRepeatedly(barrier, () -> this.nativeMemory.lock(MemorySegment.NULL.reinterpret(pageSize))));
			Future<List<String>> advices = executor.submit(failRepeatedly(barrier,
					() -> this.nativeMemory.advise(region.asSlice(1, pageSize), Advice.DONT_DUMP)));
			assertThat(locks.get()).hasSize(ROUNDS).containsOnly("mlock ENOMEM");
			assertThat(advices.get()).hasSize(ROUNDS).containsOnly("madvise EINVAL");
		}
		finally {
			this.nativeMemory.unmap(region);
		}
	}

	private Callable<List<String>> failRepeatedly(CyclicBarrier barrier, Runnable call) {
		return () -> {
			String[] outcomes = new String[ROUNDS];
			for (int round = 0; round < ROUNDS; round++) {
				barrier.await();
				outcomes[round] = outcome(call);
			}
			return List.of(outcomes);
		};
	}

	private static String outcome(Runnable call) {
		try {
			call.run();
			return "no failure";
		}
		catch (NativeCallException ex) {
			return ex.call() + " " + ex.errnoName();
		}
	}

}
