package co.net.tls.internal;

/**
 * A fatal error of one TLS connection, kept so that every later call on the socket reports it.
 *
 * @param errno the {@link co.api.Errno} code
 * @param detail the message, for {@link co.api.Co#strerror()}
 */
record Failure(int errno, String detail) {
}
