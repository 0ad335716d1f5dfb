package io.netctl.perf.failover;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Process helpers for the failover harness: commands that must succeed, and a timed shell for fault injection. */
final class Shell implements AutoCloseable {
    private final Process bash;
    private final BufferedWriter in;
    private final BufferedReader out;

    /** The last {@link #timed} command's duration, µs (diagnostic: a command that forks is slow on a busy box). */
    long lastDurationUs;

    /**
     * A bash kept running, so that injecting a fault costs at most one fork ({@code ip}, {@code nft}; {@code kill} is
     * a builtin), and the fault's time is bash's {@code $EPOCHREALTIME} (µs, wall clock) taken right after the command
     * returned, when the fault is in force. (Taken before it, a loaded machine's fork and exec time, once 400 ms
     * here, would count as outage.)
     */
    Shell() throws IOException {
        bash = new ProcessBuilder("bash", "--noprofile", "--norc").redirectErrorStream(true).start();
        in = new BufferedWriter(new OutputStreamWriter(bash.getOutputStream(), StandardCharsets.UTF_8));
        out = new BufferedReader(new InputStreamReader(bash.getInputStream(), StandardCharsets.UTF_8));
    }

    /** Runs {@code command} and returns the wall-clock time (epoch µs) taken right after it returned. */
    synchronized long timed(String command) throws IOException {
        in.write("b=$EPOCHREALTIME; " + command + " ; r=$?; echo \"R $r $b $EPOCHREALTIME\"\n");
        in.flush();
        StringBuilder extra = new StringBuilder();
        for (String line; (line = out.readLine()) != null; ) {
            if (line.startsWith("R ")) {
                String[] f = line.split(" ");
                if (!f[1].equals("0")) {
                    throw new IOException("fault command failed (" + f[1] + "): " + command + "\n" + extra);
                }
                long before = Math.round(Double.parseDouble(f[2].replace(',', '.')) * 1e6);
                long after = Math.round(Double.parseDouble(f[3].replace(',', '.')) * 1e6);
                lastDurationUs = after - before;
                return after;
            } else {
                extra.append(line).append('\n');
            }
        }
        throw new IOException("the fault shell exited");
    }

    @Override
    public void close() {
        bash.destroy();
    }

    /** Runs a command; fails with its output unless it exits 0. */
    static String run(String... cmd) {
        return run(List.of(cmd));
    }

    static String run(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String o = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("no exit within 60 s: " + String.join(" ", cmd));
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("exit " + p.exitValue() + ": " + String.join(" ", cmd) + "\n" + o);
            }
            return o;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + String.join(" ", cmd) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static void quiet(String... cmd) {
        try {
            run(cmd);
        } catch (RuntimeException e) {
            // cleanup: best effort
        }
    }

    /** {@code ip netns exec NS cmd...}. */
    static String in(String ns, String... cmd) {
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        c.addAll(List.of(cmd));
        return run(c);
    }

    /** Fails with an install hint unless {@code path} is executable; fails unless root. */
    static void require(String path, String aptPackage) {
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new IllegalStateException("the failover harness creates network namespaces: run it as root");
        }
        if (!Files.isExecutable(Path.of(path))) {
            throw new IllegalStateException(path + " is missing: run scripts/install-deps (or apt-get install -y "
                    + aptPackage + ")");
        }
    }

    /** A child JVM running {@code mainClass} inside network namespace {@code ns}, on this code's classpath. */
    static Process javaIn(String ns, Class<?> mainClass, String... args) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp;
        try {
            cp = Path.of(mainClass.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (Exception e) {
            throw new IOException("cannot locate the classes of " + mainClass.getName(), e);
        }
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", ns, java, "-Xmx64m", "-XX:+UseSerialGC",
                "-cp", cp, mainClass.getName()));
        c.addAll(List.of(args));
        return new ProcessBuilder(c).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    /**
     * A child JVM running {@code mainClass} inside network namespace {@code ns} on this JVM's whole class path (for
     * code that needs the other modules, such as netctl's command line; under Failsafe the class path is its booter
     * jar, whose manifest names the rest).
     */
    static Process javaInClasspath(String ns, Class<?> mainClass, List<String> jvmOptions, List<String> args)
            throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", ns, java));
        c.addAll(jvmOptions);
        c.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass.getName()));
        c.addAll(args);
        return new ProcessBuilder(c).start();
    }

    /** Kills a process and its descendants by PID (children first), and waits for them. */
    static void killTree(Process p) {
        List<ProcessHandle> all = new ArrayList<>(p.descendants().toList());
        all.add(p.toHandle());
        for (ProcessHandle h : all) {
            h.destroyForcibly();
        }
        for (ProcessHandle h : all) {
            try {
                h.onExit().get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                // reported by the namespace cleanup if it lingers
            }
        }
    }
}
