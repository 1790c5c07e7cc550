package io.wschaos.proxy.tls;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Who a wss:// upstream may be: whoever the JVM's trust store trusts, or a chain to one of the
 * certificates of {@code --upstream-ca}. Host names are checked as usual (by the client).
 */
public final class UpstreamTrust {
  private UpstreamTrust() {}

  /**
   * The certificates of a PEM file.
   *
   * @throws IllegalArgumentException with one line saying what is wrong with the file
   */
  public static List<X509Certificate> readPem(Path file) {
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      throw new IllegalArgumentException(file + ": no such readable file");
    }
    try (InputStream in = Files.newInputStream(file)) {
      List<X509Certificate> out = new ArrayList<>();
      CertificateFactory.getInstance("X.509").generateCertificates(in).forEach(c -> out.add((X509Certificate) c));
      if (out.isEmpty()) {
        throw new IllegalArgumentException(file + ": no certificate in it");
      }
      return out;
    } catch (IOException | CertificateException e) {
      throw new IllegalArgumentException(file + ": not a PEM certificate (" + e.getMessage() + ")");
    }
  }

  /** The JVM's default trust plus {@code extra}. */
  public static TrustManager jvmPlus(List<X509Certificate> extra) {
    try {
      X509ExtendedTrustManager jvm = manager(null);
      KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
      ks.load(null, null);
      for (int i = 0; i < extra.size(); i++) {
        ks.setCertificateEntry("upstream-ca-" + i, extra.get(i));
      }
      return new Either(jvm, manager(ks));
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot set up the upstream's trust: " + e.getMessage(), e);
    }
  }

  private static X509ExtendedTrustManager manager(KeyStore ks) throws GeneralSecurityException {
    TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    f.init(ks);
    for (TrustManager t : f.getTrustManagers()) {
      if (t instanceof X509ExtendedTrustManager x) {
        return x;
      }
    }
    throw new GeneralSecurityException("no X.509 trust manager in this JVM");
  }

  /** Trusts a server chain when either manager does. */
  private static final class Either extends X509ExtendedTrustManager {
    private final X509ExtendedTrustManager a;
    private final X509ExtendedTrustManager b;

    Either(X509ExtendedTrustManager a, X509ExtendedTrustManager b) {
      this.a = a;
      this.b = b;
    }

    @FunctionalInterface
    private interface Check {
      void run(X509ExtendedTrustManager m) throws CertificateException;
    }

    private void either(Check c) throws CertificateException {
      try {
        c.run(a);
      } catch (CertificateException first) {
        try {
          c.run(b);
        } catch (CertificateException second) {
          first.addSuppressed(second);
          throw first;
        }
      }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
      either(m -> m.checkServerTrusted(chain, authType, engine));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
      either(m -> m.checkServerTrusted(chain, authType, socket));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      either(m -> m.checkServerTrusted(chain, authType));
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
      throw new CertificateException("the proxy's upstream client does not judge clients");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
      throw new CertificateException("the proxy's upstream client does not judge clients");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      throw new CertificateException("the proxy's upstream client does not judge clients");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      X509Certificate[] x = a.getAcceptedIssuers();
      X509Certificate[] y = b.getAcceptedIssuers();
      X509Certificate[] out = java.util.Arrays.copyOf(x, x.length + y.length);
      System.arraycopy(y, 0, out, x.length, y.length);
      return out;
    }
  }
}
