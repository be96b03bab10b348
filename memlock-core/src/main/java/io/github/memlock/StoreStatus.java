package io.github.memlock;

import java.util.LinkedHashMap;
import java.util.Map;

import io.github.memlock.nativeaccess.MemlockLimit;
import org.jspecify.annotations.Nullable;

/**
 * A snapshot of a {@link LockedSecretStore}: where its secrets live and what the kernel
 * reports about that memory.
 *
 * @param backend the backend chosen when the store opened; {@link Backend#UNLOCKED} when
 * it was selected or no locking backend worked and unlocked memory is allowed (secrets
 * placed in unlocked memory later, when locked memory cannot grow, leave the backend as
 * it is and show in {@code locked} and {@code degradedReason} instead)
 * @param locked whether every stored secret is in locked memory ({@code true} for an
 * empty store on a locking backend, {@code false} on the unlocked backend and after
 * close)
 * @param lockedBytes the bytes the store's arenas add to the process's {@code VmLck}:
 * whole data pages, plus the guard pages of {@code memfd-secret} arenas, which the kernel
 * locks with the rest of the mapping
 * @param lockedPages the pages of the store's own memory that are locked
 * @param usedBytes the bytes taken by stored secrets (their slots)
 * @param capacityBytes the bytes of all the store's arenas (guard pages excluded)
 * @param secretCount the number of stored secrets
 * @param limitSoft the soft {@code RLIMIT_MEMLOCK} in bytes,
 * {@link MemlockLimit#UNLIMITED} for infinity, {@code -1} when unknown
 * @param limitHard the hard {@code RLIMIT_MEMLOCK} in bytes,
 * {@link MemlockLimit#UNLIMITED} for infinity, {@code -1} when unknown
 * @param ipcLockCapability whether the process holds an effective {@code CAP_IPC_LOCK},
 * which lifts the limit
 * @param dumpExcluded whether the kernel reports every arena as excluded from core dumps
 * ({@code dd}); the intended setting while there are no arenas
 * @param wipeOnFork whether the kernel reports every arena as wiped in ({@code wf}) or
 * not copied to ({@code dc}) forked children; the intended setting while there are no
 * arenas
 * @param lockFailures how often memory could not be locked and the store fell back to
 * unlocked memory
 * @param closed whether the store has been closed
 * @param degradedReason why secrets are not (all) locked, or {@code null} when they are
 * @param pageSize the page size in bytes
 * @since 0.1.0
 */
public record StoreStatus(Backend backend, boolean locked, long lockedBytes, long lockedPages, long usedBytes,
		long capacityBytes, int secretCount, long limitSoft, long limitHard, boolean ipcLockCapability,
		boolean dumpExcluded, boolean wipeOnFork, long lockFailures, boolean closed, @Nullable String degradedReason,
		long pageSize) {

	/**
	 * Return whether the store runs degraded, that is whether {@link #degradedReason()}
	 * is set.
	 * @return whether the store is degraded
	 */
	public boolean degraded() {
		return this.degradedReason != null;
	}

	/**
	 * Return the snapshot as health details: plain values keyed by name, limits as
	 * {@code "unlimited"} when infinite, without addresses and without secret bytes.
	 * @return an ordered, modifiable map of details
	 */
	public Map<String, Object> toDetails() {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("backend", this.backend.id());
		details.put("locked", this.locked);
		details.put("lockedBytes", this.lockedBytes);
		details.put("lockedPages", this.lockedPages);
		details.put("usedBytes", this.usedBytes);
		details.put("capacityBytes", this.capacityBytes);
		details.put("secrets", this.secretCount);
		details.put("limitSoft", limitDetail(this.limitSoft));
		details.put("limitHard", limitDetail(this.limitHard));
		details.put("ipcLockCapability", this.ipcLockCapability);
		details.put("dumpExcluded", this.dumpExcluded);
		details.put("wipeOnFork", this.wipeOnFork);
		details.put("lockFailures", this.lockFailures);
		details.put("closed", this.closed);
		details.put("pageSize", this.pageSize);
		if (this.degradedReason != null) {
			details.put("degradedReason", this.degradedReason);
		}
		return details;
	}

	private static Object limitDetail(long limit) {
		return (limit == MemlockLimit.UNLIMITED) ? "unlimited" : limit;
	}

}
