package dev.latchkey.message;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.json.Json;
import dev.latchkey.server.ServerConfig;
import dev.latchkey.support.AuthenticatorDevice;
import dev.latchkey.support.Backend;
import dev.latchkey.support.Mailbox;
import dev.latchkey.support.PasskeyEmulator;
import dev.latchkey.support.TestServer;
import dev.latchkey.support.TestServer.Reply;
import dev.latchkey.support.TestServer.TestTenant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The user hears of every change to how their account signs in (ASVS 4.0.3 2.5.5): backup codes made or remade, a
 * passkey added or removed, the password changed, each by email over real SMTP, whoever made the change.
 */
class SecurityNoticeTest {
    @Test
    void everyChangeOfAFactorOrThePasswordIsToldByEmail() {
        try (Mailbox mail = new Mailbox(); TestServer s = new TestServer(Backend.H2, new TestServer.Options(new ServerConfig.Messaging(null,
                new DeliverySettings.Smtp("127.0.0.1", mail.port(), "none", null, null, "no-reply@latchkey.test"),
                ServerConfig.Messaging.NONE.sms(), 100, 60_000, null), new ServerConfig.Risk(null, "127.0.0.1")))) {
            TestTenant t = s.tenant("{\"Name\":\"Acme\",\"TwoFactorAuthentication\":{\"IsEnabled\":true},"
                    + "\"PassKeysConfig\":{\"IsEnabled\":true,\"RPID\":\"localhost\",\"RPOrigins\":[\"http://localhost:8080\"]}}");
            String email = "noticed@example.com";
            String uid = t.account(email, "noticed-password");
            List<String> codes = t.backupCodes(uid); // by the admin: "New backup codes were made"
            Reply login = t.redeem(t.secondFactorToken(email, "noticed-password"), codes.get(0));
            String access = login.text("access_token");
            PasskeyEmulator pk = new PasskeyEmulator("http://localhost:8080");
            JsonNode begin = s.get("/identity/v2/auth/account/2fa/register/passkey/begin?apikey=" + t.apiKey(), "Authorization", "Bearer " + access).json();
            Reply added = s.send("POST", "/identity/v2/auth/account/2fa/register/passkey/finish?apikey=" + t.apiKey(),
                    Json.write(pk.register(begin.get("RegisterBeginCredential").get("publicKey"))), "Authorization", "Bearer " + access,
                    "X-Forwarded-For", "81.2.69.142");
            assertThat(added.status()).as(added.raw()).isEqualTo(200);
            assertThat(s.send("DELETE", "/identity/v2/auth/account/passkey/" + added.text("Id") + "?apikey=" + t.apiKey(), "{}",
                    "Authorization", "Bearer " + access).status()).isEqualTo(200);
            assertThat(t.manage("PUT", "/identity/v2/manage/account/" + uid, "{\"Password\":\"renewed-password\"}").status()).isEqualTo(200);

            List<Mailbox.Mail> mails = mail.await(email, 4);
            // Sent by the outbox's dispatcher, several at a time: in any order.
            assertThat(mails).extracting(Mailbox.Mail::subject).containsExactlyInAnyOrder(
                    "Acme: New backup codes were made (the old ones no longer work)", "Acme: A passkey was added",
                    "Acme: A passkey was removed", "Acme: The password was changed");
            Mailbox.Mail passkey = mails.stream().filter(m -> m.subject().equals("Acme: A passkey was added")).findFirst().orElseThrow();
            assertThat(passkey.from()).contains("no-reply@latchkey.test");
            assertThat(passkey.text()).contains("A passkey was added on your Acme account.").contains("From: 81.2.69.142");
            assertThat(passkey.html()).contains("<b>A passkey was added</b>");
            // A change of the profile that is not about signing in sends nothing.
            t.manage("PUT", "/identity/v2/manage/account/" + uid, "{\"LastName\":\"Quiet\"}");
            assertThat(mail.awaitExactly(email, 4)).hasSize(4);
        }
    }

    /**
     * The authenticator app set up and removed is told like every factor; a code replayed (right, but of a step already
     * used: someone saw it, or the app was copied) is refused, audited and told to the user (ASVS 4.0.3 2.8.5).
     */
    @Test
    void anAuthenticatorSetUpRemovedOrItsCodeReplayedIsToldByEmail() {
        try (Mailbox mail = new Mailbox(); TestServer s = new TestServer(Backend.H2, new TestServer.Options(new ServerConfig.Messaging(null,
                new DeliverySettings.Smtp("127.0.0.1", mail.port(), "none", null, null, "no-reply@latchkey.test"),
                ServerConfig.Messaging.NONE.sms(), 100, 60_000, null), new ServerConfig.Risk(null, "127.0.0.1")))) {
            TestTenant t = s.tenant("{\"Name\":\"Acme\",\"TwoFactorAuthentication\":{\"IsEnabled\":true}}");
            String email = "totp-noticed@example.com";
            String uid = t.account(email, "noticed-password");
            String access = t.login(email, "noticed-password").text("access_token");
            String manual = s.get("/identity/v2/auth/account/2fa?apikey=" + t.apiKey(), "Authorization", "Bearer " + access)
                    .json().get("ManualEntryCode").asText();
            AuthenticatorDevice app = new AuthenticatorDevice(manual);
            String code = app.code(s.clock.instant());
            assertThat(s.send("PUT", "/identity/v2/auth/account/2fa/verification/authenticatorcode?apikey=" + t.apiKey(),
                    "{\"authenticatorcode\":\"" + code + "\"}", "Authorization", "Bearer " + access, "Content-Type", "application/json")
                    .status()).isEqualTo(200);
            // The code that set it up, replayed at a login from another address.
            Reply replay = s.send("PUT", "/identity/v2/auth/login/2fa/verification/authenticatorcode?apikey=" + t.apiKey()
                            + "&secondfactorauthenticationtoken=" + t.secondFactorToken(email, "noticed-password"),
                    "{\"authenticatorcode\":\"" + code + "\"}", "Content-Type", "application/json", "X-Forwarded-For", "81.2.69.142");
            assertThat(replay.status()).isEqualTo(403);
            assertThat(replay.json().get("ErrorCode").asInt()).isEqualTo(1102);
            JsonNode audit = s.admin("GET", "/admin/v1/tenants/" + t.apiKey() + "/audit-events?uid=" + uid, null).json().get("Data");
            assertThat(audit.findValuesAsText("Details")).contains("authenticator code replayed (its step was already used)");
            assertThat(t.manage("DELETE", "/identity/v2/manage/account/2fa/authenticator?uid=" + uid, "{\"authenticator\":true}").status())
                    .isEqualTo(200);

            List<Mailbox.Mail> mails = mail.await(email, 3);
            assertThat(mails).extracting(Mailbox.Mail::subject).containsExactlyInAnyOrder("Acme: An authenticator app was set up",
                    "Acme: A used authenticator code was tried again", "Acme: The authenticator app was removed");
            Mailbox.Mail replayed = mails.stream().filter(m -> m.subject().contains("tried again")).findFirst().orElseThrow();
            assertThat(replayed.text()).contains("From: 81.2.69.142");
            // A wrong code (not a replay) sends nothing.
            s.clock.advance(java.time.Duration.ofSeconds(30));
            assertThat(mail.awaitExactly(email, 3)).hasSize(3);
        }
    }
}
