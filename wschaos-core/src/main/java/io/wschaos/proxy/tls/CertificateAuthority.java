package io.wschaos.proxy.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate authority made for one run (EC P-256 keys, made in memory; nothing is shelled out):
 * the root a client is told to trust, and the server certificates it signs. Uses BouncyCastle's
 * certificate builder on the JDK's own crypto provider.
 */
public final class CertificateAuthority {
  private static final AtomicLong SERIALS = new AtomicLong(System.currentTimeMillis());
  private final String name;
  private final KeyPair keys;
  private final X509Certificate root;

  private CertificateAuthority(String name, KeyPair keys, X509Certificate root) {
    this.name = name;
    this.keys = keys;
    this.root = root;
  }

  /** A new self-signed root named {@code name}, valid from a day ago for 30 days. */
  public static CertificateAuthority create(String name) {
    KeyPair keys = newKeys();
    Instant now = Instant.now();
    X500Name subject = new X500Name("CN=" + name + ",O=wschaos");
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder b =
          new JcaX509v3CertificateBuilder(subject, serial(), Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(30))), subject, keys.getPublic())
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
              .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
              .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()));
      return new CertificateAuthority(name, keys, sign(b, keys.getPrivate()));
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot make a certificate authority: " + e.getMessage(), e);
    }
  }

  /** A key and the chain (leaf, root) to present. */
  public record Issued(PrivateKey key, List<X509Certificate> chain) {
    public X509Certificate leaf() {
      return chain.get(0);
    }

    /** base64 of the SHA-256 of the leaf's SubjectPublicKeyInfo: what Chromium's SPKI lists take. */
    public String spkiSha256() {
      return CertificateAuthority.spkiSha256(leaf().getPublicKey());
    }
  }

  /**
   * A server certificate with its own new key, for {@code dnsNames} and {@code ipAddresses}, valid
   * from {@code notBefore} to {@code notAfter}.
   */
  public Issued issue(String cn, List<String> dnsNames, List<String> ipAddresses, Instant notBefore, Instant notAfter) {
    KeyPair leafKeys = newKeys();
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      GeneralName[] names = new GeneralName[dnsNames.size() + ipAddresses.size()];
      int i = 0;
      for (String d : dnsNames) {
        names[i++] = new GeneralName(GeneralName.dNSName, d);
      }
      for (String ip : ipAddresses) {
        names[i++] = new GeneralName(GeneralName.iPAddress, ip);
      }
      X509v3CertificateBuilder b =
          new JcaX509v3CertificateBuilder(root, serial(), Date.from(notBefore), Date.from(notAfter), new X500Name("CN=" + cn + ",O=wschaos"), leafKeys.getPublic())
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
              .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
              .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
              .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names))
              .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(root))
              .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(leafKeys.getPublic()));
      return new Issued(leafKeys.getPrivate(), List.of(sign(b, keys.getPrivate()), root));
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot issue a certificate: " + e.getMessage(), e);
    }
  }

  public String name() {
    return name;
  }

  public X509Certificate root() {
    return root;
  }

  /** The root as PEM. */
  public String rootPem() {
    return pem(root);
  }

  /** Writes the root's PEM to {@code file} (what NODE_EXTRA_CA_CERTS points at). */
  public Path writeRoot(Path file) {
    try {
      if (file.getParent() != null) {
        Files.createDirectories(file.getParent());
      }
      Files.writeString(file, rootPem(), StandardCharsets.US_ASCII);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the CA certificate to " + file + ": " + e.getMessage(), e);
    }
  }

  /** base64 of the SHA-256 of a public key's DER SubjectPublicKeyInfo. */
  public static String spkiSha256(PublicKey key) {
    try {
      return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(key.getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** PEM text of certificates or a private key. */
  public static String pem(Object... objects) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      for (Object o : objects) {
        w.writeObject(o);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /** A private key as unencrypted PKCS#8 PEM ("BEGIN PRIVATE KEY"). */
  public static String pkcs8Pem(PrivateKey key) {
    try {
      return pem(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(key, null));
    } catch (org.bouncycastle.util.io.pem.PemGenerationException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A key store in memory holding {@code issued} (password "wschaos"), for JDK and Vert.x servers. */
  public static java.security.KeyStore keyStore(Issued issued) {
    try {
      java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry("server", issued.key(), "wschaos".toCharArray(), issued.chain().toArray(new X509Certificate[0]));
      return ks;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey by) throws GeneralSecurityException {
    try {
      ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(by);
      return new JcaX509CertificateConverter().getCertificate(b.build(signer));
    } catch (org.bouncycastle.operator.OperatorCreationException e) {
      throw new GeneralSecurityException(e.getMessage(), e);
    }
  }

  private static BigInteger serial() {
    return BigInteger.valueOf(SERIALS.incrementAndGet()).shiftLeft(16).or(BigInteger.valueOf(new SecureRandom().nextInt(1 << 16)));
  }

  private static KeyPair newKeys() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no EC P-256 keys in this JDK: " + e.getMessage(), e);
    }
  }
}
