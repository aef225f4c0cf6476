package dev.latchkey.message;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.latchkey.server.ServerConfig;
import dev.latchkey.support.Backend;
import dev.latchkey.support.TestServer;
import dev.latchkey.support.TestServer.Reply;
import dev.latchkey.support.TestServer.TestTenant;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Email over implicit TLS with credentials, to a real SMTPS server (GreenMail) whose certificate (for 127.0.0.1) is
 * signed by nobody the system trusts: delivered when the operator trusts it (--smtp-ca-file), with the tenant's own
 * SMTP settings and password; refused (and kept, retried) when the certificate is not trusted or the password is wrong.
 * GreenMail speaks no STARTTLS, so that mode is checked by the properties it sets.
 */
class SmtpTlsTest {
    static Path dir;
    static Path certificate;
    static GreenMail smtps;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("latchkey-smtps");
        Path keystore = dir.resolve("smtps.p12");
        certificate = dir.resolve("smtps.pem");
        keytool("-genkeypair", "-alias", "smtps", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=127.0.0.1",
                "-ext", "SAN=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore", keystore.toString(),
                "-storepass", "changeit", "-keypass", "changeit");
        keytool("-exportcert", "-rfc", "-alias", "smtps", "-keystore", keystore.toString(), "-storepass", "changeit", "-file", certificate.toString());
        Properties saved = (Properties) System.getProperties().clone();
        System.setProperty("greenmail.tls.keystore.file", keystore.toString());
        System.setProperty("greenmail.tls.keystore.password", "changeit");
        System.setProperty("greenmail.tls.key.password", "changeit");
        try {
            smtps = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTPS).dynamicPort())
                    .withConfiguration(new GreenMailConfiguration().withUser("mailer@acme.test", "mailer", "mailer-pass-1"));
            smtps.start();
        } finally {
            System.setProperties(saved);
        }
    }

    @AfterAll
    static void stop() {
        smtps.stop();
    }

    static void keytool(String... args) throws Exception {
        String[] cmd = new String[args.length + 1];
        cmd[0] = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        System.arraycopy(args, 0, cmd, 1, args.length);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(out).isZero();
    }

    static TestServer node(Path caFile) {
        return new TestServer(Backend.H2, new TestServer.Options(new ServerConfig.Messaging(null, ServerConfig.Messaging.NONE.smtp(),
                ServerConfig.Messaging.NONE.sms(), 100, 60_000, caFile), new ServerConfig.Risk(null, "127.0.0.1/32")));
    }

    /** A tenant with its own SMTP settings (implicit TLS, credentials) and the IP signal on; one risky login of a new user. */
    static String riskyLogin(TestServer s, String password) {
        TestTenant t = s.tenant("{\"Name\":\"Acme\",\"RiskBasedAuthentication\":{\"IP\":{\"IsEnabled\":true}},\"Email\":{\"SmtpHost\":\"127.0.0.1\","
                + "\"SmtpPort\":" + smtps.getSmtps().getPort() + ",\"Security\":\"tls\",\"Username\":\"mailer\",\"Password\":\"" + password + "\","
                + "\"From\":\"Acme <no-reply@acme.test>\"}}");
        String email = "tls-" + UUID.randomUUID() + "@example.com";
        t.account(email, "tls-password-1");
        for (String ip : new String[] {"81.2.69.142", "81.2.69.144"}) {
            Reply r = s.send("POST", "/identity/v2/auth/login/2fa?apikey=" + t.apiKey(), "{\"email\":\"" + email + "\",\"password\":\"tls-password-1\"}",
                    "Content-Type", "application/json", "X-Forwarded-For", ip);
            assertThat(r.status()).as(r.raw()).isEqualTo(200);
        }
        return t.apiKey();
    }

    static JsonNode awaitMessage(TestServer s, String apiKey, String status) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 15_000;
        JsonNode m = null;
        while (System.currentTimeMillis() < deadline) {
            JsonNode data = s.admin("GET", "/admin/v1/tenants/" + apiKey + "/messages", null).json().get("Data");
            m = data.isEmpty() ? null : data.get(0);
            if (m != null && (status.equals(m.get("Status").asText()) || (status.equals("retried") && m.get("Attempts").asInt() >= 2))) {
                return m;
            }
            Thread.sleep(50);
        }
        return m;
    }

    @Test
    void trustedCertificateAndRightPasswordDeliver() throws Exception {
        try (TestServer s = node(certificate)) {
            String apiKey = riskyLogin(s, "mailer-pass-1");
            assertThat(awaitMessage(s, apiKey, "delivered").get("Status").asText()).isEqualTo("delivered");
            assertThat(smtps.getReceivedMessages()).anySatisfy(m -> assertThat(m.getSubject()).isEqualTo("New sign-in to Acme from a new IP address"));
        }
    }

    @Test
    void anUntrustedCertificateIsRefused() throws Exception {
        try (TestServer s = node(null)) {
            JsonNode m = awaitMessage(s, riskyLogin(s, "mailer-pass-1"), "retried");
            assertThat(m.get("Status").asText()).isEqualTo("pending");
            assertThat(m.get("LastError").asText()).contains("SSLHandshakeException");
        }
    }

    @Test
    void aWrongPasswordIsRefused() throws Exception {
        try (TestServer s = node(certificate)) {
            JsonNode m = awaitMessage(s, riskyLogin(s, "wrong-password"), "retried");
            assertThat(m.get("Status").asText()).isEqualTo("pending");
            assertThat(m.get("LastError").asText()).contains("AuthenticationFailedException");
        }
    }

    @Test
    void startTlsIsNeverSilentlyPlain() throws Exception {
        // A real SMTP server that offers no STARTTLS: with Security starttls nothing is sent in the clear.
        try (dev.latchkey.support.Mailbox plain = new dev.latchkey.support.Mailbox(); TestServer s = node(certificate)) {
            TestTenant t = s.tenant("{\"Name\":\"Acme\",\"RiskBasedAuthentication\":{\"IP\":{\"IsEnabled\":true}},\"Email\":{\"SmtpHost\":\"127.0.0.1\","
                    + "\"SmtpPort\":" + plain.port() + ",\"Security\":\"starttls\",\"From\":\"no-reply@acme.test\"}}");
            String email = "starttls-" + UUID.randomUUID() + "@example.com";
            t.account(email, "tls-password-1");
            for (String ip : new String[] {"81.2.69.142", "81.2.69.144"}) {
                assertThat(s.send("POST", "/identity/v2/auth/login/2fa?apikey=" + t.apiKey(), "{\"email\":\"" + email + "\",\"password\":\"tls-password-1\"}",
                        "Content-Type", "application/json", "X-Forwarded-For", ip).status()).isEqualTo(200);
            }
            JsonNode m = awaitMessage(s, t.apiKey(), "retried");
            assertThat(m.get("Status").asText()).isEqualTo("pending");
            assertThat(m.get("LastError").asText()).contains("STARTTLS is required but host does not support STARTTLS");
            assertThat(plain.to(email)).isEmpty();
        }
    }

    @Test
    void startTlsIsRequiredNeverSilentlyPlainInTheProperties() {
        Properties p = SmtpMailer.properties(new DeliverySettings.Smtp("smtp.acme.test", 587, "starttls", "u", "p", "a@acme.test"),
                SmtpMailer.trusting(certificate));
        assertThat(p.getProperty("mail.transport.protocol")).isEqualTo("smtp");
        assertThat(p.getProperty("mail.smtp.starttls.enable")).isEqualTo("true");
        assertThat(p.getProperty("mail.smtp.starttls.required")).isEqualTo("true");
        assertThat(p.getProperty("mail.smtp.ssl.checkserveridentity")).isEqualTo("true");
        assertThat(p.get("mail.smtp.ssl.socketFactory")).isNotNull();
        assertThat(p.getProperty("mail.smtp.auth")).isEqualTo("true");
        Properties tls = SmtpMailer.properties(new DeliverySettings.Smtp("smtp.acme.test", 465, "tls", null, null, "a@acme.test"), null);
        assertThat(tls.getProperty("mail.transport.protocol")).isEqualTo("smtps");
        assertThat(tls.getProperty("mail.smtps.port")).isEqualTo("465");
        assertThat(tls.getProperty("mail.smtps.auth")).isEqualTo("false");
        assertThat(tls.getProperty("mail.smtp.starttls.enable")).isNull();
        Properties plain = SmtpMailer.properties(new DeliverySettings.Smtp("127.0.0.1", 25, "none", null, null, "a@acme.test"), null);
        assertThat(plain.getProperty("mail.smtp.starttls.enable")).isNull();
        assertThat(plain.getProperty("mail.smtp.ssl.checkserveridentity")).isNull();
    }
}
