package dev.latchkey.message;

import dev.latchkey.outbox.OutboxDispatcher.Outcome;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Date;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Sends email over SMTP with Jakarta Mail (Angus Mail): plain, STARTTLS (required, never silently plain) or implicit TLS,
 * with credentials when given. SMTP is blocking, so it runs on a few threads of its own, never a request's; every
 * connection, read and write has a timeout. Refused recipients fail for good; anything else is retried.
 */
public final class SmtpMailer implements AutoCloseable {
    /**
     * One thread per delivery slot: with fewer, a server that never answers held every thread for its timeout and each
     * other tenant's mail, already claimed, queued behind it (4 threads: 0.4 mails a second for everyone). Threads that
     * have been idle a minute end.
     */
    static final int THREADS = MessageDispatcher.MAX_IN_FLIGHT;
    static final int TIMEOUT_MILLIS = 10_000;

    private final ExecutorService pool = pool();

    private static ExecutorService pool() {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(THREADS, THREADS, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "latchkey-smtp");
            t.setDaemon(true);
            return t;
        });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }
    /** TLS sockets that trust the system's CAs and the operator's extra certificates; null: the JVM's default. */
    private final SSLSocketFactory tls;

    public SmtpMailer() {
        this((Path) null);
    }

    /** {@code caFile}: PEM certificates to trust besides the system's (null: none). Throws when the file is unreadable. */
    public SmtpMailer(Path caFile) {
        this.tls = caFile == null ? null : trusting(caFile);
    }

    static SSLSocketFactory trusting(Path pem) {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            TrustManagerFactory system = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            system.init((KeyStore) null);
            int n = 0;
            for (TrustManager tm : system.getTrustManagers()) {
                if (tm instanceof X509TrustManager x) {
                    for (X509Certificate ca : x.getAcceptedIssuers()) {
                        store.setCertificateEntry("system-" + n++, ca);
                    }
                }
            }
            try (InputStream in = Files.newInputStream(pem)) {
                int added = 0;
                for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                    store.setCertificateEntry("extra-" + added++, c);
                }
                if (added == 0) {
                    throw new IllegalArgumentException("no PEM certificate in " + pem);
                }
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx.getSocketFactory();
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot read the SMTP CA file " + pem + ": " + e.getMessage(), e);
        }
    }

    public CompletableFuture<Outcome> send(DeliverySettings.Smtp s, String to, MessageTemplates.Rendered m, String messageId) {
        return CompletableFuture.supplyAsync(() -> sendNow(s, to, m, messageId), pool);
    }

    private Outcome sendNow(DeliverySettings.Smtp s, String to, MessageTemplates.Rendered m, String messageId) {
        try {
            Session session = Session.getInstance(properties(s, tls));
            MimeMessage msg = new MimeMessage(session);
            msg.setFrom(new InternetAddress(s.from()));
            msg.setRecipients(Message.RecipientType.TO, InternetAddress.parse(to, true));
            msg.setSubject(m.subject(), "UTF-8");
            msg.setSentDate(new Date());
            msg.setHeader("X-Latchkey-Message", messageId);
            if (m.html() == null) {
                msg.setText(m.text(), "UTF-8");
            } else {
                MimeMultipart alternative = new MimeMultipart("alternative");
                MimeBodyPart text = new MimeBodyPart();
                text.setText(m.text(), "UTF-8");
                MimeBodyPart html = new MimeBodyPart();
                html.setText(m.html(), "UTF-8", "html");
                alternative.addBodyPart(text);
                alternative.addBodyPart(html);
                msg.setContent(alternative);
            }
            msg.saveChanges();
            // The protocol named explicitly: Transport.send would pick plain "smtp" for any internet address.
            try (Transport transport = session.getTransport("tls".equals(s.security()) ? "smtps" : "smtp")) {
                transport.connect(s.host(), s.port(), s.username(), s.password());
                transport.sendMessage(msg, msg.getAllRecipients());
            }
            return Outcome.DELIVERED;
        } catch (SendFailedException e) {
            // The server refused the recipient (5xx): sending again will not help. No valid-sent addresses means nothing went.
            return e.getInvalidAddresses() != null && e.getInvalidAddresses().length > 0
                    ? Outcome.fail("recipient refused: " + e.getMessage()) : Outcome.retry(e.toString());
        } catch (MessagingException | RuntimeException e) {
            return Outcome.retry(e.toString());
        }
    }

    static Properties properties(DeliverySettings.Smtp s, SSLSocketFactory tls) {
        Properties p = new Properties();
        String proto = "tls".equals(s.security()) ? "smtps" : "smtp";
        p.put("mail.transport.protocol", proto);
        p.put("mail." + proto + ".host", s.host());
        p.put("mail." + proto + ".port", String.valueOf(s.port()));
        p.put("mail." + proto + ".auth", String.valueOf(s.username() != null));
        p.put("mail." + proto + ".connectiontimeout", String.valueOf(TIMEOUT_MILLIS));
        p.put("mail." + proto + ".timeout", String.valueOf(TIMEOUT_MILLIS));
        p.put("mail." + proto + ".writetimeout", String.valueOf(TIMEOUT_MILLIS));
        if ("starttls".equals(s.security())) {
            p.put("mail.smtp.starttls.enable", "true");
            p.put("mail.smtp.starttls.required", "true");
        }
        if (!"none".equals(s.security())) {
            p.put("mail." + proto + ".ssl.checkserveridentity", "true");
            if (tls != null) {
                p.put("mail." + proto + ".ssl.socketFactory", tls); // used for implicit TLS and for STARTTLS alike
            }
        }
        return p;
    }

    @Override
    public void close() {
        dev.latchkey.store.Background.stop(pool, "the SMTP senders");
    }
}
