package io.netctl.bfd.transport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Gives the calling thread a real-time scheduling policy ({@code SCHED_FIFO}) through util-linux's {@code chrt} on its
 * kernel thread id: the JDK has no API for it and this avoids native code. REFERENCE.md measured that BFD at 10×3
 * only holds under CPU hogs in the same scheduling group with real-time priority (FRR: 0 false Downs under
 * {@code chrt -f 50}, some without). Needs CAP_SYS_NICE (root).
 */
final class ThreadScheduling {
    private ThreadScheduling() {
    }

    /** The kernel id of the calling thread ({@code /proc/thread-self} → {@code PID/task/TID}). */
    static long currentTid() throws IOException {
        Path link = Files.readSymbolicLink(Path.of("/proc/thread-self"));
        return Long.parseLong(link.getFileName().toString());
    }

    /**
     * Sets SCHED_FIFO at {@code priority} (1–99) for the calling thread.
     *
     * @return {@code null} on success, else why it failed
     */
    static String fifo(int priority) {
        try {
            return chrt(priority, false, currentTid());
        } catch (IOException e) {
            return "cannot find the thread id: " + e.getMessage();
        }
    }

    /**
     * Sets SCHED_FIFO at {@code priority} for every thread of this process (event loops, and also the JVM's VM and
     * GC threads: a safepoint stops every Java thread, and a VM thread starved by CPU hogs held one for 124 ms in
     * the soak while only the event loop was real-time). Threads started later inherit it; children started
     * earlier do not.
     */
    static String fifoProcess(int priority) {
        return chrt(priority, true, ProcessHandle.current().pid());
    }

    private static String chrt(int priority, boolean allTasks, long id) {
        try {
            Process p = new ProcessBuilder(allTasks
                    ? new String[] {"chrt", "-f", "-a", "-p", Integer.toString(priority), Long.toString(id)}
                    : new String[] {"chrt", "-f", "-p", Integer.toString(priority), Long.toString(id)})
                    .redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "chrt timed out";
            }
            return p.exitValue() == 0 ? null : "chrt exit " + p.exitValue() + ": " + out;
        } catch (IOException e) {
            return "cannot run chrt (util-linux): " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}
