/**
 * Synchronization between coroutines and threads, after C++ co's {@code co::Event},
 * {@code co::WaitGroup}, {@code co::Mutex}, {@code co::Pool} and coost's {@code co::chan}.
 *
 * <p><b>Blocking.</b> A blocking call parks only the caller with
 * {@link java.util.concurrent.locks.LockSupport}: inside a coroutine the coroutine is suspended and
 * its scheduler goes on running others; on a plain thread the thread blocks. No method holds an
 * internal lock while it waits.
 *
 * <p><b>Timeouts.</b> Methods that take {@code long ms} wait at most that many milliseconds; a
 * negative value waits forever and {@code 0} only polls.
 *
 * <p><b>Interrupts.</b> Waits are not interruptible (as in co, where a coroutine cannot be
 * interrupted): an interrupt does not end a wait, and the thread's interrupt status is set again
 * when the call returns.
 */
package co.sync;
