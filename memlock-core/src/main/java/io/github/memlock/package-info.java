/**
 * The locked secret store: secrets packed into page-aligned arenas that are locked in
 * RAM, excluded from core dumps and kept out of forked children, with scoped read access
 * and an honest status snapshot.
 */
@NullMarked
package io.github.memlock;

import org.jspecify.annotations.NullMarked;
