package dev.latchkey.factor;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.account.Account;
import dev.latchkey.tenant.Tenant;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/**
 * What every second factor (backup codes, passkeys, the authenticator app, ...) tells the login and the account (Keycloak's
 * {@code configuredFor}, Kratos's strategy). Each factor lives in its own package with its store; verifying an answer is
 * the factor's own business, finishing the login is {@link dev.latchkey.login.LoginFlow}'s. A factor answered with a
 * typed code also implements {@link CodeFactor}; one the user turns on with a code from the account, {@link EnabledByCode};
 * one reset by a flag in the body of {@code DELETE …/2fa/authenticator}, {@link ResetByFlag}. {@link Factors} lists them.
 */
public interface SecondFactor {
    /** Its name in the registry and the audit trail ({@code "backupcode"}, {@code "passkey"}, {@code "authenticator"}). */
    String id();

    /**
     * The SQL condition on {@code :uid} that holds when the account has this factor set up (an {@code EXISTS} over the
     * factor's table), so that a login asks every factor in one query ({@link Factors#configured}).
     */
    String configuredCondition();

    /** Whether the account has this factor set up: with optional MFA, a configured factor makes login ask for step 2. */
    default boolean isConfigured(Handle h, Account account) {
        return Factors.configured(h, java.util.List.of(this), account).contains(this);
    }

    /**
     * Adds this factor's flags, and its enrollment data when it may be set up now, to step 1's
     * {@code SecondFactorAuthentication} and to the account's MFA settings. {@code configured} is what
     * {@link #isConfigured} just answered (asked once per login); {@code enrollment} is null when no factor may be added
     * now, otherwise who may finish the enrollment this answer offers (a login's 2FA token, a signed-in session).
     */
    void describe(Handle h, Tenant tenant, Account account, boolean configured, Enrollment enrollment, ObjectNode secondFactorAuthentication);

    /**
     * What an operator sees of this factor on the account (the admin API's account security view), added to
     * {@code state}, which already says {@code Factor} (its id) and {@code IsConfigured} ({@link #isConfigured}): when it
     * was set up and its public details (which passkeys, the phone masked, how many codes are left, which questions).
     * Never a secret, a code, an answer or anything that would let the operator act as the user.
     */
    void describeState(Handle h, Account account, boolean configured, ObjectNode state);

    /**
     * Step 1 or a step-up asks the account for a second factor and this one is set up: a factor that delivers its code
     * (the SMS code) sends one now, for {@code attempt} only ({@link #loginAttempt}, {@link #sessionAttempt}), and says so
     * in {@code secondFactorAuthentication} ({@code OTPStatus}). Never refuses: a code that cannot be sent now (a limit,
     * no provider) is asked for again by the client.
     */
    default void challenged(Handle h, Tenant tenant, Account account, String attempt, CodeRequest request,
                            ObjectNode secondFactorAuthentication) {
    }

    /**
     * Whether {@link #challenged} may write (it sends a code and counts it against a limit): whoever calls it then holds the
     * account's row lock, so that parallel logins of one account keep to the limit. False: it only reads, or does nothing.
     */
    default boolean sendsWhenChallenged() {
        return false;
    }

    /** What a login's answers are for: its 2FA token ({@code attempt} of {@link #challenged} and {@link CodeFactor#verify}). */
    static String loginAttempt(String secondFactorTokenHash) {
        return "login:" + secondFactorTokenHash;
    }

    /** What a signed-in session's answers are for (a step-up, a factor set up from the account): its refresh family. */
    static String sessionAttempt(String family) {
        return "session:" + family;
    }

    /**
     * Whether the tenant offers this factor (a factor with its own switch in {@code TwoFactorAuthentication} answers it).
     * One not offered is neither shown nor asked for, and cannot be set up or answered ({@link #notOffered}); it can
     * still be removed.
     */
    default boolean offeredBy(Tenant tenant) {
        return true;
    }

    /** The answer to using a factor the tenant does not offer. */
    default dev.latchkey.error.ApiException notOffered() {
        return dev.latchkey.error.LrError.MFA_NOT_ENABLED.error();
    }

    /** The webhook events this factor sends (Latchkey's own: LoginRadius has no MFA event). */
    default Set<String> webhookEvents() {
        return Set.of();
    }

    /**
     * Who may finish an enrollment that {@link #describe} offers: data shown to one login (its 2FA token) or one session
     * (its refresh family) works only for it, so a secret shown to whoever knew the password is not the one the user sets up.
     */
    record Enrollment(String boundTo, FactorChange change) {
        public static Enrollment login(String secondFactorTokenHash) {
            return new Enrollment(loginAttempt(secondFactorTokenHash), null);
        }

        public static Enrollment session(String family) {
            return new Enrollment(sessionAttempt(family), null);
        }

        /** The same enrollment, finished by {@code change} (who, from where, and whether its webhook is suppressed). */
        public Enrollment by(FactorChange change) {
            return new Enrollment(boundTo, change);
        }
    }
}
