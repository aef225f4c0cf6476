package dev.latchkey.login;

import dev.latchkey.account.Account;
import dev.latchkey.error.ApiException;
import dev.latchkey.tenant.Tenant;
import org.jdbi.v3.core.Handle;

/**
 * How risk-based authentication plugs into the login: the login asks these questions at its states, in its own
 * transaction, and knows nothing else of how risk is judged ({@code dev.latchkey.risk} implements it).
 */
public interface LoginRisk {
    /** What a login that proved the password may do, as risk sees it. */
    enum Verdict { PASS, SECOND_FACTOR, BLOCK }

    /** Risk's judgement of one login, kept by the login until it completes or is refused. */
    interface Assessment {
        Verdict verdict();

        /** The answer to a plain {@code /login} refused because risk asks for a second factor (the deciding signal's code). */
        ApiException secondFactorNeeded();
    }

    /**
     * A second factor asked for by risk: the 2FA token, what its row keeps (the assessment, the hashed SMS code and
     * one-click token), and what was sent (masked addresses, the SMS's message id).
     */
    record Challenge(String token, String riskJson, String otpHash, String oneClickHash, String maskedEmail,
                     String maskedPhone, String smsMessageId, String smsAccountSid) {}

    /** Judges a login of {@code account} that proved its password (may lock the account's row until the transaction ends). */
    Assessment assess(Handle h, Tenant tenant, Account account, LoginContext ctx, long now);

    /** A login refused because of {@code assessment} (blocked, or a plain login that needs a second factor). */
    void refused(Handle h, Tenant tenant, Account account, Assessment assessment, LoginContext ctx, String loginKind, long now);

    /**
     * Sends what proves the login (a link, a code) and answers what the 2FA token must keep; {@code hasOwnFactor}: the
     * account's own factors can answer too. Throws the refusal when nothing can prove it.
     */
    Challenge challenge(Handle h, Tenant tenant, Account account, Assessment assessment, LoginContext ctx, String loginKind,
                        boolean hasOwnFactor, long now, long expiresAt);

    /** How a login that completes came to pass, as far as risk is concerned. */
    sealed interface Completion {
        /** Judged at step 1 and let through. */
        record Assessed(Assessment assessment) implements Completion {}

        /** A challenge risk raised (its kept JSON) was answered: the answering request's origin is the user's. */
        record ChallengePassed(String riskJson) implements Completion {}

        /** After one of the account's own second factors: risk judges this request, and only notifies. */
        record AfterSecondFactor() implements Completion {}
    }

    /** A login completes (tokens issued, {@code loginNumber} counted): risk notifies and learns what this proves. */
    void completed(Handle h, Tenant tenant, Account account, Completion how, LoginContext ctx, String loginKind, long now, int loginNumber);

    /** The keyed hash a one-click link's token is found by. */
    String oneClickHash(String verificationToken);
}
