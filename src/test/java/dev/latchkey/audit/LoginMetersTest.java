package dev.latchkey.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.store.Database;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * What the audit trail tells its observer (only what committed; a refusal counted in memory once), and how
 * {@link LoginMeters} reads an entry's details into a bounded set of factor labels.
 */
class LoginMetersTest {
    private static final Audit.Origin FROM = new Audit.Origin(Audit.Actor.USER, "192.0.2.7", "Test/1.0");

    private static Audit.Event login(String details) {
        return Audit.Event.success(Audit.LOGIN, "uid-1", details);
    }

    @Test
    void theObserverHearsOfWhatCommittedOnly() {
        try (Database db = new Database("jdbc:h2:mem:audit-observer-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", null, null, 2)) {
            Audit audit = new Audit(db.jdbi());
            List<Audit.Event> heard = new CopyOnWriteArrayList<>();
            audit.observedBy(heard::add);

            assertThatThrownBy(() -> db.jdbi().useTransaction(h -> {
                audit.record(h, null, FROM, login("password"), 1);
                throw new IllegalStateException("rolled back");
            })).hasMessage("rolled back");
            assertThat(heard).isEmpty();

            db.jdbi().useTransaction(h -> {
                audit.record(h, null, FROM, login("backupcode"), 2);
                assertThat(heard).as("not before the commit").isEmpty();
            });
            assertThat(heard).extracting(Audit.Event::details).containsExactly("backupcode");

            audit.record(null, FROM, login("passkey"), 3); // its own transaction
            assertThat(heard).extracting(Audit.Event::details).containsExactly("backupcode", "passkey");

            Audit.Event busy = new Audit.Event(Audit.LOGIN_REFUSED, Audit.Outcome.REFUSED, null, "ann", 429, "password hashing saturated");
            audit.refused(null, FROM, busy, 4);
            assertThat(heard).hasSize(3);
            audit.flushRefusals(); // written now, heard once already
            assertThat(heard).hasSize(3);
            assertThat(rows(db)).isEqualTo(3);
        }
    }

    private static int rows(Database db) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM audit_events").mapTo(Integer.class).one());
    }

    @Test
    void anObserverThatFailsFailsNothing() {
        try (Database db = new Database("jdbc:h2:mem:audit-failing-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", null, null, 2)) {
            Audit audit = new Audit(db.jdbi()).observedBy(e -> {
                throw new IllegalStateException("metrics down");
            });
            db.jdbi().useTransaction(h -> audit.record(h, null, FROM, login("password"), 1));
            assertThat(rows(db)).isEqualTo(1);
        }
    }

    @Test
    void detailsBecomeFactorLabels() {
        // What LoginFlow, Lockout, StepUp, Tokens and the factors write (see their audit.record calls).
        String[][] cases = {
                {"password", "password"}, {"password, remembered device", "password"}, {"password (no such account)", "password"},
                {"password not evaluated: locked", "password"}, {"password not evaluated: the limit of attempts is in flight", "password"},
                {"password hashing saturated", "password"}, {"too many failed logins from this address", "password"},
                {"backupcode", "backupcode"}, {"backupcode not evaluated: token spent", "backupcode"},
                {"backupcode not evaluated: locked", "backupcode"}, {"passkey", "passkey"}, {"passkey enrolled at login", "passkey"},
                {"authenticator", "authenticator"}, {"sms", "sms"}, {"email", "email"}, {"securityquestion", "securityquestion"},
                {"risk challenge: SMS code", "risk_challenge"}, {"risk challenge: one-click link", "risk_challenge"},
                {"registration", "registration"}, {"passwordless email link", "email_link"}, {"passwordless email code", "email_code"},
                {"passwordless SMS code", "sms_code"}, {"passwordless SMS code not evaluated", "sms_code"},
                {"passwordless email code: locked", "email_code"}, {"smart login link", "smart_login"},
                {"one-touch link", "one_touch_link"}, {"one-touch SMS code", "one_touch_sms"},
                {"phone verification code", "phone_code"}, {"code (no such account)", "code"},
                // refused after the first factor: no factor to name
                {"blocked", "other"}, {"email not verified", "other"}, {"phone not verified", "other"}, {"needs the MFA login", "other"},
                {"risk: BLOCK", "other"}, {"risk: SECOND_FACTOR after passwordless email link", "other"}, {null, "other"},
                {"something new", "other"},
                // no logins
                {"sliding token", null}, {"token issued to the application by uid", null}, {"re-authentication: backupcode", null},
                {"re-authentication: password not evaluated: locked", null}, {"password change", null},
                {"password change not evaluated: locked", null}, {"authenticator code replayed (its step was already used)", null}};
        for (String[] c : cases) {
            assertThat(LoginMeters.loginLabel(c[0])).as(c[0]).isEqualTo(c[1]);
        }
        assertThat(LoginMeters.lockoutLabel("password: 5 failures; locked until 2030-01-01T00:00:00Z")).isEqualTo("password");
        assertThat(LoginMeters.lockoutLabel("backupcode: 10 failures; locked until …")).isEqualTo("backupcode");
        assertThat(LoginMeters.lockoutLabel("code: 5 failures; locked until …")).isEqualTo("code");
        assertThat(LoginMeters.lockoutLabel("passwordless email code: 5 failures; …")).isEqualTo("email_code");
        assertThat(LoginMeters.lockoutLabel("re-authentication: password: 5 failures; …")).isEqualTo("reauth");
        assertThat(LoginMeters.lockoutLabel("password change: 5 failures; …")).isEqualTo("password_change");
    }

    @Test
    void entriesAreCountedByOutcomeAndFactor() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        LoginMeters meters = new LoginMeters(registry);
        meters.recorded(login("backupcode"));
        meters.recorded(login("sliding token"));
        meters.recorded(new Audit.Event(Audit.LOGIN_FAILED, Audit.Outcome.FAILURE, "u", null, 1129, "backupcode"));
        meters.recorded(new Audit.Event(Audit.LOGIN_FAILED, Audit.Outcome.FAILURE, "u", null, 1129,
                "authenticator code replayed (its step was already used)"));
        meters.recorded(new Audit.Event(Audit.LOGIN_FAILED, Audit.Outcome.FAILURE, "u", null, 966, "re-authentication: password"));
        meters.recorded(new Audit.Event(Audit.LOGIN_REFUSED, Audit.Outcome.REFUSED, "u", null, 1164, "risk: BLOCK"));
        meters.recorded(new Audit.Event(Audit.ACCOUNT_LOCKED, Audit.Outcome.SUCCESS, "u", null, null, "backupcode: 10 failures; …"));
        meters.recorded(Audit.Event.success(Audit.FACTOR_ADDED, "u", "backupcode"));
        assertThat(registry.counter("latchkey.logins", "outcome", "success", "factor", "backupcode").count()).isEqualTo(1);
        assertThat(registry.counter("latchkey.logins", "outcome", "failure", "factor", "backupcode").count()).isEqualTo(1);
        assertThat(registry.counter("latchkey.logins", "outcome", "failure", "factor", "authenticator").count()).isZero();
        assertThat(registry.counter("latchkey.logins", "outcome", "failure", "factor", "password").count()).isZero();
        assertThat(registry.counter("latchkey.logins", "outcome", "refused", "factor", "other").count()).isEqualTo(1);
        assertThat(registry.counter("latchkey.second.factor.failures", "factor", "backupcode").count()).isEqualTo(1);
        assertThat(registry.counter("latchkey.lockouts", "factor", "backupcode").count()).isEqualTo(1);
        assertThat(registry.find("latchkey.logins").counters().stream().mapToDouble(c -> c.count()).sum()).isEqualTo(3);
    }
}
