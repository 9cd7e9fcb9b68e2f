package io.mcastrelay.tools;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Lets Ctrl-C end a tool's loop cleanly: the shutdown hook clears {@link #getAsBoolean()} and waits (briefly) until
 * the main thread says {@link #finished()}, so the final summary is printed before the JVM goes. The loop reads it
 * on its own thread; the hook runs on the JVM's.
 */
final class ShutdownSignal implements BooleanSupplier {
    private static final long FINISH_WAIT_MS = 3_000;

    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile boolean running = true;

    /**
     * A signal wired to a JVM shutdown hook.
     *
     * @param name for the hook's thread.
     * @return the signal.
     */
    static ShutdownSignal onShutdown(final String name) {
        final ShutdownSignal signal = new ShutdownSignal();
        Runtime.getRuntime().addShutdownHook(new Thread(signal::stopAndAwaitFinish, name + "-shutdown"));
        return signal;
    }

    /** @return true until shutdown has been asked for. */
    @Override
    public boolean getAsBoolean() {
        return running;
    }

    /** Called by the main thread once its loop has ended and the summary is out. */
    void finished() {
        finished.countDown();
    }

    private void stopAndAwaitFinish() {
        running = false;
        try {
            finished.await(FINISH_WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (final InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }
}
