package dev.latchkey.http;

import dev.latchkey.factor.passkey.RelyingParty;

import dev.latchkey.factor.passkey.PasskeyStore;
import dev.latchkey.factor.passkey.Passkeys;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.account.Account;
import dev.latchkey.account.Accounts;
import dev.latchkey.audit.Audit;
import dev.latchkey.factor.FactorChange;
import dev.latchkey.crypto.Secrets;
import dev.latchkey.error.ApiException;
import dev.latchkey.error.LrError;
import dev.latchkey.json.Json;
import dev.latchkey.login.LoginContext;
import dev.latchkey.login.LoginFlow;
import dev.latchkey.login.RecentSecondFactor;
import dev.latchkey.login.StepUp;
import dev.latchkey.tenant.Tenant;
import java.time.Clock;
import java.util.Optional;

/**
 * The passkey endpoints (reference §2.3, §3.1): MFA login begin/finish (seed 000), enrollment during an MFA login and
 * from a signed-in account, and managing an account's passkeys (user and admin).
 */
public final class PasskeyApi {
    /** How long an account enrollment's challenge lives (at most as long as the access token). */
    private static final long ENROLL_CHALLENGE_MILLIS = 5 * 60_000;

    private final TenantGate gate;
    private final AccessGate access;
    private final LoginFlow flow;
    private final Passkeys passkeys;
    private final Accounts accounts;
    private final Secrets secrets;
    private final RecentSecondFactor proof;
    private final Clock clock;
    private final StepUp stepUp;

    public PasskeyApi(TenantGate gate, AccessGate access, LoginFlow flow, Passkeys passkeys, Accounts accounts, Secrets secrets,
                      RecentSecondFactor proof, StepUp stepUp, Clock clock) {
        this.stepUp = stepUp;
        this.gate = gate;
        this.proof = proof;
        this.access = access;
        this.flow = flow;
        this.passkeys = passkeys;
        this.accounts = accounts;
        this.secrets = secrets;
        this.clock = clock;
    }

    private static ObjectNode wrap(String name, ObjectNode publicKey) {
        ObjectNode o = Json.object();
        o.putObject(name).set("publicKey", publicKey);
        return o;
    }

    /** The body's {@code PasskeyCredential} (key case-insensitive); 908 when absent. */
    private static JsonNode credential(LrRequest req) {
        JsonNode c = Json.field(req.body(), "PasskeyCredential");
        if (c == null || c.isNull()) {
            throw LrError.required("PasskeyCredential");
        }
        return c;
    }

    /** Reads the request's body (kept by the request for later); the refusal of one that cannot be read, else null. */
    private static ApiException readBody(LrRequest req) {
        try {
            req.body();
            return null;
        } catch (ApiException e) {
            return e;
        }
    }

    /** {@code GET /identity/v2/auth/login/2fa/passkey/begin}. */
    public JsonNode loginBegin(LrRequest req) {
        Tenant tenant = gate.tenant(req);
        RelyingParty rp = RelyingParty.of(tenant);
        LoginFlow.Pending p = flow.pending(tenant, req.secondFactorToken());
        return wrap("LoginBeginCredential",
                passkeys.requestOptions(tenant, rp, p.account(), p.challenge().tokenHash(), p.challenge().expiresAt()));
    }

    /** {@code POST /identity/v2/auth/login/2fa/passkey/finish}: the seed. */
    public JsonNode loginFinish(LrRequest req) {
        Tenant tenant = gate.tenant(req);
        req.fields();
        LoginContext ctx = req.loginContext();
        RelyingParty rp = RelyingParty.of(tenant);
        // The body is read now, before any connection or lock is held (a slow upload holds neither); a body that cannot be
        // read is answered after the token's checks, as before.
        ApiException bodyRefusal = readBody(req);
        // The token is read and checked in step 2's transaction, with the account's row lock (one round trip on PostgreSQL);
        // the credential is taken from the body after it, as before.
        return Responses.login(req, flow.completeSecondFactor(tenant, req.secondFactorToken(), ctx, "passkey", p -> {
            if (bodyRefusal != null) {
                throw bodyRefusal;
            }
            JsonNode credential = credential(req);
            String boundTo = p.challenge().tokenHash();
            return (h, account) -> passkeys.verifyAssertion(h, tenant, rp, account, boundTo, credential);
        }, LrError.PASSKEY_VERIFICATION_FAILED, p -> false));
    }

    /**
     * {@code GET /identity/v2/auth/login/2fa/register/passkey/begin}: with a SecondFactorAuthenticationToken, enrollment
     * during an MFA login; with only an access token, the documented Bearer variant of the account enrollment.
     */
    public JsonNode registerBegin(LrRequest req) {
        if (req.secondFactorToken() == null && req.accessToken() != null) {
            return accountRegisterBegin(req);
        }
        Tenant tenant = gate.tenant(req);
        RelyingParty rp = RelyingParty.of(tenant);
        LoginFlow.Pending p = flow.pending(tenant, req.secondFactorToken());
        refuseEnrollment(p);
        return wrap("RegisterBeginCredential",
                passkeys.creationOptions(tenant, rp, p.account(), p.challenge().tokenHash(), p.challenge().expiresAt()));
    }

    /**
     * Enrolling during login proves only the password, so it is for an account that never had a second factor (MFA
     * required, nothing set up). An account that has or had one must verify it (or ask an admin to reset it), then enroll
     * from the account. A login that risk-based authentication asked to confirm cannot be confirmed by enrolling either.
     */
    private void refuseEnrollment(LoginFlow.Pending p) {
        if (p.challenge().risk() != null) {
            throw LrError.PARAMETER_FORMAT.withDescription(
                    "This login must be confirmed with the link or code that was sent, or with a second factor already configured.");
        }
        if (!flow.mayEnrollWithPasswordAlone(p.account())) {
            throw LrError.PARAMETER_FORMAT.withDescription(
                    "A second factor is already configured for this account: verify it to log in, then add passkeys from the account.");
        }
    }

    /** {@code POST /identity/v2/auth/login/2fa/register/passkey/finish}: enrolls and completes the login. */
    public JsonNode registerFinish(LrRequest req) {
        Tenant tenant = gate.tenant(req);
        req.fields();
        LoginContext ctx = req.loginContext();
        RelyingParty rp = RelyingParty.of(tenant);
        LoginFlow.Pending p = flow.pending(tenant, req.secondFactorToken());
        refuseEnrollment(p);
        JsonNode credential = credential(req);
        String boundTo = p.challenge().tokenHash();
        return Responses.login(req, flow.completeSecondFactor(tenant, p, ctx, "passkey enrolled at login",
                (h, account) -> flow.mayEnrollWithPasswordAloneLocked(h, account)
                        && passkeys.register(h, tenant, rp, account, boundTo, credential, "login",
                                new FactorChange(ctx.preventWebhook(), true, ctx.origin())).isPresent(),
                LrError.PASSKEY_VERIFICATION_FAILED, true));
    }

    private String enrollmentBinding(AccessGate.SignedIn caller) {
        return secrets.hash("passkey-enroll:" + caller.accessToken());
    }

    /** A signed-in user about to change second factors: an account that has one needs a recent second factor (1193). */
    private AccessGate.SignedIn changing(LrRequest req) {
        AccessGate.SignedIn caller = access.signedIn(req);
        proof.require(caller.tenant(), caller.account(), caller.session().secondFactorAt());
        return caller;
    }

    private static FactorChange byUser(LrRequest req) {
        return new FactorChange(req.preventWebhook(), true, req.origin(Audit.Actor.USER));
    }

    private static FactorChange byApp(LrRequest req) {
        return new FactorChange(req.preventWebhook(), false, req.origin(Audit.Actor.APP));
    }

    /** {@code GET /identity/v2/auth/account/2fa/register/passkey/begin} (access token). */
    public JsonNode accountRegisterBegin(LrRequest req) {
        AccessGate.SignedIn caller = changing(req);
        RelyingParty rp = RelyingParty.of(caller.tenant());
        long expires = Math.min(clock.millis() + ENROLL_CHALLENGE_MILLIS, caller.sessionExpiresAt());
        return wrap("RegisterBeginCredential",
                passkeys.creationOptions(caller.tenant(), rp, caller.account(), enrollmentBinding(caller), expires));
    }

    /**
     * {@code POST /identity/v2/auth/account/2fa/register/passkey/finish}. LoginRadius documents two answers
     * ({@code IsPosted} and the new passkey's {@code Id, Authenticator, Identifier, CreatedAt}); this serves both in one.
     */
    public JsonNode accountRegisterFinish(LrRequest req) {
        AccessGate.SignedIn caller = changing(req);
        RelyingParty rp = RelyingParty.of(caller.tenant());
        FactorChange change = byUser(req);
        JsonNode credential = credential(req);
        String boundTo = enrollmentBinding(caller);
        Optional<PasskeyStore.Passkey> added = passkeys.enroll(caller.tenant(), rp, caller.account(), boundTo, credential, change);
        ObjectNode out = Json.object().put("IsPosted", true);
        out.setAll(view(added.orElseThrow(LrError.PASSKEY_VERIFICATION_FAILED::error)));
        return out;
    }

    /**
     * {@code GET /identity/v2/auth/account/reauth/2fa/passkey/begin} (access token): a step-up with a passkey, its
     * {@code LoginBeginCredential} bound to this access token for 5 minutes; 1191 where MFA is off.
     */
    public JsonNode reauthBegin(LrRequest req) {
        AccessGate.SignedIn caller = access.signedIn(req);
        StepUp.requireMfa(caller.tenant());
        RelyingParty rp = RelyingParty.of(caller.tenant());
        long expires = Math.min(clock.millis() + ENROLL_CHALLENGE_MILLIS, caller.sessionExpiresAt());
        return wrap("LoginBeginCredential", passkeys.requestOptions(caller.tenant(), rp, caller.account(), reauthBinding(caller), expires));
    }

    /**
     * {@code POST /identity/v2/auth/account/reauth/2fa/passkey/finish} with {@code {"PasskeyCredential"}}: the proof,
     * {@code {"SecondFactorValidationToken", "ExpireIn"}}; a failed assertion counts toward the lockout as at login (1321).
     */
    public JsonNode reauthFinish(LrRequest req) {
        AccessGate.SignedIn caller = access.signedIn(req);
        JsonNode credential = credential(req);
        StepUp.requireMfa(caller.tenant());
        RelyingParty rp = RelyingParty.of(caller.tenant());
        String boundTo = reauthBinding(caller);
        LoginContext ctx = req.loginContext();
        return Responses.stepUp(stepUp.withSecondFactor(caller.tenant(), caller.account(), caller.session().family(), ctx,
                "re-authentication: passkey", (h, account) -> passkeys.verifyAssertion(h, caller.tenant(), rp, account, boundTo, credential),
                LrError.PASSKEY_VERIFICATION_FAILED));
    }

    private String reauthBinding(AccessGate.SignedIn caller) {
        return secrets.hash("passkey-reauth:" + caller.accessToken());
    }

    /** A passkey as the API shows it (LoginRadius's {@code {Id, Authenticator, Identifier, CreatedAt}}, plus its use). */
    static ObjectNode view(PasskeyStore.Passkey p) {
        ObjectNode o = Json.object();
        o.put("Id", p.id());
        o.put("Authenticator", "Passkey");
        o.put("Identifier", p.credentialId());
        o.put("CreatedAt", Json.iso(p.createdAt()));
        o.put("LastUsedAt", p.lastUsedAt() == null ? null : Json.iso(p.lastUsedAt()));
        o.put("IsPossiblyCloned", p.possiblyCloned());
        return o;
    }

    public JsonNode list(LrRequest req) {
        return Responses.data(passkeys.list(access.signedIn(req).account()), PasskeyApi::view);
    }

    public JsonNode remove(LrRequest req) {
        AccessGate.SignedIn caller = changing(req);
        req.body();
        passkeys.remove(caller.tenant(), caller.account(), req.pathParam("id"), byUser(req), flow.afterRemoval(caller.tenant(), true));
        return Responses.deleted();
    }

    public JsonNode disable(LrRequest req) {
        AccessGate.SignedIn caller = changing(req);
        req.body();
        passkeys.removeAll(caller.tenant(), caller.account(), byUser(req), flow.afterRemoval(caller.tenant(), true));
        return Responses.deleted();
    }

    public JsonNode listByUid(LrRequest req) {
        Tenant tenant = gate.tenantWithSecret(req);
        return Responses.data(passkeys.list(accounts.get(tenant, req.requiredQuery("uid"))), PasskeyApi::view);
    }

    public JsonNode removeByUid(LrRequest req) {
        Tenant tenant = gate.tenantWithSecret(req);
        Account account = accounts.get(tenant, req.requiredQuery("uid"));
        req.body();
        passkeys.remove(tenant, account, req.pathParam("id"), byApp(req), flow.afterRemoval(tenant, false));
        return Responses.deleted();
    }

    public JsonNode disableByUid(LrRequest req) {
        Tenant tenant = gate.tenantWithSecret(req);
        Account account = accounts.get(tenant, req.requiredQuery("uid"));
        req.body();
        passkeys.removeAll(tenant, account, byApp(req), flow.afterRemoval(tenant, false));
        return Responses.deleted();
    }
}
