package dev.latchkey.login;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.support.ServerContract;
import dev.latchkey.support.TestServer.TestTenant;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import org.jdbi.v3.core.statement.SqlLogger;
import org.jdbi.v3.core.statement.StatementContext;
import org.junit.jupiter.api.Test;

/**
 * What a login costs the database, counted statement by statement (issue 16): each statement is a round trip to
 * PostgreSQL, and the count had grown from 11 to 21 for a full MFA login. A new statement on these paths must be worth
 * its round trip; this test says how many there are, and which.
 */
abstract class LoginRoundTripsContract extends ServerContract {
    private final List<String> statements = Collections.synchronizedList(new ArrayList<>());

    private List<String> counting(Runnable call) {
        statements.clear();
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
        }
        // The background work of the node (outbox dispatchers, purges) is not the login's.
        return statements.stream().filter(sql -> !sql.contains("_outbox WHERE status") && !sql.contains("imported_keys")).toList();
    }

    @Test
    void aFullMfaLoginWithABackupCodeIsFifteenStatements() {
        TestTenant t = s.mfaTenant(false);
        String email = "rt." + UUID.randomUUID() + "@example.com";
        String uid = t.account(email, "correct horse 1");
        List<String> codes = t.backupCodes(uid);
        t.redeem(t.secondFactorToken(email, "correct horse 1"), codes.get(0)); // the tenant cached, the account warm

        String[] token = new String[1];
        List<String> step1 = counting(() -> token[0] = t.secondFactorToken(email, "correct horse 1"));
        List<String> step2 = counting(() -> assertThat(t.redeem(token[0], codes.get(1)).status()).isEqualTo(200));

        // Step 1: the address's throttle, the account, its attempt counted (the count comes back with the update), the
        // row locked with the count reset, every factor asked in one query, the 2FA token.
        assertThat(step1).as(String.join("\n", step1)).hasSize(6);
        assertThat(step1.stream().filter(sql -> sql.contains("CASE WHEN EXISTS"))).hasSize(1);
        // Step 2: the token with its account, the row lock, the code spent, the token spent, the login recorded (its count
        // comes back), the refresh and access tokens, the webhook subscriptions, the audit entry.
        assertThat(step2).as(String.join("\n", step2)).hasSize(9);
        assertThat(step2.stream().filter(sql -> sql.startsWith("SELECT no_of_logins") || sql.startsWith("SELECT mfa_enrolled"))).isEmpty();
    }
}
