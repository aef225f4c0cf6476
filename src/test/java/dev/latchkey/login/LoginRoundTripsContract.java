package dev.latchkey.login;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.support.ServerContract;
import dev.latchkey.support.TestServer.TestTenant;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.SqlLogger;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.core.transaction.DelegatingTransactionHandler;
import org.jdbi.v3.core.transaction.TransactionHandler;
import org.junit.jupiter.api.Test;

/**
 * What a login costs the database, counted statement by statement (issue 16): each statement is a round trip to
 * PostgreSQL, and so is each commit (counted as COMMIT); the count had grown from 11 to 21 for a full MFA login, and is 5 now. A new
 * statement on these paths must be worth its round trip; this test says how many there are, and which.
 */
abstract class LoginRoundTripsContract extends ServerContract {
    private final List<String> statements = Collections.synchronizedList(new ArrayList<>());

    private List<String> counting(Runnable call) {
        statements.clear();
        TransactionHandler handler = s.server.jdbi().getTransactionHandler();
        s.server.jdbi().setTransactionHandler(new DelegatingTransactionHandler(handler) {
            @Override
            public void savepoint(Handle handle, String name) {
                statements.add("SAVEPOINT " + name); // a round trip on PostgreSQL too
                super.savepoint(handle, name);
            }

            @Override
            public void commit(Handle handle) {
                statements.add("COMMIT"); // a round trip of its own on PostgreSQL
                super.commit(handle);
            }
        });
        s.server.jdbi().setSqlLogger(new SqlLogger() {
            @Override
            public void logAfterExecution(StatementContext context) {
                statements.add(context.getRenderedSql().replaceAll("\\s+", " ").trim());
            }

            @Override
            public void logException(StatementContext context, SQLException ex) {
                statements.add("FAILED " + context.getRenderedSql());
            }
        });
        try {
            call.run();
        } finally {
            s.server.jdbi().setSqlLogger(SqlLogger.NOP_SQL_LOGGER);
            s.server.jdbi().setTransactionHandler(handler);
        }
        // The background work of the node (outbox dispatchers, purges) is not the login's, nor is reading the tenant again
        // when its cached copy is over a second old (a slow machine).
        // The webhook dispatcher claims, reads and reschedules the outbox's rows (a login only inserts them).
        return statements.stream().filter(sql -> !sql.contains("_outbox WHERE status") && !sql.contains("imported_keys")
                && (!sql.contains("webhook_outbox") || sql.startsWith("INSERT INTO webhook_outbox"))
                && !sql.startsWith("SELECT * FROM tenants WHERE api_key")).toList();
    }

    @Test
    void aFullMfaLoginWithABackupCodeIsFiveRoundTripsOnPostgresql() {
        TestTenant t = s.mfaTenant(false);
        String email = "rt." + UUID.randomUUID() + "@example.com";
        String uid = t.account(email, "correct horse 1");
        List<String> codes = t.backupCodes(uid);
        t.redeem(t.secondFactorToken(email, "correct horse 1"), codes.get(0)); // the tenant cached, the account warm

        String[] token = new String[1];
        List<String> step1 = counting(() -> token[0] = t.secondFactorToken(email, "correct horse 1"));
        List<String> step2 = counting(() -> assertThat(t.redeem(token[0], codes.get(1)).status()).isEqualTo(200));

        // Step 1 on PostgreSQL, two statements each committed by itself: the address's throttle and the account read with
        // the attempt counted on it (the count comes back); after the password's check, the count reset, every factor asked
        // (its RETURNING reads them) and the 2FA token inserted. H2: the read, the count (committed by itself), then one
        // transaction of the row locked with the count reset, every factor asked, the 2FA token.
        assertThat(step1).as(String.join("\n", step1)).hasSize(postgres() ? 2 : 6);
        assertThat(step1.get(0)).contains("login_throttle").contains("account_identifiers");
        if (postgres()) {
            assertThat(step1.get(0)).startsWith("WITH pre AS (SELECT")
                    .contains("reserved AS (UPDATE accounts SET password_failures = password_failures + 1");
            assertThat(step1.get(1)).startsWith("WITH reset AS (UPDATE accounts SET password_failures = 0 WHERE uid = :uid RETURNING CASE WHEN EXISTS")
                    .contains("opened AS (INSERT INTO second_factor_tokens").endsWith("SELECT * FROM reset");
        } else {
            assertThat(step1.get(1)).startsWith("UPDATE accounts SET password_failures = password_failures + 1");
            assertThat(step1.get(2)).startsWith("UPDATE accounts SET password_failures = 0 WHERE uid = :uid");
            assertThat(step1.stream().filter(sql -> sql.contains("CASE WHEN EXISTS"))).hasSize(1);
        }
        assertThat(step1.stream().filter(sql -> sql.equals("COMMIT"))).hasSize(postgres() ? 0 : 1);
        // Step 2, one transaction: the token with its account, whose row it locks (one statement on PostgreSQL, two on H2),
        // then on PostgreSQL one statement for the rest, each write only if the one before it wrote (the code spent while the
        // token takes answers, the token spent, the login recorded with its count coming back, the refresh and access
        // tokens, the audit entry; the webhook subscriptions read), the commit. H2 spends the code, then runs each of the
        // rest as its own statement.
        // No savepoint: a wrong backup code writes nothing, so there is nothing to undo.
        assertThat(step2).as(String.join("\n", step2)).hasSize(postgres() ? 3 : 10);
        assertThat(step2.get(0)).contains("second_factor_tokens").contains("JOIN accounts");
        if (postgres()) {
            assertThat(step2.get(0)).endsWith("FOR UPDATE OF a");
            assertThat(step2.get(1)).startsWith("WITH verified AS (UPDATE backup_codes").contains("spent AS (UPDATE second_factor_tokens")
                    .contains("login AS (UPDATE accounts").contains("refresh AS (INSERT INTO refresh_tokens")
                    .contains("access AS (INSERT INTO access_tokens").contains("audit AS (INSERT INTO audit_events").contains("FROM webhooks");
        } else {
            assertThat(step2.get(1)).endsWith("FOR UPDATE");
            assertThat(step2.get(2)).startsWith("UPDATE backup_codes");
        }
        assertThat(step2.stream().filter(sql -> sql.equals("COMMIT"))).hasSize(1);
        assertThat(step2.stream().filter(sql -> sql.startsWith("SAVEPOINT"))).isEmpty();
        assertThat(step2.stream().filter(sql -> sql.startsWith("SELECT no_of_logins") || sql.startsWith("SELECT mfa_enrolled"))).isEmpty();
    }

    /**
     * The webhook subscriptions are read in step 2's one statement (PostgreSQL): each subscriber of Login gets its event,
     * with the profile as the login left it, and a subscriber of another event none; the outbox rows are the only
     * statements added.
     */
    @Test
    void theLoginsWebhookSubscribersAreReadInTheSameStatement() {
        TestTenant t = s.mfaTenant(false);
        for (String event : new String[] {"Login", "Login", "Register"}) {
            var r = t.manage("POST", "/v2/manage/webhook", "{\"Event\":\"" + event + "\",\"TargetUrl\":\"http://127.0.0.1:9/hook\"}");
            assertThat(r.status()).as(r.raw()).isEqualTo(200);
        }
        String email = "rt." + UUID.randomUUID() + "@example.com";
        String uid = t.account(email, "correct horse 1");
        List<String> codes = t.backupCodes(uid);
        // The first login remembers its network (a statement of its own); the second is counted.
        t.redeem(t.secondFactorToken(email, "correct horse 1"), codes.get(0));
        String token = t.secondFactorToken(email, "correct horse 1");
        List<String> step2 = counting(() -> assertThat(t.redeem(token, codes.get(1)).status()).isEqualTo(200));
        assertThat(step2).as(String.join("\n", step2)).hasSize(postgres() ? 5 : 12);
        assertThat(step2.stream().filter(sql -> sql.startsWith("INSERT INTO webhook_outbox"))).hasSize(2);

        List<com.fasterxml.jackson.databind.JsonNode> queued = s.server.jdbi().withHandle(h -> h.createQuery("""
                        SELECT o.payload FROM webhook_outbox o JOIN tenants n ON n.id = o.tenant_id WHERE n.api_key = :k""")
                .bind("k", t.apiKey()).mapTo(String.class).list()).stream().map(dev.latchkey.json.Json::parse).toList();
        List<String> loginHooks = s.server.jdbi().withHandle(h -> h.createQuery("""
                        SELECT w.id FROM webhooks w JOIN tenants n ON n.id = w.tenant_id WHERE n.api_key = :k AND w.event = 'Login'""")
                .bind("k", t.apiKey()).mapTo(String.class).list());
        assertThat(queued).hasSize(4);
        assertThat(queued).extracting(p -> p.get("HookId").asText()).containsExactlyInAnyOrderElementsOf(
                java.util.stream.Stream.concat(loginHooks.stream(), loginHooks.stream()).toList());
        assertThat(queued).allSatisfy(p -> {
            assertThat(p.get("HookName").asText()).isEqualTo("login");
            assertThat(p.at("/Data/Uid").asText()).isEqualTo(uid);
        });
        assertThat(queued).extracting(p -> p.at("/Data/NoOfLogins").asInt()).containsExactlyInAnyOrder(1, 1, 2, 2);
    }

    @Test
    void aRefreshIsOneRoundTripOnPostgresql() {
        TestTenant t = s.mfaTenant(false);
        String email = "rt." + UUID.randomUUID() + "@example.com";
        t.account(email, "correct horse 1");
        String refresh = t.login(email, "correct horse 1").text("refresh_token");
        String[] next = new String[1];
        List<String> refreshed = counting(() -> {
            var r = t.manage("GET", "/identity/v2/manage/account/access_token/refresh?refresh_token=" + refresh, null);
            assertThat(r.status()).as(r.raw()).isEqualTo(200);
            next[0] = r.text("refresh_token");
        });
        // PostgreSQL: the token consumed and the new pair inserted from what it returns, in one statement committed by itself.
        // H2: the token consumed with what the next pair inherits coming back, then the pair, in one transaction.
        assertThat(refreshed).as(String.join("\n", refreshed)).hasSize(postgres() ? 1 : 4);
        // And the consumed one, presented again, is refused and ends the session (the path that tells why).
        var again = t.manage("GET", "/identity/v2/manage/account/access_token/refresh?refresh_token=" + refresh, null);
        assertThat(again.status()).isEqualTo(403);
        assertThat(again.json().get("ErrorCode").asInt()).isEqualTo(1217);
        assertThat(t.manage("GET", "/identity/v2/manage/account/access_token/refresh?refresh_token=" + next[0], null).status()).isEqualTo(403);
    }

    private boolean postgres() {
        return backend() == dev.latchkey.support.Backend.POSTGRES;
    }
}
