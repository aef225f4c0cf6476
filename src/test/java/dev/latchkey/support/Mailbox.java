package dev.latchkey.support;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Address;
import jakarta.mail.BodyPart;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/** A real SMTP server (GreenMail) on a free loopback port, and the mail it received, as tests read it. */
public final class Mailbox implements AutoCloseable {
    /** One received email: its envelope headers and both parts (html null for a text-only mail). */
    public record Mail(String from, List<String> to, String subject, String text, String html, String messageId) {}

    private final GreenMail smtp;
    private volatile Predicate<Mail> ignored = m -> false;

    public Mailbox() {
        this(0);
    }

    /** On {@code port} (0: any free one). */
    public Mailbox(int port) {
        ServerSetup setup = new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP);
        this.smtp = new GreenMail(port == 0 ? setup.dynamicPort() : setup);
        smtp.start();
    }

    /**
     * Leaves out of every answer the mail {@code which} matches (e.g. security notices, in tests about other mail).
     */
    public Mailbox ignoring(Predicate<Mail> which) {
        this.ignored = which;
        return this;
    }

    /** A security notice (template latchkey-security-notice): "{tenant}: {what changed}". */
    public static boolean securityNotice(Mail m) {
        return m.text() != null && m.text().contains("check your second factors and change your password");
    }

    public int port() {
        return smtp.getSmtp().getPort();
    }

    /** Every mail received so far, in order. */
    public List<Mail> all() {
        List<Mail> out = new ArrayList<>();
        for (MimeMessage m : smtp.getReceivedMessages()) {
            Mail mail = read(m);
            if (!ignored.test(mail)) {
                out.add(mail);
            }
        }
        return out;
    }

    /** The mail received for {@code address} (case-insensitive). */
    public List<Mail> to(String address) {
        return all().stream().filter(m -> m.to().contains(address.toLowerCase(Locale.ROOT))).toList();
    }

    /** Waits up to 15 s until {@code address} has received {@code count} mails; returns them. */
    public List<Mail> await(String address, int count) {
        long deadline = System.currentTimeMillis() + 15_000;
        List<Mail> got = to(address);
        while (got.size() < count && System.currentTimeMillis() < deadline) {
            sleep(50);
            got = to(address);
        }
        return got;
    }

    /** Waits up to 15 s for {@code count} mails for {@code address}, then a little longer to see that no more come. */
    public List<Mail> awaitExactly(String address, int count) {
        await(address, count);
        sleep(600);
        return to(address);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Mail read(MimeMessage m) {
        try {
            String text = null;
            String html = null;
            Object content = m.getContent();
            if (content instanceof MimeMultipart mp) {
                for (int i = 0; i < mp.getCount(); i++) {
                    BodyPart part = mp.getBodyPart(i);
                    if (part.isMimeType("text/plain")) {
                        text = (String) part.getContent();
                    } else if (part.isMimeType("text/html")) {
                        html = (String) part.getContent();
                    }
                }
            } else {
                text = (String) content;
            }
            Address[] to = m.getRecipients(Message.RecipientType.TO);
            return new Mail(m.getFrom()[0].toString(),
                    to == null ? List.of() : Arrays.stream(to).map(a -> a.toString().toLowerCase(Locale.ROOT)).toList(),
                    m.getSubject(), text, html, m.getHeader("X-Latchkey-Message", null));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        smtp.stop();
    }
}
