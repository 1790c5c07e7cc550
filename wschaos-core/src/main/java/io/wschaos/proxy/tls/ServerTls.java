package io.wschaos.proxy.tls;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.wschaos.fault.TlsMode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLException;

/**
 * What a wss:// listener presents: its good certificate (issued by the run's certificate authority
 * for 127.0.0.1, ::1 and localhost, or the user's own) and one certificate per TLS fault, each with
 * a key of its own. Keys of their own matter for Chromium: it trusts the good certificate by its
 * key's hash ({@code --ignore-certificate-errors-spki-list}), which covers every error of any chain
 * holding that key, so a fault certificate sharing it would be accepted.
 */
public final class ServerTls {
  /** The names the good certificate is valid for. */
  public static final List<String> HOSTS = List.of("localhost");
  public static final List<String> ADDRESSES = List.of("127.0.0.1", "::1");
  /** The only name the wrong_host certificate is valid for. */
  public static final String WRONG_HOST = "wrong.host.invalid";

  private final CertificateAuthority ca;
  private final SslContext good;
  private final String goodSpki;
  private final Map<TlsMode, SslContext> faulty = new EnumMap<>(TlsMode.class);

  private ServerTls(CertificateAuthority ca, SslContext good, String goodSpki) {
    this.ca = ca;
    this.good = good;
    this.goodSpki = goodSpki;
    Instant now = Instant.now();
    Duration day = Duration.ofDays(1);
    faulty.put(TlsMode.EXPIRED, context(ca.issue("expired", HOSTS, ADDRESSES, now.minus(day.multipliedBy(30)), now.minus(day))));
    faulty.put(TlsMode.NOT_YET_VALID, context(ca.issue("not-yet-valid", HOSTS, ADDRESSES, now.plus(day), now.plus(day.multipliedBy(30)))));
    faulty.put(TlsMode.WRONG_HOST, context(ca.issue(WRONG_HOST, List.of(WRONG_HOST), List.of(), now.minus(day), now.plus(day.multipliedBy(30)))));
    CertificateAuthority stranger = CertificateAuthority.create("wschaos untrusted authority");
    faulty.put(TlsMode.UNTRUSTED, context(stranger.issue("untrusted", HOSTS, ADDRESSES, now.minus(day), now.plus(day.multipliedBy(30)))));
  }

  /** A new run's authority and its good certificate for 127.0.0.1, ::1 and localhost. */
  public static ServerTls generate() {
    CertificateAuthority ca = CertificateAuthority.create("wschaos run CA " + Instant.now());
    Instant now = Instant.now();
    CertificateAuthority.Issued good = ca.issue("localhost", HOSTS, ADDRESSES, now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(30)));
    return new ServerTls(ca, context(good), good.spkiSha256());
  }

  /**
   * The user's certificate chain and key (PEM files) as the good certificate; the fault
   * certificates still come from an authority of this run.
   *
   * @throws IllegalArgumentException with one line saying what is wrong with which file
   */
  public static ServerTls fromFiles(Path certChain, Path key) {
    for (Path f : List.of(certChain, key)) {
      if (!Files.isRegularFile(f) || !Files.isReadable(f)) {
        throw new IllegalArgumentException(f + ": no such readable file");
      }
    }
    List<X509Certificate> chain;
    try (InputStream in = Files.newInputStream(certChain)) {
      chain = CertificateFactory.getInstance("X.509").generateCertificates(in).stream().map(c -> (X509Certificate) c).toList();
    } catch (IOException | CertificateException e) {
      throw new IllegalArgumentException(certChain + ": not a PEM certificate (" + oneLine(e) + ")");
    }
    if (chain.isEmpty()) {
      throw new IllegalArgumentException(certChain + ": no certificate in it");
    }
    java.security.PrivateKey privateKey = readKey(key, certChain);
    if (!matches(privateKey, chain.get(0).getPublicKey())) {
      throw new IllegalArgumentException(key + ": not a private key for " + certChain + " (it belongs to another certificate)");
    }
    SslContext good;
    try {
      good = SslContextBuilder.forServer(privateKey, chain).build();
    } catch (SSLException | IllegalArgumentException e) {
      throw new IllegalArgumentException(key + ": not a private key for " + certChain + " (" + oneLine(e) + ")");
    }
    return new ServerTls(CertificateAuthority.create("wschaos run CA " + Instant.now()), good, CertificateAuthority.spkiSha256(chain.get(0).getPublicKey()));
  }

  /** A PEM private key (PKCS#8, or PKCS#1 RSA / SEC1 EC, unencrypted). */
  private static java.security.PrivateKey readKey(Path key, Path certChain) {
    Object o;
    try (org.bouncycastle.openssl.PEMParser p = new org.bouncycastle.openssl.PEMParser(Files.newBufferedReader(key))) {
      o = p.readObject();
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(key + ": not a private key for " + certChain + " (" + oneLine(e) + ")");
    }
    try {
      org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter conv = new org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter();
      if (o instanceof org.bouncycastle.openssl.PEMKeyPair kp) {
        return conv.getKeyPair(kp).getPrivate();
      }
      if (o instanceof org.bouncycastle.asn1.pkcs.PrivateKeyInfo info) {
        return conv.getPrivateKey(info);
      }
    } catch (IOException e) {
      throw new IllegalArgumentException(key + ": not a private key for " + certChain + " (" + oneLine(e) + ")");
    }
    throw new IllegalArgumentException(key + ": not a private key for " + certChain
        + (o == null ? " (no PEM private key in it)" : " (an encrypted or unknown key: " + o.getClass().getSimpleName() + ")"));
  }

  /** Whether {@code key} signs what {@code pub} verifies. */
  private static boolean matches(java.security.PrivateKey key, java.security.PublicKey pub) {
    String alg = switch (key.getAlgorithm()) {
      case "EC", "ECDSA" -> "SHA256withECDSA";
      case "RSA" -> "SHA256withRSA";
      case "Ed25519", "EdDSA" -> "Ed25519";
      default -> null;
    };
    if (alg == null || !key.getAlgorithm().equals(pub.getAlgorithm()) && !(alg.equals("SHA256withECDSA") && pub.getAlgorithm().startsWith("EC"))) {
      return alg == null; // an algorithm we cannot check here: let the handshake tell
    }
    try {
      byte[] probe = "wschaos".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      java.security.Signature s = java.security.Signature.getInstance(alg);
      s.initSign(key);
      s.update(probe);
      byte[] sig = s.sign();
      java.security.Signature v = java.security.Signature.getInstance(alg);
      v.initVerify(pub);
      v.update(probe);
      return v.verify(sig);
    } catch (java.security.GeneralSecurityException e) {
      return false;
    }
  }

  private static String oneLine(Exception e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    return m.replaceAll("\\s+", " ").trim();
  }

  private static SslContext context(CertificateAuthority.Issued issued) {
    try {
      return SslContextBuilder.forServer(issued.key(), issued.chain()).build();
    } catch (SSLException e) {
      throw new IllegalStateException("cannot set TLS up: " + e.getMessage(), e);
    }
  }

  /** The context for a connection: the good one for null, else the fault's certificate. */
  SslContext context(TlsMode mode) {
    return mode == null || !mode.presentsCertificate() ? good : faulty.get(mode);
  }

  /** The run's authority, whose root clients trust (NODE_EXTRA_CA_CERTS). */
  public CertificateAuthority ca() {
    return ca;
  }

  /** base64 SHA-256 of the good certificate's key (Chromium's --ignore-certificate-errors-spki-list). */
  public String goodSpki() {
    return goodSpki;
  }
}
