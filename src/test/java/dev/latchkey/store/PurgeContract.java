package dev.latchkey.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.support.ServerContract;
import dev.latchkey.support.TestServer.Reply;
import dev.latchkey.support.TestServer.TestTenant;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Bounded growth: expired tokens, 2FA tokens, one-click links, WebAuthn challenges and throttling rows are purged, risk
 * events, failed deliveries and the audit trail after their retention; and a session cannot pile up passkey ceremonies.
 */
abstract class PurgeContract extends ServerContract {
    private long count(String table) {
        return s.server.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM " + table).mapTo(Long.class).one());
    }

    @Test
    void whatHasExpiredOrOutlivedItsRetentionIsPurged() {
        TestTenant t = s.tenant("{\"TwoFactorAuthentication\":{\"IsEnabled\":true},"
                + "\"PassKeysConfig\":{\"IsEnabled\":true,\"RPID\":\"localhost\",\"RPOrigins\":[\"http://localhost:8080\"]}}");
        String email = "purge-" + UUID.randomUUID() + "@example.com";
        String uid = t.account(email, "purge-password");
        List<String> codes = t.backupCodes(uid);
        Reply login = t.redeem(t.secondFactorToken(email, "purge-password"), codes.get(0));
        String pending = t.secondFactorToken(email, "purge-password");
        assertThat(s.get("/identity/v2/auth/login/2fa/passkey/begin?apikey=" + t.apiKey() + "&secondfactorauthenticationtoken=" + pending)
                .json().path("ErrorCode").asInt()).isEqualTo(1328);
        s.get("/identity/v2/auth/account/2fa/register/passkey/begin?apikey=" + t.apiKey(), "Authorization", "Bearer " + login.text("access_token"));
        // An authenticator app shown for enrollment and never confirmed.
        assertThat(s.get("/identity/v2/auth/account/2fa?apikey=" + t.apiKey(), "Authorization", "Bearer " + login.text("access_token"))
                .json().get("ManualEntryCode").isTextual()).isTrue();
        t.login("nobody-" + email, "wrong-password");
        Map<String, Integer> none = s.server.purgeNow();
        assertThat(count("access_tokens")).isPositive();

        // Two months on: every token, challenge and throttling row has expired; the audit trail is kept for a year.
        s.clock.advance(Duration.ofDays(62));
        long auditBefore = count("audit_events");
        Map<String, Integer> purged = s.server.purgeNow();
        assertThat(purged.get("access_tokens")).isPositive();
        assertThat(purged.get("refresh_tokens")).isPositive();
        assertThat(purged.get("second_factor_tokens")).isPositive();
        assertThat(purged.get("webauthn_challenges")).isPositive();
        assertThat(purged.get("login_throttle")).isPositive();
        assertThat(purged.get("authenticator_enrollments")).isPositive();
        assertThat(count("authenticator_enrollments")).isZero();
        assertThat(count("access_tokens")).isZero();
        assertThat(count("refresh_tokens")).isZero();
        assertThat(count("second_factor_tokens")).isZero();
        assertThat(count("webauthn_challenges")).isZero();
        assertThat(count("login_throttle")).isZero();
        assertThat(count("audit_events")).isEqualTo(auditBefore);
        s.clock.advance(Duration.ofDays(366));
        s.server.purgeNow();
        assertThat(count("audit_events")).isZero();
        s.clock.advance(Duration.ofDays(-428));
        assertThat(none).isNotNull();
    }

    @Test
    void theLongLivedRowsAreFoundByTheirExpiry() {
        TestTenant t = s.mfaTenant(false);
        String uid = t.account("expiry-" + UUID.randomUUID() + "@example.com", "purge-password");
        long tenant = s.server.jdbi().withHandle(h -> h.createQuery("SELECT tenant_id FROM accounts WHERE uid = :u").bind("u", uid)
                .mapTo(Long.class).one());
        long now = s.clock.millis();
        // Thousands of rows that live long (a remembered device up to a year), none expired.
        s.server.jdbi().useTransaction(h -> {
            var devices = h.prepareBatch("INSERT INTO remembered_devices (id, tenant_id, uid, token_hash, created_at, expires_at) "
                    + "VALUES (:id, :t, :u, :id, :now, :until)");
            var links = h.prepareBatch("INSERT INTO account_links (token_hash, tenant_id, uid, kind, created_at, expires_at) "
                    + "VALUES (:id, :t, :u, 'verify', :now, :until)");
            for (int i = 0; i < 2_000; i++) {
                for (var batch : List.of(devices, links)) {
                    batch.bind("id", UUID.randomUUID().toString()).bind("t", tenant).bind("u", uid).bind("now", now)
                            .bind("until", now + 86_400_000L * (1 + i % 300)).add();
                }
            }
            devices.execute();
            links.execute();
        });
        java.util.List<String> deletes = new java.util.concurrent.CopyOnWriteArrayList<>();
        s.server.jdbi().setSqlLogger(new org.jdbi.v3.core.statement.SqlLogger() {
            @Override
            public void logAfterExecution(org.jdbi.v3.core.statement.StatementContext ctx) {
                if (ctx.getRenderedSql().startsWith("DELETE FROM remembered_devices") || ctx.getRenderedSql().startsWith("DELETE FROM account_links")) {
                    deletes.add(ctx.getRenderedSql());
                }
            }
        });
        try {
            s.server.purgeNow();
        } finally {
            s.server.jdbi().setSqlLogger(org.jdbi.v3.core.statement.SqlLogger.NOP_SQL_LOGGER);
        }
        assertThat(deletes).hasSize(2);
        if (backend() == dev.latchkey.support.Backend.POSTGRES) {
            // As autovacuum leaves a table that grew: with no statistics PostgreSQL guesses a third of the rows expired.
            s.server.jdbi().useHandle(h -> h.execute("ANALYZE remembered_devices, account_links"));
        }
        for (String delete : deletes) {
            String table = delete.split(" ")[2];
            String plan = s.server.jdbi().withHandle(h -> String.join("\n", h.createQuery("EXPLAIN " + delete).bind("now", now)
                    .mapTo(String.class).list())).toLowerCase(java.util.Locale.ROOT);
            assertThat(plan).as(table).contains(table + "_expires").doesNotContain("seq scan").doesNotContain("tablescan");
        }
    }

    @Test
    void anAccountKeepsAtMostFivePendingAuthenticatorSecrets() {
        TestTenant t = s.mfaTenant(false);
        String email = "totp-pile-" + UUID.randomUUID() + "@example.com";
        String uid = t.account(email, "pile-password-1");
        for (int i = 0; i < 30; i++) {
            String access = t.login(email, "pile-password-1").text("access_token");
            assertThat(s.get("/identity/v2/auth/account/2fa?apikey=" + t.apiKey(), "Authorization", "Bearer " + access).status()).isEqualTo(200);
        }
        long pending = s.server.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM authenticator_enrollments WHERE uid = :uid")
                .bind("uid", uid).mapTo(Long.class).one());
        assertThat(pending).isEqualTo(5);
    }

    @Test
    void aSessionCannotPileUpPasskeyCeremonies() {
        TestTenant t = s.tenant("{\"TwoFactorAuthentication\":{\"IsEnabled\":true},"
                + "\"PassKeysConfig\":{\"IsEnabled\":true,\"RPID\":\"localhost\",\"RPOrigins\":[\"http://localhost:8080\"]}}");
        String email = "ceremony-" + UUID.randomUUID() + "@example.com";
        t.account(email, "ceremony-password");
        String access = t.login(email, "ceremony-password").text("access_token");
        for (int i = 0; i < 50; i++) {
            Reply r = s.get("/identity/v2/auth/account/2fa/register/passkey/begin?apikey=" + t.apiKey(), "Authorization", "Bearer " + access);
            assertThat(r.status()).as(r.raw()).isEqualTo(200);
        }
        // Fifty begins, five rows: the newest five ceremonies.
        long live = s.server.jdbi().withHandle(h -> h.createQuery(
                "SELECT COUNT(*) FROM webauthn_challenges c JOIN accounts a ON a.uid = c.uid JOIN account_identifiers i ON i.uid = a.uid "
                        + "WHERE i.ident = :e").bind("e", email).mapTo(Long.class).one());
        assertThat(live).isEqualTo(5);
        // Another session of the same account keeps its own.
        String other = t.login(email, "ceremony-password").text("access_token");
        assertThat(s.get("/identity/v2/auth/account/2fa/register/passkey/begin?apikey=" + t.apiKey(), "Authorization", "Bearer " + other)
                .status()).isEqualTo(200);
    }
}
