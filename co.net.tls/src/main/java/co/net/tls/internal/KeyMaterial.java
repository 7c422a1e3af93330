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
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKey;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/** Loads keys and trusted certificates from PKCS12 and PEM files for {@code TlsConfig}. */
public final class KeyMaterial {

    /**
     * The password of the in-memory key store made from PEM files: empty, as the store never leaves
     * this class. Private, and never handed out: a shared array could be changed by anyone.
     */
    private static final char[] PEM_PASSWORD = new char[0];

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
     * Key managers over the certificate chain and private key in PEM files.
     *
     * @param chainFile the certificate chain, leaf first
     * @param keyFile the private key
     * @param password the password of an encrypted key, or null
     * @return the key managers
     * @throws IllegalArgumentException if the files cannot be read or do not fit together
     */
    public static KeyManager[] pemKeyManagers(Path chainFile, Path keyFile, char[] password) {
        return keyManagers(pemKeyStore(chainFile, keyFile, password), PEM_PASSWORD);
    }

    /**
     * A store with one key entry made from PEM files.
     *
     * @param chainFile the certificate chain, leaf first
     * @param keyFile the private key
     * @param password the password of an encrypted key, or null
     * @return the store, its key entry protected by {@link #PEM_PASSWORD}
     */
    private static KeyStore pemKeyStore(Path chainFile, Path keyFile, char[] password) {
        List<Certificate> chain = certificates(chainFile);
        PrivateKey key = privateKey(keyFile, password);
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

    private static PrivateKey privateKey(Path file, char[] password) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalArgumentException("co.net.tls: cannot read " + file + ": " + e.getMessage(), e);
        }
        byte[] pkcs8;
        if (text.contains("Proc-Type: 4,ENCRYPTED")) {
            // Checked first: this legacy form also says BEGIN RSA/EC PRIVATE KEY.
            throw new IllegalArgumentException("co.net.tls: " + file + " is encrypted in OpenSSL's legacy PEM format "
                    + "(Proc-Type: 4,ENCRYPTED), which is not read; convert it to encrypted PKCS#8 with "
                    + "'openssl pkcs8 -topk8 -in KEY -out KEY.p8.pem', or use a PKCS12 file");
        } else if (text.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----")) {
            if (password == null) {
                throw new IllegalArgumentException("co.net.tls: " + file + " holds an encrypted private key; "
                        + "give its password");
            }
            pkcs8 = decrypt(file, pemBody(text, "ENCRYPTED PRIVATE KEY"), password);
        } else if (text.contains("-----BEGIN PRIVATE KEY-----")) {
            pkcs8 = pemBody(text, "PRIVATE KEY");
        } else if (text.contains("-----BEGIN RSA PRIVATE KEY-----")) {
            pkcs8 = rsaPkcs1ToPkcs8(pemBody(text, "RSA PRIVATE KEY"));
        } else if (text.contains("-----BEGIN EC PRIVATE KEY-----")) {
            pkcs8 = ecSec1ToPkcs8(file, pemBody(text, "EC PRIVATE KEY"));
        } else {
            throw new IllegalArgumentException("co.net.tls: " + file + " holds no private key: expected BEGIN PRIVATE KEY "
                    + "(PKCS#8), BEGIN ENCRYPTED PRIVATE KEY (encrypted PKCS#8), BEGIN RSA PRIVATE KEY (PKCS#1) or "
                    + "BEGIN EC PRIVATE KEY (SEC 1)");
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

    /** Decrypts an EncryptedPrivateKeyInfo (PKCS#8 with PBES2 or PKCS#12 PBE, as OpenSSL writes it). */
    private static byte[] decrypt(Path file, byte[] der, char[] password) {
        String algorithm = "?";
        try {
            EncryptedPrivateKeyInfo info = new EncryptedPrivateKeyInfo(der);
            algorithm = info.getAlgName();
            SecretKey secret = SecretKeyFactory.getInstance(algorithm).generateSecret(new PBEKeySpec(password));
            Cipher cipher = Cipher.getInstance(algorithm);
            cipher.init(Cipher.DECRYPT_MODE, secret, info.getAlgParameters());
            return info.getKeySpec(cipher).getEncoded();
        } catch (InvalidKeySpecException e) {
            throw new IllegalArgumentException("co.net.tls: cannot decrypt the private key in " + file
                    + ": wrong password?", e);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("co.net.tls: cannot decrypt the private key in " + file + " (" + algorithm
                    + "): " + e.getMessage(), e);
        }
    }

    /** The DER of the OID id-ecPublicKey (1.2.840.10045.2.1). */
    private static final byte[] EC_PUBLIC_KEY_OID = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};

    /**
     * Wraps a SEC 1 ECPrivateKey ({@code SEQUENCE {version, privateKey, [0] parameters, [1] publicKey}})
     * in a PKCS#8 PrivateKeyInfo whose algorithm names the curve given in {@code [0]}.
     */
    private static byte[] ecSec1ToPkcs8(Path file, byte[] sec1) {
        byte[] curve = null;
        int[] seq = tlv(file, sec1, 0);
        for (int p = seq[1]; p < seq[2];) {
            int[] field = tlv(file, sec1, p);
            if (field[0] == 0xa0) {
                int[] oid = tlv(file, sec1, field[1]);
                if (oid[0] == 0x06) {
                    curve = java.util.Arrays.copyOfRange(sec1, field[1], oid[2]);
                }
            }
            p = field[2];
        }
        if (curve == null) {
            throw new IllegalArgumentException("co.net.tls: the EC key in " + file + " names no curve; write it as "
                    + "PKCS#8 ('openssl pkcs8 -topk8 -nocrypt')");
        }
        byte[] algorithm = der(0x30, concat(EC_PUBLIC_KEY_OID, curve));
        return der(0x30, concat(new byte[] {0x02, 0x01, 0x00}, algorithm, der(0x04, sec1)));
    }

    /**
     * Reads the DER tag and length at {@code off}.
     *
     * @return {tag, start of the content, end of the content}
     */
    private static int[] tlv(Path file, byte[] b, int off) {
        if (off + 2 > b.length) {
            throw new IllegalArgumentException("co.net.tls: malformed key in " + file);
        }
        int tag = b[off] & 0xff;
        int len = b[off + 1] & 0xff;
        int p = off + 2;
        if (len >= 0x80) {
            int n = len & 0x7f;
            if (n == 0 || n > 3 || p + n > b.length) {
                throw new IllegalArgumentException("co.net.tls: malformed key in " + file);
            }
            len = 0;
            for (int i = 0; i < n; i++) {
                len = (len << 8) | (b[p++] & 0xff);
            }
        }
        if (p + len > b.length) {
            throw new IllegalArgumentException("co.net.tls: malformed key in " + file);
        }
        return new int[] {tag, p, p + len};
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] part : parts) {
            n += part.length;
        }
        byte[] out = new byte[n];
        int p = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, out, p, part.length);
            p += part.length;
        }
        return out;
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
        return der(0x30, concat(version, algorithm, der(0x04, pkcs1)));
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
