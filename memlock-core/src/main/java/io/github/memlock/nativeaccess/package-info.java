/**
 * The only package that calls the operating system: FFM bindings to {@code mmap},
 * {@code mlock}, {@code madvise}, {@code mprotect}, {@code getrlimit} and
 * {@code memfd_secret}, with errno captured per call; views of native memory scoped to a
 * callback; and readers of {@code /proc} that report what the kernel actually did. The
 * JVM must allow native access to the code holding this package
 * ({@code --enable-native-access=ALL-UNNAMED} on the class path, or the module's name).
 */
@NullMarked
package io.github.memlock.nativeaccess;

import org.jspecify.annotations.NullMarked;
