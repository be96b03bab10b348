package io.github.memlock;

import java.lang.foreign.MemorySegment;

import org.jspecify.annotations.Nullable;

/**
 * A piece of an arena that holds one secret: a slot of a slab page for small secrets, or
 * a run of whole pages for large ones.
 *
 * @param arena the arena
 * @param offset the offset of the slot in the arena's data pages
 * @param size the size of the slot, at least as large as the secret it holds
 * @param slab the slab page the slot belongs to, or {@code null} for a run of pages
 * @param index the index of the slot in its slab page, or the number of pages of a run
 */
record Slot(SecretArena arena, long offset, long size, SlotAllocator.@Nullable SlabPage slab, int index) {

	/**
	 * Return the memory of the slot.
	 * @return the slot's segment, of {@link #size()} bytes
	 */
	MemorySegment segment() {
		return this.arena.data().asSlice(this.offset, this.size);
	}

}
