/**
 * The only package that calls the operating system: FFM bindings to {@code mmap},
 * {@code mlock}, {@code madvise}, {@code mprotect}, {@code getrlimit} and
 * {@code memfd_secret}, with errno captured per call, and readers of {@code /proc} that
 * report what the kernel actually did.
 */
@NullMarked
package io.github.memlock.nativeaccess;

import org.jspecify.annotations.NullMarked;
