package dev.latchkey.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.support.JarNode;
import dev.latchkey.support.Mailbox;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Mail queued while the SMTP server is down survives a node killed with SIGKILL: after a restart (the SMTP server now up)
 * every message is sent, each exactly once.
 */
class MailCrashIT {
    static final String ADMIN = "mail-crash-admin-key-0123456789abcdefghij";
    static final String SECRET = "mail-crash-secret-key-0123456789abcdef";
    static final Map<String, String> ENV = Map.of("LATCHKEY_ALLOW_INSECURE_HASHING", "for-benchmarks-and-tests");
    static final int USERS = 10;

    @Test
    void queuedMailIsSentOnceAfterARestart() throws Exception {
        int smtpPort;
        try (ServerSocket free = new ServerSocket(0)) {
            smtpPort = free.getLocalPort(); // nobody listens here until the mailbox starts below
        }
        Path dir = Files.createTempDirectory("latchkey-mail-crash");
        String[] args = {"--data-dir", dir.toString(), "--admin-key", ADMIN, "--secret-key", SECRET, "--password-hashing", "minimal",
            "--smtp-host", "127.0.0.1", "--smtp-port", String.valueOf(smtpPort), "--smtp-security", "none",
            "--mail-from", "no-reply@latchkey.test", "--trusted-proxies", "127.0.0.1"};
        List<String> emails = new ArrayList<>();
        JarNode node = JarNode.start(ENV, args);
        try {
            JarNode.Reply tenant = node.send("POST", "/admin/v1/tenants",
                    "{\"RiskBasedAuthentication\":{\"IP\":{\"IsEnabled\":true}}}", "Authorization", "Bearer " + ADMIN);
            String apiKey = tenant.json().get("ApiKey").asText();
            String q = "?apikey=" + apiKey + "&apisecret=" + tenant.json().get("ApiSecret").asText();
            for (int i = 0; i < USERS; i++) {
                String email = "crash-" + i + "-" + UUID.randomUUID() + "@example.com";
                emails.add(email);
                assertThat(node.send("POST", "/identity/v2/manage/account" + q, "{\"Email\":[{\"Type\":\"Primary\",\"Value\":\"" + email
                        + "\"}],\"Password\":\"crash-pass-1\"}").status()).isEqualTo(200);
                for (String ip : new String[] {"81.2.69." + (i + 1), "81.2.69." + (i + 101)}) {
                    assertThat(node.send("POST", "/identity/v2/auth/login/2fa?apikey=" + apiKey,
                            "{\"email\":\"" + email + "\",\"password\":\"crash-pass-1\"}", "X-Forwarded-For", ip).status()).isEqualTo(200);
                }
            }
            Thread.sleep(500); // some attempts fail (connection refused) and are rescheduled
            JarNode.Reply pending = node.send("GET", "/admin/v1/tenants/" + apiKey + "/messages?status=pending", null, "Authorization", "Bearer " + ADMIN);
            assertThat(pending.json().get("Data")).hasSize(USERS);
        } finally {
            node.kill();
        }

        try (Mailbox mail = new Mailbox(smtpPort)) {
            JarNode again = JarNode.start(ENV, args);
            try {
                long deadline = System.currentTimeMillis() + 60_000;
                while (mail.all().size() < USERS && System.currentTimeMillis() < deadline) {
                    Thread.sleep(100);
                }
                Thread.sleep(2_000); // and nothing is sent twice
                assertThat(mail.all()).hasSize(USERS);
                for (String email : emails) {
                    List<Mailbox.Mail> got = mail.to(email);
                    assertThat(got).hasSize(1);
                    assertThat(got.get(0).subject()).isEqualTo("New sign-in to Tenant from a new IP address");
                }
            } finally {
                again.stop();
            }
        }
    }
}
