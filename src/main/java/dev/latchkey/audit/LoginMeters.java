package dev.latchkey.audit;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The audit trail's logins counted as metrics: every login, failed and refused attempt and lockout is recorded there
 * with its factor in {@code details}, in the transaction of what it records, so counting its entries once they commit
 * ({@link Audit.Observer}) counts exactly what happened. Prometheus names:
 * <ul>
 * <li>{@code latchkey_logins_total{outcome="success|failure|refused", factor}}: a sign-in, a wrong answer (password, code or
 * second factor), or an attempt refused before its answer was evaluated (locked, throttled, the 2FA token spent) or after
 * the first factor (blocked account, unverified address, risk-based authentication's Block: factor {@code other});</li>
 * <li>{@code latchkey_second_factor_failures_total{factor}}: the wrong second-factor answers among those failures;</li>
 * <li>{@code latchkey_lockouts_total{factor}}: accounts (or identifiers of no account) locked, by what locked them.</li>
 * </ul>
 * Labels come from a fixed list, never from a request. Not logins here, though the audit trail names them so: a token
 * issued to the application by uid, a sliding token, step-up re-authentication and the password change's check of the
 * current password (their lockouts are counted, as {@code reauth} and {@code password_change}).
 */
public final class LoginMeters implements Audit.Observer {
    /** The second factors, as their packages name them. */
    static final List<String> SECOND_FACTORS = List.of("backupcode", "passkey", "authenticator", "sms", "email", "securityquestion");

    /** What the audit trail's details start with, and the label it is counted under. */
    private static final Map<String, String> FACTORS = Map.ofEntries(
            Map.entry("password", "password"),
            // the password step refused before the hash was compared
            Map.entry("password hashing saturated", "password"),
            Map.entry("too many failed logins from this address", "password"),
            Map.entry("backupcode", "backupcode"),
            Map.entry("passkey", "passkey"),
            Map.entry("passkey enrolled at login", "passkey"),
            Map.entry("authenticator", "authenticator"),
            Map.entry("sms", "sms"),
            Map.entry("email", "email"),
            Map.entry("securityquestion", "securityquestion"),
            Map.entry("risk challenge", "risk_challenge"),
            Map.entry("registration", "registration"),
            Map.entry("passwordless email link", "email_link"),
            Map.entry("passwordless email code", "email_code"),
            Map.entry("passwordless SMS code", "sms_code"),
            Map.entry("smart login link", "smart_login"),
            Map.entry("one-touch link", "one_touch_link"),
            Map.entry("one-touch SMS code", "one_touch_sms"),
            Map.entry("phone verification code", "phone_code"),
            // a code presented for a number or address of no account
            Map.entry("code", "code"));

    /** Entries of login events that are no login, or that another entry of the same attempt counts already. */
    private static final Set<String> NOT_LOGINS = Set.of("re-authentication", "password change", "sliding token",
            "token issued to the application by uid",
            "authenticator code replayed"); // its wrong answer is counted by the lockout's own entry

    private final MeterRegistry registry;

    public LoginMeters(MeterRegistry registry) {
        this.registry = registry;
        // The usual series exist from the start at 0, so that a rate over the first one is right.
        for (String outcome : List.of("success", "failure", "refused")) {
            logins(outcome, "password");
            SECOND_FACTORS.forEach(f -> logins(outcome, f));
        }
        SECOND_FACTORS.forEach(f -> registry.counter("latchkey.second.factor.failures", "factor", f));
        registry.counter("latchkey.lockouts", "factor", "password");
    }

    @Override
    public void recorded(Audit.Event e) {
        switch (e.event()) {
            case Audit.LOGIN -> count("success", e);
            case Audit.LOGIN_FAILED -> {
                String factor = count("failure", e);
                if (factor != null && SECOND_FACTORS.contains(factor)) {
                    registry.counter("latchkey.second.factor.failures", "factor", factor).increment();
                }
            }
            case Audit.LOGIN_REFUSED -> count("refused", e);
            case Audit.ACCOUNT_LOCKED -> registry.counter("latchkey.lockouts", "factor", lockoutLabel(e.details())).increment();
            default -> {
                // not a login
            }
        }
    }

    private String count(String outcome, Audit.Event e) {
        String factor = loginLabel(e.details());
        if (factor != null) {
            logins(outcome, factor).increment();
        }
        return factor;
    }

    private io.micrometer.core.instrument.Counter logins(String outcome, String factor) {
        return registry.counter("latchkey.logins", "outcome", outcome, "factor", factor);
    }

    /** The factor label of a login entry's details; null when the entry is no login ({@link #NOT_LOGINS}); "other" when unknown. */
    static String loginLabel(String details) {
        String head = head(details);
        if (NOT_LOGINS.contains(head)) {
            return null;
        }
        return FACTORS.getOrDefault(head, "other");
    }

    /** The factor label of a lockout ("password: 5 failures; locked until …", "re-authentication: password: …"). */
    static String lockoutLabel(String details) {
        String head = head(details);
        if (head.equals("re-authentication")) {
            return "reauth";
        }
        if (head.equals("password change")) {
            return "password_change";
        }
        return FACTORS.getOrDefault(head, "other");
    }

    /**
     * What the details start with: up to " not evaluated", ":", " (" or "," ("password (no such account)", "backupcode not
     * evaluated: token spent", "password, remembered device", "risk challenge: SMS code").
     */
    private static String head(String details) {
        if (details == null) {
            return "";
        }
        int end = details.length();
        for (String stop : new String[] {" not evaluated", ":", " (", ","}) {
            int at = details.indexOf(stop);
            if (at >= 0 && at < end) {
                end = at;
            }
        }
        return details.substring(0, end).trim();
    }
}
