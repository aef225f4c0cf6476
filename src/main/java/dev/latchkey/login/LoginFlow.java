package dev.latchkey.login;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.account.Account;
import dev.latchkey.account.AccountStore;
import dev.latchkey.account.ProfileSchema;
import dev.latchkey.crypto.PasswordHasher;
import dev.latchkey.crypto.Secrets;
import dev.latchkey.factor.SecondFactor;
import dev.latchkey.http.ApiException;
import dev.latchkey.http.LrError;
import dev.latchkey.json.Json;
import dev.latchkey.risk.RiskAssessment;
import dev.latchkey.risk.RiskBasedAuthentication;
import dev.latchkey.risk.RiskPolicy;
import dev.latchkey.tenant.Tenant;
import dev.latchkey.token.IssuedTokens;
import dev.latchkey.token.Tokens;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The login as a small state machine, in one place:
 * <pre>
 *   password verified ──(MFA needed)──▶ SecondFactorAuthenticationToken issued ──(factor verified)──▶ tokens issued
 *          │                                  ▲                                            (RBA: notify only)
 *          ├──(no MFA) risk assessed ──(MFA)──┘ + one-click link by email / code by SMS ──(passed)──▶ tokens issued
 *          │                    ├──(Block; or MFA on the plain /login)──▶ refused (1164; 1168–1171, 1287)
 *          │                    └──(none)──────────────────────────────────────────────(notify)──▶ tokens issued
 * </pre>
 * Every transition's state is in the database. Failures count toward lockout: wrong passwords on the account,
 * wrong second-factor answers on the token (which dies after the tenant's limit) and on the account.
 */
public final class LoginFlow {
    /** The first factor, as the login endpoints take it. */
    public record Credentials(String email, String username, String phone, String password) {
        /** How the account is named: email, username or phone (after a phone login, RBA sends SMS). */
        String kind() {
            return email != null ? "email" : username != null ? "username" : "phone";
        }
    }

    /** A factor's check of its answer, run inside the transaction that consumes the 2FA token and issues tokens. */
    @FunctionalInterface
    public interface Verification {
        boolean verify(Handle h, Account account);
    }

    private static final String ZERO_GUID = "00000000-0000-0000-0000-000000000000";

    private final Jdbi jdbi;
    private final AccountStore accounts;
    private final SecondFactorChallenges challenges;
    private final Tokens tokens;
    private final PasswordHasher hasher;
    private final List<SecondFactor> factors;
    private final dev.latchkey.webhook.WebhookOutbox outbox;
    private final RiskBasedAuthentication rba;
    private final Clock clock;

    public LoginFlow(Jdbi jdbi, AccountStore accounts, SecondFactorChallenges challenges, Tokens tokens,
                     PasswordHasher hasher, List<SecondFactor> factors, dev.latchkey.webhook.WebhookOutbox outbox,
                     RiskBasedAuthentication rba, Clock clock) {
        this.jdbi = jdbi;
        this.rba = rba;
        this.accounts = accounts;
        this.challenges = challenges;
        this.tokens = tokens;
        this.hasher = hasher;
        this.factors = List.copyOf(factors);
        this.outbox = outbox;
        this.clock = clock;
    }

    /**
     * Step 1. {@code mfaEndpoint} is true for {@code /login/2fa}; the plain {@code /login} refuses accounts that need
     * a second factor with 1176. Wrong identifier and wrong password answer the same 966 in the same time.
     */
    public ObjectNode passwordLogin(Tenant tenant, Credentials c, boolean mfaEndpoint, LoginContext ctx) {
        if (c.password() == null) {
            throw LrError.PASSWORD_MISSING.error();
        }
        Optional<Account> found = jdbi.withHandle(h -> lookup(h, tenant, c));
        if (found.isEmpty() || found.get().passwordHash() == null) {
            hasher.verifyDummy(c.password());
            throw LrError.INVALID_CREDENTIALS.error();
        }
        Account account = found.get();
        long now = clock.millis();
        if (!hasher.verify(c.password(), account.passwordHash())) {
            jdbi.useTransaction(h -> {
                int failures = accounts.countFailure(h, account.uid(), "password_failures");
                if (failures >= tenant.maxPasswordAttempts()) {
                    lock(h, tenant, account.uid(), now);
                }
            });
            throw LrError.INVALID_CREDENTIALS.error();
        }
        // Only a caller who knows the password learns that the account is locked or blocked.
        if (account.lockedAt(now)) {
            throw LrError.ACCOUNT_LOCKED.error();
        }
        if (!account.active()) {
            throw LrError.ACCOUNT_BLOCKED.error();
        }
        String rehash = hasher.needsRehash(account.passwordHash()) ? hasher.hash(c.password()) : null;
        String kind = c.kind();
        Step1 step = jdbi.inTransaction(h -> {
            if (rehash != null) {
                accounts.rehashPassword(h, account.uid(), rehash);
            }
            if (tenant.mfaEnabled()) {
                java.util.Set<SecondFactor> configured = configuredFactors(h, account);
                if (tenant.mfaRequired() || !configured.isEmpty()) {
                    if (!mfaEndpoint) {
                        throw LrError.MFA_ENABLED_USE_MFA_LOGIN.error();
                    }
                    resetPasswordFailures(h, account);
                    long expires = now + tenant.secondFactorTokenMillis();
                    String token = challenges.open(h, tenant.id(), account.uid(), now, expires, kind);
                    return new Step1(secondFactorResponse(account, configured, token, expires), null);
                }
            }
            RiskAssessment risk = rba.assess(h, tenant, account, ctx, now);
            if (risk.action() == RiskPolicy.Action.BLOCK || (risk.action() == RiskPolicy.Action.MFA && !mfaEndpoint)) {
                rba.refused(h, tenant, account, risk, ctx, kind, now); // committed: the event and the notices stay
                return new Step1(null, risk.action() == RiskPolicy.Action.BLOCK ? LrError.RISK_BLOCKED.error() : risk.deciding().error.error());
            }
            if (risk.action() == RiskPolicy.Action.MFA) {
                return new Step1(riskChallenge(h, tenant, account, risk, ctx, kind, now), null);
            }
            return new Step1(complete(h, tenant, account, now, ctx, false, kind, risk, null), null);
        });
        if (step.refusal() != null) {
            throw step.refusal();
        }
        return step.answer();
    }

    /** What step 1 comes to: an answer, or a refusal whose transaction still commits (its risk event and notices). */
    private record Step1(ObjectNode answer, ApiException refusal) {}

    private void resetPasswordFailures(Handle h, Account account) {
        if (account.passwordFailures() > 0) {
            accounts.resetPasswordFailures(h, account.uid());
        }
    }

    /**
     * RBA asks for a second factor: step 1's answer, with the account's own factors and what was sent (the masked
     * email of the one-click link, the masked phone and {@code OTPStatus} of the SMS code).
     */
    private ObjectNode riskChallenge(Handle h, Tenant tenant, Account account, RiskAssessment risk, LoginContext ctx, String kind, long now) {
        java.util.Set<SecondFactor> own = configuredFactors(h, account);
        long expires = now + tenant.secondFactorTokenMillis();
        RiskBasedAuthentication.Challenge ch = rba.challenge(h, tenant, account, risk, ctx, kind, !own.isEmpty(), now, expires);
        challenges.open(h, ch.token(), tenant.id(), account.uid(), now, expires, kind, ch.riskJson(), ch.otpHash(), ch.oneClickHash());
        resetPasswordFailures(h, account);
        ObjectNode out = secondFactorResponse(account, own, ch.token(), expires);
        ObjectNode sfa = (ObjectNode) out.get("SecondFactorAuthentication");
        if (ch.maskedEmail() != null) {
            sfa.putArray("Email").add(ch.maskedEmail());
        }
        if (ch.maskedPhone() != null) {
            sfa.put("OTPPhoneNo", ch.maskedPhone());
            sfa.putObject("OTPStatus").put("AccountSid", ch.smsAccountSid()).put("Sid", ch.smsMessageId());
        }
        return out;
    }

    private Optional<Account> lookup(Handle h, Tenant tenant, Credentials c) {
        if (c.email() != null) {
            return accounts.byLoginIdentifier(h, tenant.id(), "email", c.email());
        }
        if (c.username() != null) {
            return accounts.byLoginIdentifier(h, tenant.id(), "username", c.username());
        }
        if (c.phone() != null) {
            return accounts.byLoginIdentifier(h, tenant.id(), "phone", c.phone());
        }
        throw LrError.LOGIN_ID_REQUIRED.error();
    }

    /** The factors set up for the account, each asked once. */
    private java.util.Set<SecondFactor> configuredFactors(Handle h, Account account) {
        java.util.Set<SecondFactor> configured = new java.util.HashSet<>();
        for (SecondFactor f : factors) {
            if (f.isConfigured(h, account)) {
                configured.add(f);
            }
        }
        return configured;
    }

    /** {@code GET /auth/account/2fa}: the account's MFA settings, the same flags step 1 shows. */
    public ObjectNode mfaSettings(Account account) {
        return factorFlags(account, jdbi.withHandle(h -> configuredFactors(h, account)));
    }

    /** The documented flags of every factor, each false/null until a factor sets its own. */
    private ObjectNode factorFlags(Account account, java.util.Set<SecondFactor> configured) {
        ObjectNode sfa = Json.object();
        sfa.putNull("QRCode");
        sfa.putNull("ManualEntryCode");
        sfa.put("IsGoogleAuthenticatorVerified", false);
        sfa.put("IsAuthenticatorVerified", false);
        sfa.put("IsEmailOtpAuthenticatorVerified", false);
        sfa.put("IsOTPAuthenticatorVerified", false);
        sfa.putNull("OTPPhoneNo");
        sfa.putNull("OTPStatus");
        sfa.putNull("Email");
        sfa.putNull("EmailOTPStatus");
        sfa.put("IsSecurityQuestionAuthenticatorVerified", false);
        sfa.putNull("SecurityQuestions");
        sfa.put("IsPasskeyAuthenticatorVerified", false);
        for (SecondFactor f : factors) {
            f.describe(account, configured.contains(f), sfa);
        }
        return sfa;
    }

    private ObjectNode secondFactorResponse(Account account, java.util.Set<SecondFactor> configured, String token, long expires) {
        ObjectNode sfa = Json.object();
        sfa.put("SecondFactorAuthenticationToken", token);
        sfa.put("ExpireIn", Tokens.iso(expires));
        sfa.setAll(factorFlags(account, configured));
        ObjectNode out = Json.object();
        out.set("SecondFactorAuthentication", sfa);
        out.putNull("Profile");
        out.put("access_token", ZERO_GUID);
        out.put("expires_in", "0001-01-01T00:00:00");
        return out;
    }

    /** A pending step 2: the 2FA token's challenge and its account, checked usable. */
    public record Pending(SecondFactorChallenges.Challenge challenge, Account account) {}

    /**
     * Checks a SecondFactorAuthenticationToken without consuming it: 908 missing, 1103 unknown, used, dead or another
     * tenant's, 1104 expired, then the account's state (1198 locked, 991 blocked).
     */
    public Pending pending(Tenant tenant, String token) {
        if (token == null) {
            throw LrError.required("secondfactorauthenticationtoken");
        }
        if (!Secrets.isGuid(token)) {
            throw LrError.MFA_TOKEN_INVALID.error();
        }
        Pending found = jdbi.withHandle(h -> challenges.findWithAccount(h, tenant.id(), token)).orElseThrow(LrError.MFA_TOKEN_INVALID::error);
        return usable(tenant, found, LrError.MFA_TOKEN_INVALID, LrError.MFA_TOKEN_EXPIRED);
    }

    /**
     * The pending login a one-click sign-in link belongs to ({@code verificationtoken}): 908 missing, 1063 unknown, 1062
     * used (or its login ended otherwise), 975 expired, then the account's state.
     */
    public Pending pendingByOneClick(Tenant tenant, String verificationToken) {
        if (verificationToken == null) {
            throw LrError.required("verificationtoken");
        }
        if (!Secrets.isGuid(verificationToken)) {
            throw LrError.VTOKEN_INVALID.error();
        }
        Pending found = jdbi.withHandle(h -> challenges.findByOneClick(h, tenant.id(), rba.oneClickHash(verificationToken)))
                .orElseThrow(LrError.VTOKEN_INVALID::error);
        return usable(tenant, found, LrError.LINK_USED, LrError.LINK_EXPIRED);
    }

    private Pending usable(Tenant tenant, Pending found, LrError ended, LrError expired) {
        long now = clock.millis();
        SecondFactorChallenges.Challenge ch = found.challenge();
        if (ch.usedAt() != null || ch.failures() >= tenant.maxSecondFactorAttemptsPerToken()) {
            throw ended.error();
        }
        if (ch.expiresAt() <= now) {
            throw expired.error();
        }
        Account account = found.account();
        if (account.lockedAt(now)) {
            throw LrError.ACCOUNT_LOCKED.error();
        }
        if (!account.active()) {
            throw LrError.ACCOUNT_BLOCKED.error();
        }
        return new Pending(ch, account);
    }

    /** {@link #hasConfiguredFactor} in its own transaction. */
    public boolean mfaSettingsConfigured(Account account) {
        return jdbi.withHandle(h -> hasConfiguredFactor(h, account));
    }

    /** Whether any factor is set up for the account (used to refuse adding a factor with the password alone). */
    public boolean hasConfiguredFactor(Handle h, Account account) {
        return factors.stream().anyMatch(f -> f.isConfigured(h, account));
    }

    /**
     * Step 2, shared by every factor. Consumes the 2FA token and runs the factor's check in one transaction that also
     * issues the tokens: a code or token replayed, in sequence or in parallel, succeeds at most once. A failed check
     * rolls all that back, then counts the failure in its own transaction.
     */
    public ObjectNode completeSecondFactor(Tenant tenant, String token, LoginContext ctx, Verification verification,
                                           LrError onWrongAnswer) {
        return completeSecondFactor(tenant, pending(tenant, token), ctx, verification, onWrongAnswer, false);
    }

    /**
     * Step 2 for a caller that already checked the token ({@link #pending}). {@code enrolls}: the verification adds a
     * factor and changes the profile (Profile.PasskeyLogin), so the login response re-reads it.
     */
    public ObjectNode completeSecondFactor(Tenant tenant, Pending p, LoginContext ctx, Verification verification,
                                           LrError onWrongAnswer, boolean enrolls) {
        SecondFactorChallenges.Challenge ch = p.challenge();
        Account account = p.account();
        long now = clock.millis();
        try {
            return jdbi.inTransaction(h -> {
                if (!challenges.consume(h, ch.tokenHash(), now, tenant.maxSecondFactorAttemptsPerToken())) {
                    throw LrError.MFA_TOKEN_INVALID.error();
                }
                if (!verification.verify(h, account)) {
                    throw new WrongAnswer();
                }
                return complete(h, tenant, account, now, ctx, enrolls, ch.loginKind(), null, ch.risk());
            });
        } catch (WrongAnswer | Rejected e) {
            jdbi.useTransaction(h -> {
                if (e instanceof Rejected r) {
                    r.record.accept(h);
                }
                challenges.countFailure(h, ch.tokenHash());
                int failures = accounts.countFailure(h, account.uid(), "second_factor_failures");
                if (failures >= tenant.maxSecondFactorAttempts()) {
                    lock(h, tenant, account.uid(), now);
                }
            });
            throw onWrongAnswer.error();
        }
    }

    /** Signals a wrong second-factor answer out of the transaction, so it rolls back before the failure is counted. */
    private static final class WrongAnswer extends RuntimeException {
        WrongAnswer() {
            super(null, null, false, false);
        }
    }

    /**
     * Thrown by a factor's check to refuse the answer and record something about it that must survive the rollback
     * (a passkey whose counter went backwards is marked as possibly cloned). Counted like a wrong answer.
     */
    public static final class Rejected extends RuntimeException {
        private final java.util.function.Consumer<Handle> record;

        public Rejected(java.util.function.Consumer<Handle> record) {
            super(null, null, false, false);
            this.record = record;
        }
    }

    private void lock(Handle h, Tenant tenant, String uid, long now) {
        accounts.lock(h, uid, now + tenant.lockoutMillis());
        challenges.closeAll(h, uid, now);
    }

    /**
     * The last state: tokens issued and the login recorded, in the caller's transaction. Every path that issues tokens
     * ends here, with the request's {@link LoginContext}: this is where the webhook outbox and risk-based authentication
     * hook in. {@code assessed}: the risk assessment of step 1 (a login without a second factor); null after a second
     * factor, when RBA assesses this request and only notifies. {@code passedRiskChallenge}: the assessment a risk
     * challenge kept, whose origin now becomes known (nothing is sent again).
     */
    private ObjectNode complete(Handle h, Tenant tenant, Account account, long now, LoginContext ctx, boolean reload, String loginKind,
                                RiskAssessment assessed, String passedRiskChallenge) {
        accounts.recordLogin(h, account.uid(), now);
        IssuedTokens issued = tokens.issue(h, tenant, account.uid(), now);
        // The profile document is re-read only when an enrollment changed it in this transaction; the count is read back.
        Account base = reload ? accounts.byUid(h, tenant.id(), account.uid()).orElseThrow() : account;
        int logins = h.createQuery("SELECT no_of_logins FROM accounts WHERE uid = :uid").bind("uid", account.uid()).mapTo(Integer.class).one();
        if (passedRiskChallenge != null) {
            rba.challengePassed(h, account, passedRiskChallenge, now, logins);
        } else {
            RiskAssessment risk = assessed != null ? assessed : rba.assess(h, tenant, account, ctx, now);
            rba.completed(h, tenant, account, risk, ctx, loginKind, now, logins);
        }
        Account loggedIn = new Account(base.uid(), base.tenantId(), base.profile(), base.passwordHash(), base.active(),
                base.emailVerified(), logins, now, base.passwordChangedAt(), 0, 0, null, base.createdAt(), base.modifiedAt());
        ObjectNode profile = ProfileSchema.render(loggedIn, now);
        outbox.enqueue(h, tenant, "Login", profile, ctx.preventWebhook(), now);
        return loginResponse(profile, issued);
    }


    /** LoginRadius's login response: {@code {"Profile", "access_token", "refresh_token", "expires_in"}}. */
    public static ObjectNode loginResponse(JsonNode profile, IssuedTokens issued) {
        ObjectNode out = Json.object();
        out.set("Profile", profile);
        out.put("access_token", issued.accessToken());
        out.put("refresh_token", issued.refreshToken());
        out.put("expires_in", Tokens.iso(issued.accessExpiresAt()));
        return out;
    }
}
