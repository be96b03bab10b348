/**
 * A small web service that keeps its secrets in memlock's locked store and checks bearer
 * tokens against them without copying a secret to the heap.
 */
@NullMarked
package io.github.memlock.sample;

import org.jspecify.annotations.NullMarked;
