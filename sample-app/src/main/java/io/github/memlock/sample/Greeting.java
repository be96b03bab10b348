package io.github.memlock.sample;

/**
 * The body the greeting endpoint returns to an authorized caller.
 *
 * @param message the greeting
 * @since 0.1.0
 */
public record Greeting(String message) {

}
