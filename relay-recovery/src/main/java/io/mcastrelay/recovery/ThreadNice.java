package io.mcastrelay.recovery;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;

/**
 * Lowers the CPU priority of the calling thread alone ({@code setpriority(PRIO_PROCESS, gettid(), nice)}: on Linux
 * a thread id names one thread), so that when the host's cores are all busy the kernel's scheduler gives the feeds'
 * threads the CPU before a replay's. Raising one's own nice value needs no privilege. Where the C library lacks either
 * function, or the call fails, the thread keeps its priority: a replay then competes with the feeds as before.
 */
final class ThreadNice {
    /** {@code PRIO_PROCESS}. */
    private static final int PRIO_PROCESS = 0;
    private static final MethodHandle GETTID = downcall("gettid", FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle SETPRIORITY =
        downcall("setpriority", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));

    private ThreadNice() {
    }

    @SuppressWarnings("restricted")
    private static MethodHandle downcall(final String name, final FunctionDescriptor descriptor) {
        final Linker linker = Linker.nativeLinker();
        return linker.defaultLookup().find(name).map(symbol -> linker.downcallHandle(symbol, descriptor))
            .orElse(null);
    }

    /**
     * Sets the calling thread's nice value.
     *
     * @param nice 0 (normal) to 19 (lowest).
     * @return whether it was set.
     */
    static boolean apply(final int nice) {
        if (GETTID == null || SETPRIORITY == null) {
            return false;
        }
        try {
            final int tid = (int)GETTID.invokeExact();
            return (int)SETPRIORITY.invokeExact(PRIO_PROCESS, tid, nice) == 0;
        } catch (final Throwable ex) {
            return false;
        }
    }
}
