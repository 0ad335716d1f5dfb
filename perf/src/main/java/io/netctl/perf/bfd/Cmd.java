package io.netctl.perf.bfd;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Small process helpers for the BFD harnesses. */
final class Cmd {
    private Cmd() {
    }

    static String run(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int exit = p.waitFor();
            if (exit != 0) {
                throw new IllegalStateException("exit " + exit + ": " + String.join(" ", cmd) + "\n" + out);
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + String.join(" ", cmd), e);
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

    /** Fails with an install hint unless {@code path} is executable. */
    static void require(String path, String aptPackage) {
        if (!Files.isExecutable(Path.of(path))) {
            throw new IllegalStateException(path + " is missing: install it with 'apt-get install -y " + aptPackage
                    + "'");
        }
    }

    /** The path of the jar (or classes directory) this code runs from, for child JVMs. */
    static String ownClasspath() {
        return System.getProperty("java.class.path");
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
