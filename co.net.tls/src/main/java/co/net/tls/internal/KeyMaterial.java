package co.net.tls.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/** Loads keys and trusted certificates from PKCS12 and PEM files for {@code TlsConfig}. */
public final class KeyMaterial {

    /** The password of the in-memory key store made from PEM files. */
    public static final char[] PEM_PASSWORD = new char[0];

    private static final String[] KEY_ALGORITHMS = {"RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS", "DSA"};

    private KeyMaterial() {
    }

    /**
     * Loads a PKCS12 file.
     *
     * @param file the file
     * @param password its password, or null
     * @return the store
     * @throws IllegalArgumentException if it cannot be read
     */
    public static KeyStore loadPkcs12(Path file, char[] password) {
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, password);
            return ks;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("co.net.tls: cannot load PKCS12 " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Key managers over a store.
     *
     * @param store the store
     * @param password the key password
     * @return the managers
     */
    public static KeyManager[] keyManagers(KeyStore store, char[] password) {
        try {
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(store, password == null ? new char[0] : password);
            return kmf.getKeyManagers();
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("co.net.tls: cannot use the key store: " + e.getMessage(), e);
        }
    }

    /**
     * Trust managers that trust exactly the certificates of a store.
     *
     * @param store the store
     * @return the managers
     */
    public static TrustManager[] trustManagers(KeyStore store) {
        try {
            if (store.size() == 0) {
                throw new IllegalArgumentException("co.net.tls: the trust store holds no certificates");
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            return tmf.getTrustManagers();
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("co.net.tls: cannot use the trust store: " + e.getMessage(), e);
        }
    }

    /**
     * A store with the certificates of a PEM file as trusted entries.
     *
     * @param file the PEM file
     * @return the store
     */
    public static KeyStore pemTrustStore(Path file) {
        List<Certificate> certs = certificates(file);
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            for (int i = 0; i < certs.size(); i++) {
                ks.setCertificateEntry("ca-" + i, certs.get(i));
            }
            return ks;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("co.net.tls: cannot build a trust store from " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * A store with one key entry made from PEM files.
     *
     * @param chainFile the certificate chain, leaf first
     * @param keyFile the private key
     * @return the store, password {@link #PEM_PASSWORD}
     */
    public static KeyStore pemKeyStore(Path chainFile, Path keyFile) {
        List<Certificate> chain = certificates(chainFile);
        PrivateKey key = privateKey(keyFile);
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("key", key, PEM_PASSWORD, chain.toArray(new Certificate[0]));
            return ks;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("co.net.tls: key in " + keyFile + " does not fit " + chainFile + ": "
                    + e.getMessage(), e);
        }
    }

    private static List<Certificate> certificates(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            // CertificateFactory reads PEM ("BEGIN CERTIFICATE") and DER alike.
            Collection<? extends Certificate> all = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (all.isEmpty()) {
                throw new IllegalArgumentException("co.net.tls: no certificate in " + file);
            }
            return new ArrayList<>(all);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("co.net.tls: cannot read certificates from " + file + ": " + e.getMessage(), e);
        }
    }

    private static PrivateKey privateKey(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalArgumentException("co.net.tls: cannot read " + file + ": " + e.getMessage(), e);
        }
        byte[] pkcs8;
        if (text.contains("-----BEGIN PRIVATE KEY-----")) {
            pkcs8 = pemBody(text, "PRIVATE KEY");
        } else if (text.contains("-----BEGIN RSA PRIVATE KEY-----")) {
            pkcs8 = rsaPkcs1ToPkcs8(pemBody(text, "RSA PRIVATE KEY"));
        } else {
            throw new IllegalArgumentException("co.net.tls: " + file + " holds no unencrypted PKCS#8 (BEGIN PRIVATE KEY) "
                    + "or PKCS#1 RSA (BEGIN RSA PRIVATE KEY) key; for encrypted keys use a PKCS12 file");
        }
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(pkcs8);
        for (String alg : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(alg).generatePrivate(spec);
            } catch (GeneralSecurityException | RuntimeException ignored) {
                // try the next algorithm
            }
        }
        throw new IllegalArgumentException("co.net.tls: unsupported private key in " + file);
    }

    private static byte[] pemBody(String text, String label) {
        String begin = "-----BEGIN " + label + "-----";
        String end = "-----END " + label + "-----";
        int b = text.indexOf(begin);
        int e = text.indexOf(end, b);
        if (b < 0 || e < 0) {
            throw new IllegalArgumentException("co.net.tls: malformed PEM block " + label);
        }
        return Base64.getMimeDecoder().decode(text.substring(b + begin.length(), e));
    }

    /** Wraps a PKCS#1 RSAPrivateKey in a PKCS#8 PrivateKeyInfo. */
    private static byte[] rsaPkcs1ToPkcs8(byte[] pkcs1) {
        byte[] algorithm = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01,
            0x01, 0x05, 0x00};
        byte[] version = {0x02, 0x01, 0x00};
        byte[] octets = der(0x04, pkcs1);
        byte[] body = new byte[version.length + algorithm.length + octets.length];
        System.arraycopy(version, 0, body, 0, version.length);
        System.arraycopy(algorithm, 0, body, version.length, algorithm.length);
        System.arraycopy(octets, 0, body, version.length + algorithm.length, octets.length);
        return der(0x30, body);
    }

    private static byte[] der(int tag, byte[] content) {
        int n = content.length;
        byte[] len;
        if (n < 0x80) {
            len = new byte[] {(byte) n};
        } else if (n < 0x100) {
            len = new byte[] {(byte) 0x81, (byte) n};
        } else if (n < 0x10000) {
            len = new byte[] {(byte) 0x82, (byte) (n >> 8), (byte) n};
        } else {
            len = new byte[] {(byte) 0x83, (byte) (n >> 16), (byte) (n >> 8), (byte) n};
        }
        byte[] out = new byte[1 + len.length + n];
        out[0] = (byte) tag;
        System.arraycopy(len, 0, out, 1, len.length);
        System.arraycopy(content, 0, out, 1 + len.length, n);
        return out;
    }
}
