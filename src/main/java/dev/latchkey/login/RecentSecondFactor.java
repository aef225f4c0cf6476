package dev.latchkey.login;

import dev.latchkey.account.Account;
import dev.latchkey.error.LrError;
import dev.latchkey.tenant.Tenant;
import java.time.Clock;

/**
 * The proof of a recent second factor that a signed-in user needs to change second factors (new backup codes, a passkey
 * added or removed): without it, whoever holds a session that started with the password alone, or an old session,
 * could replace the account's factors. The proof is when the session's login passed a second factor (kept with its
 * access and refresh tokens, so a refresh does not renew it), within {@code Security.SecondFactorProofMaxAgeSeconds}.
 * An account that has no second factor yet needs none: the password is all there is to prove. Step-up
 * re-authentication with a second factor ({@link StepUp}, LoginRadius's {@code /auth/account/reauth/2fa/*}) is the other
 * way to give the proof: it records a fresh second factor on the session. Admins (the Management API) are not asked for it.
 */
public final class RecentSecondFactor {
    private final Clock clock;

    public RecentSecondFactor(Clock clock) {
        this.clock = clock;
    }

    /**
     * What changing the account's email addresses asks (1193 otherwise): a recent second factor where the account has
     * one ({@link #require}); otherwise the password proved recently by the session ({@code passwordAt}: its login, or a
     * re-authentication with the password, {@code PUT /auth/account/reauth/password}), within the same
     * {@code Security.SecondFactorProofMaxAgeSeconds}.
     */
    public void requireForAddresses(Tenant tenant, Account account, Long secondFactorAt, Long passwordAt) {
        if (account.mfaEnrolled()) {
            require(tenant, account, secondFactorAt);
            return;
        }
        long maxAge = tenant.secondFactorProofMaxAgeMillis();
        if (passwordAt != null && clock.millis() - passwordAt <= maxAge) {
            return;
        }
        throw LrError.SECOND_FACTOR_PROOF_INVALID.withDescription("Changing the account's email addresses needs the password proved in "
                + "the last " + maxAge / 60_000 + " minutes: sign in again (or re-authenticate with the password), then retry.");
    }

    /** 1193 unless the account has no factor yet or {@code secondFactorAt} (the session's proof) is recent enough. */
    public void require(Tenant tenant, Account account, Long secondFactorAt) {
        if (!account.mfaEnrolled()) {
            return;
        }
        long maxAge = tenant.secondFactorProofMaxAgeMillis();
        if (secondFactorAt != null && clock.millis() - secondFactorAt <= maxAge) {
            return;
        }
        throw LrError.SECOND_FACTOR_PROOF_INVALID.withDescription("Changing a second factor needs a second factor verified in the last "
                + maxAge / 60_000 + " minutes: sign in again with a second factor (or re-authenticate), then retry.");
    }
}
