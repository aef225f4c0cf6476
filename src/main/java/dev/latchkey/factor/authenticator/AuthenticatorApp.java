package dev.latchkey.factor.authenticator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.account.Account;
import dev.latchkey.audit.Audit;
import dev.latchkey.crypto.Secrets;
import dev.latchkey.error.LrError;
import dev.latchkey.factor.CodeFactor;
import dev.latchkey.factor.EnabledByCode;
import dev.latchkey.factor.FactorChange;
import dev.latchkey.factor.FactorContext;
import dev.latchkey.factor.FactorRemoval;
import dev.latchkey.factor.RejectedAnswer;
import dev.latchkey.factor.ResetByFlag;
import dev.latchkey.tenant.Tenant;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/**
 * The authenticator app (Google Authenticator, Microsoft Authenticator, 1Password, ...): LoginRadius's "Authenticator"
 * factor, and its older name "Google Authenticator" (reference §2.2, §3.3). Enrollment data is a secret shown as a QR
 * code and as text, pending until a code proves the app holds it; each pending secret works only for the login or session
 * it was shown to. Secrets are sealed under the server key. A code is accepted once (see {@link AuthenticatorStore#spend}).
 */
public final class AuthenticatorApp implements CodeFactor, EnabledByCode, ResetByFlag {
    /** How long a secret shown for enrollment can be confirmed. */
    static final long ENROLLMENT_MILLIS = 15 * 60_000;

    private final FactorContext c;
    private final AuthenticatorStore store = new AuthenticatorStore();

    public AuthenticatorApp(FactorContext context) {
        this.c = context;
    }

    @Override
    public String id() {
        return "authenticator";
    }

    @Override
    public Set<String> webhookEvents() {
        return Set.of("AuthenticatorAdded", "AuthenticatorRemoved");
    }

    @Override
    public Set<String> resetFlags() {
        return Set.of("authenticator", "googleauthenticator");
    }

    /** {@code TwoFactorAuthentication.IsAuthenticator}, on unless turned off; both paths (and the legacy name) follow it. */
    @Override
    public boolean offeredBy(Tenant tenant) {
        return tenant.offersFactor("IsAuthenticator");
    }

    @Override
    public dev.latchkey.error.ApiException notOffered() {
        return LrError.AUTHENTICATOR_NOT_ENABLED.error();
    }

    @Override
    public String configuredCondition() {
        return "EXISTS (SELECT 1 FROM authenticators WHERE uid = :uid)";
    }

    /** {@code CreatedDate}: when the app was set up (never its secret). */
    @Override
    public void describeState(Handle h, Account account, boolean configured, ObjectNode state) {
        state.put("CreatedDate", store.verifiedAt(h, account.uid()).map(dev.latchkey.json.Json::iso).orElse(null));
    }

    /**
     * {@code IsAuthenticatorVerified} and its older twin {@code IsGoogleAuthenticatorVerified}; while not set up and
     * enrollment is offered, {@code QRCode} (a PNG data URL of the {@code otpauth://} URI) and {@code ManualEntryCode}
     * (the base32 secret), the same secret for the same login or session until it expires.
     */
    @Override
    public void describe(Handle h, Tenant tenant, Account account, boolean configured, Enrollment enrollment, ObjectNode sfa) {
        sfa.put("IsAuthenticatorVerified", configured);
        sfa.put("IsGoogleAuthenticatorVerified", configured);
        if (configured || enrollment == null || !offeredBy(tenant)) {
            return;
        }
        long now = c.clock().millis();
        String secret = store.pending(h, account.uid(), enrollment.boundTo(), now).map(c.secrets()::decrypt).orElse(null);
        if (secret == null) {
            byte[] key = new byte[Totp.SECRET_BYTES];
            Secrets.RANDOM.nextBytes(key);
            secret = Totp.base32(key);
            store.insertPending(h, account.uid(), enrollment.boundTo(), c.secrets().encrypt(secret), now, now + ENROLLMENT_MILLIS);
        }
        sfa.put("QRCode", QrCodes.pngDataUrl(otpauthUri(tenant, account, secret)));
        sfa.put("ManualEntryCode", secret);
    }

    /** {@code otpauth://totp/ISSUER:ACCOUNT?secret=…&issuer=…} (Google Authenticator's key URI format); the issuer is the tenant's name. */
    static String otpauthUri(Tenant tenant, Account account, String secret) {
        String issuer = tenant.name() == null || tenant.name().isBlank() ? "Latchkey" : tenant.name();
        return "otpauth://totp/" + encode(issuer) + ":" + encode(label(account)) + "?secret=" + secret + "&issuer=" + encode(issuer)
                + "&algorithm=SHA1&digits=" + Totp.DIGITS + "&period=" + Totp.STEP_MILLIS / 1000;
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** What the app lists the entry as: the email, else the username, else the phone, else the uid. */
    private static String label(Account account) {
        JsonNode p = account.profile();
        for (JsonNode v : new JsonNode[] {p.path("Email").path(0).path("Value"), p.path("UserName"), p.path("PhoneId")}) {
            if (v.isTextual() && !v.asText().isBlank()) {
                return v.asText();
            }
        }
        return account.uid();
    }

    @Override
    public LrError wrongCode() {
        return LrError.AUTHENTICATOR_CODE_INVALID;
    }

    /**
     * A wrong code reads the authenticator (or the pending enrollment) and writes nothing; a replayed one's conditional
     * {@code UPDATE} changes no row before the {@link RejectedAnswer} (whose record is written after, as it must be).
     */
    @Override
    public boolean writesWhenWrong() {
        return false;
    }

    @Override
    public Verdict verify(Handle h, Tenant tenant, Account account, String code, Enrollment enrollment, Audit.Origin origin) {
        long now = c.clock().millis();
        String typed = code.replaceAll("\\s", "");
        Optional<AuthenticatorStore.Verified> verified = store.verified(h, account.uid());
        if (verified.isPresent()) {
            OptionalLong step = Totp.matchingStep(key(verified.get().sealedSecret()), typed, now);
            if (step.isEmpty()) {
                return Verdict.WRONG;
            }
            if (store.spend(h, account.uid(), step.getAsLong())) {
                return Verdict.RIGHT;
            }
            // A right code of a step already used: a replay (someone saw the code, or the user's app was copied). Refused
            // like a wrong one, written to the audit trail and told to the user (ASVS 2.8.5).
            throw new RejectedAnswer(h2 -> replayed(h2, tenant, account, origin, now));
        }
        if (enrollment == null) {
            throw LrError.AUTHENTICATOR_NOT_CONFIGURED.error();
        }
        String sealed = store.pending(h, account.uid(), enrollment.boundTo(), now).orElseThrow(LrError.AUTHENTICATOR_NOT_CONFIGURED::error);
        OptionalLong step = Totp.matchingStep(key(sealed), typed, now);
        if (step.isEmpty()) {
            return Verdict.WRONG;
        }
        added(h, tenant, account, sealed, step.getAsLong(), enrollment.change(), now);
        return Verdict.ENROLLED;
    }

    private void replayed(Handle h, Tenant tenant, Account account, Audit.Origin origin, long now) {
        c.audit().record(h, tenant.id(), origin, new Audit.Event(Audit.LOGIN_FAILED, Audit.Outcome.FAILURE, account.uid(), null,
                LrError.AUTHENTICATOR_CODE_INVALID.code, "authenticator code replayed (its step was already used)"), now);
        c.notices().changed(h, tenant, account, "A used authenticator code was tried again",
                origin, now);
    }

    @Override
    public Account enable(Tenant tenant, Account account, String code, Enrollment enrollment, FactorChange change) {
        long now = c.clock().millis();
        return c.jdbi().inTransaction(h -> {
            c.accounts().lockRow(h, account.uid());
            if (isConfigured(h, account)) {
                throw LrError.AUTHENTICATOR_NOT_ENABLED.withDescription("An authenticator is already set up for this account: "
                        + "reset it (DELETE /identity/v2/auth/account/2fa/authenticator) before setting up another.");
            }
            String sealed = store.pending(h, account.uid(), enrollment.boundTo(), now).orElseThrow(() ->
                    LrError.AUTHENTICATOR_NOT_CONFIGURED.withDescription("No authenticator is being set up for this session: read "
                            + "GET /identity/v2/auth/account/2fa for a QRCode and ManualEntryCode, then send a code of the app."));
            OptionalLong step = Totp.matchingStep(key(sealed), code.replaceAll("\\s", ""), now);
            if (step.isEmpty()) {
                throw LrError.AUTHENTICATOR_CODE_INVALID.error();
            }
            added(h, tenant, account, sealed, step.getAsLong(), change, now);
            return c.accounts().byUid(h, tenant.id(), account.uid()).orElseThrow();
        });
    }

    private void added(Handle h, Tenant tenant, Account account, String sealed, long step, FactorChange change, long now) {
        store.insertVerified(h, account.uid(), sealed, step, now);
        c.accounts().setMfaEnrolled(h, account.uid(), true);
        tell(h, tenant, account, "AuthenticatorAdded", Audit.FACTOR_ADDED, "An authenticator app was set up", change, now);
    }

    @Override
    public void reset(Tenant tenant, Account account, FactorChange change, FactorRemoval removal) {
        c.jdbi().useTransaction(h -> {
            c.accounts().lockRow(h, account.uid());
            if (store.deleteVerified(h, account.uid()) == 0) {
                throw LrError.AUTHENTICATOR_NOT_CONFIGURED.error();
            }
            removal.removed(h, account);
            tell(h, tenant, account, "AuthenticatorRemoved", Audit.FACTOR_REMOVED, "The authenticator app was removed", change, c.clock().millis());
        });
    }

    private void tell(Handle h, Tenant tenant, Account account, String event, String auditEvent, String notice, FactorChange change, long now) {
        c.announce(h, tenant, account, event, auditEvent, "authenticator app", notice, change, now);
    }

    private byte[] key(String sealed) {
        return Totp.fromBase32(c.secrets().decrypt(sealed));
    }
}
