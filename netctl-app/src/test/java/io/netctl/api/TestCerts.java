package io.netctl.api;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Self-signed certificates for TLS tests, made with the JDK's keytool (nothing to install): PEM certificate and
 * PKCS#8 key files, valid for {@code localhost} and 127.0.0.1.
 */
public final class TestCerts {
  private TestCerts() {}

  /** The PEM files of one self-signed certificate. */
  public record Pem(Path cert, Path key) {}

  public static Pem selfSigned(Path dir, String name) throws Exception {
    Files.createDirectories(dir);
    Path p12 = dir.resolve(name + ".p12");
    String pass = "changeit";
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    Process p = new ProcessBuilder(List.of(keytool.toString(), "-genkeypair", "-alias", name, "-keyalg", "EC",
            "-groupname", "secp256r1", "-dname", "CN=" + name, "-ext", "san=dns:localhost,ip:127.0.0.1",
            "-validity", "2", "-storetype", "PKCS12", "-keystore", p12.toString(), "-storepass", pass,
            "-keypass", pass))
        .redirectErrorStream(true)
        .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("keytool failed: " + out);
    }
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(p12)) {
      ks.load(in, pass.toCharArray());
    }
    Key key = ks.getKey(name, pass.toCharArray());
    Path cert = dir.resolve(name + ".crt");
    Path keyFile = dir.resolve(name + ".key");
    Files.writeString(cert, pem("CERTIFICATE", ks.getCertificate(name).getEncoded()));
    Files.writeString(keyFile, pem("PRIVATE KEY", key.getEncoded()));
    return new Pem(cert, keyFile);
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(der) + "\n-----END " + type + "-----\n";
  }
}
