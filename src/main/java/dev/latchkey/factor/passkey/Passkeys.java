package dev.latchkey.factor.passkey;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.webauthn4j.WebAuthnManager;
import com.webauthn4j.converter.AttestedCredentialDataConverter;
import com.webauthn4j.converter.util.ObjectConverter;
import com.webauthn4j.credential.CredentialRecordImpl;
import com.webauthn4j.data.AuthenticationData;
import com.webauthn4j.data.AuthenticationParameters;
import com.webauthn4j.data.AuthenticationRequest;
import com.webauthn4j.data.AuthenticatorTransport;
import com.webauthn4j.data.PublicKeyCredentialParameters;
import com.webauthn4j.data.PublicKeyCredentialType;
import com.webauthn4j.data.RegistrationData;
import com.webauthn4j.data.RegistrationParameters;
import com.webauthn4j.data.RegistrationRequest;
import com.webauthn4j.data.attestation.authenticator.AttestedCredentialData;
import com.webauthn4j.data.attestation.authenticator.AuthenticatorData;
import com.webauthn4j.data.attestation.statement.COSEAlgorithmIdentifier;
import com.webauthn4j.data.attestation.statement.NoneAttestationStatement;
import com.webauthn4j.data.client.Origin;
import com.webauthn4j.data.client.challenge.DefaultChallenge;
import com.webauthn4j.server.ServerProperty;
import com.webauthn4j.verifier.exception.MaliciousCounterValueException;
import dev.latchkey.account.Account;
import dev.latchkey.account.AccountStore;
import dev.latchkey.audit.Audit;
import dev.latchkey.crypto.Secrets;
import dev.latchkey.factor.FactorChange;
import dev.latchkey.factor.FactorContext;
import dev.latchkey.factor.FactorRemoval;
import dev.latchkey.factor.SecondFactor;
import dev.latchkey.error.LrError;
import dev.latchkey.json.Json;
import dev.latchkey.tenant.Tenant;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Passkeys as a second factor (WebAuthn, webauthn4j): the ceremonies' options, the verification of a browser's
 * attestation or assertion against the tenant's relying party, and the account's passkeys. Challenges are 32 random
 * bytes, stored, bound to what they were issued for, and consumed in the transaction that finishes the ceremony.
 */
public final class Passkeys implements SecondFactor {
    /** The WebAuthn timeout the options announce; the challenge itself lives as long as what it is bound to. */
    static final int TIMEOUT_MILLIS = 60_000;

    /** ES256, ES384, ES512, RS256, RS384, RS512, PS256, PS384, PS512, EdDSA: LoginRadius's list. */
    private static final long[] ALGORITHMS = {-7, -35, -36, -257, -258, -259, -37, -38, -39, -8};
    private static final List<PublicKeyCredentialParameters> PUB_KEY_PARAMS = java.util.Arrays.stream(ALGORITHMS)
            .mapToObj(a -> new PublicKeyCredentialParameters(PublicKeyCredentialType.PUBLIC_KEY, COSEAlgorithmIdentifier.create(a)))
            .toList();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    private final Jdbi jdbi;
    private final AccountStore accounts;
    private final Clock clock;
    private final PasskeyStore store = new PasskeyStore();

    /**
     * webauthn4j's manager and credential converter, made on first use: their Jackson mappers took 0.35 s of the node's
     * start (issue 16); {@link #warmUp} makes them after start-up, off its path. Stateless, so one per JVM.
     */
    private static final class WebAuthn {
        static final WebAuthnManager MANAGER = WebAuthnManager.createNonStrictWebAuthnManager();
        static final AttestedCredentialDataConverter CREDENTIALS = new AttestedCredentialDataConverter(new ObjectConverter());
    }

    /** Makes webauthn4j's manager now (a warm-up after start), so that the first passkey does not wait for it. */
    public static void warmUp() {
        java.util.Objects.requireNonNull(WebAuthn.MANAGER);
    }

    private final dev.latchkey.webhook.WebhookOutbox outbox;
    private final Audit audit;
    private final dev.latchkey.message.SecurityNotices notices;

    public Passkeys(FactorContext c) {
        dev.latchkey.crypto.FastEcdsa.install();
        this.notices = c.notices();
        this.outbox = c.outbox();
        this.audit = c.audit();
        this.jdbi = c.jdbi();
        this.accounts = c.accounts();
        this.clock = c.clock();
    }

    static String b64(byte[] bytes) {
        return B64.encodeToString(bytes);
    }

    @Override
    public String configuredCondition() {
        return "EXISTS (SELECT 1 FROM passkeys WHERE uid = :uid AND possibly_cloned = FALSE)";
    }

    @Override
    public String id() {
        return "passkey";
    }

    @Override
    public Set<String> webhookEvents() {
        return Set.of("PasskeyAdded", "PasskeyRemoved");
    }

    @Override
    public void describe(Handle h, Tenant tenant, Account account, boolean configured, Enrollment enrollment, ObjectNode secondFactorAuthentication) {
        secondFactorAuthentication.put("IsPasskeyAuthenticatorVerified", configured);
    }

    /** {@code Passkeys}: each one's Id, when and how it was added and last used, and whether it may have been cloned. */
    @Override
    public void describeState(Handle h, Account account, boolean configured, ObjectNode state) {
        ArrayNode list = state.putArray("Passkeys");
        for (PasskeyStore.Passkey p : store.ofAccount(h, account.uid())) {
            list.addObject().put("Id", p.id()).put("CreatedDate", Json.iso(p.createdAt()))
                    .put("LastUsedDate", p.lastUsedAt() == null ? null : Json.iso(p.lastUsedAt()))
                    .put("EnrolledVia", p.enrolledVia()).put("IsPossiblyCloned", p.possiblyCloned());
        }
    }

    /**
     * Unfinished ceremonies a 2FA token or a session holds at most: a new begin drops the oldest beyond this, so however
     * many begins a client sends, the rows stay bounded and its newest ceremonies work (a failed finish leaves its
     * challenge for another try). Bound per 2FA token or session, never per account, so that one holder of the password
     * cannot crowd out the user's own ceremonies.
     */
    static final int MAX_LIVE_CHALLENGES = 5;

    private String newChallenge(Handle h, Tenant tenant, Account account, String purpose, String boundTo, long expiresAt) {
        store.keepNewestChallenges(h, boundTo, MAX_LIVE_CHALLENGES - 1);
        byte[] bytes = new byte[32];
        Secrets.RANDOM.nextBytes(bytes);
        String challenge = b64(bytes);
        store.insertChallenge(h, challenge, tenant.id(), account.uid(), purpose, boundTo, clock.millis(), expiresAt);
        return challenge;
    }

    private static ArrayNode descriptors(List<PasskeyStore.Passkey> passkeys) {
        ArrayNode list = Json.MAPPER.createArrayNode();
        for (PasskeyStore.Passkey p : passkeys) {
            ObjectNode d = list.addObject().put("type", "public-key").put("id", p.credentialId());
            ArrayNode transports = d.putArray("transports");
            if (p.transports() != null && !p.transports().isEmpty()) {
                for (String t : p.transports().split(",")) {
                    transports.add(t);
                }
            }
        }
        return list;
    }

    /** {@code PublicKeyCredentialRequestOptions} for an MFA login; 1328 when the account has no usable passkey. */
    public ObjectNode requestOptions(Tenant tenant, RelyingParty rp, Account account, String boundTo, long expiresAt) {
        return jdbi.inTransaction(h -> {
            List<PasskeyStore.Passkey> usable = store.ofAccount(h, account.uid()).stream().filter(p -> !p.possiblyCloned()).toList();
            if (usable.isEmpty()) {
                throw LrError.PASSKEY_MFA_NOT_CONFIGURED.error();
            }
            ObjectNode o = Json.object();
            o.put("challenge", newChallenge(h, tenant, account, "login", boundTo, expiresAt));
            o.put("timeout", TIMEOUT_MILLIS);
            o.put("rpId", rp.id());
            o.set("allowCredentials", descriptors(usable));
            o.put("userVerification", rp.userVerification());
            return o;
        });
    }

    /** {@code PublicKeyCredentialCreationOptions} to enroll a passkey, excluding the account's existing ones. */
    public ObjectNode creationOptions(Tenant tenant, RelyingParty rp, Account account, String boundTo, long expiresAt) {
        return jdbi.inTransaction(h -> {
            ObjectNode o = Json.object();
            o.putObject("rp").put("name", rp.name()).put("id", rp.id());
            String name = userName(account);
            o.putObject("user").put("name", name).put("displayName", displayName(account, name))
                    .put("id", b64(account.uid().getBytes(StandardCharsets.UTF_8)));
            o.put("challenge", newChallenge(h, tenant, account, "enroll", boundTo, expiresAt));
            ArrayNode params = o.putArray("pubKeyCredParams");
            for (long alg : ALGORITHMS) {
                params.addObject().put("type", "public-key").put("alg", alg);
            }
            o.put("timeout", TIMEOUT_MILLIS);
            o.set("excludeCredentials", descriptors(store.ofAccount(h, account.uid())));
            o.putObject("authenticatorSelection").put("requireResidentKey", false).put("residentKey", "preferred")
                    .put("userVerification", rp.userVerification());
            o.put("attestation", "none");
            return o;
        });
    }

    private static String userName(Account a) {
        JsonNode emails = a.profile().path("Email");
        if (emails.isArray() && emails.size() > 0) {
            return emails.get(0).path("Value").asText();
        }
        if (a.profile().hasNonNull("UserName")) {
            return a.profile().get("UserName").asText();
        }
        return a.profile().path("PhoneId").asText(a.uid());
    }

    private static String displayName(Account a, String fallback) {
        for (String k : new String[] {"FullName", "FirstName"}) {
            if (a.profile().hasNonNull(k) && !a.profile().get(k).asText().isBlank()) {
                return a.profile().get(k).asText();
            }
        }
        return fallback;
    }

    private static ServerProperty serverProperty(RelyingParty rp, byte[] challenge) {
        Set<Origin> origins = rp.origins().stream().map(Origin::new).collect(Collectors.toCollection(LinkedHashSet::new));
        return new ServerProperty(origins, rp.id(), new DefaultChallenge(challenge));
    }

    /**
     * The {@code PasskeyCredential} a client sent, checked for the shape WebAuthn gives it: an object, type
     * "public-key", id equal to rawId. Its binary fields are read here (base64url) rather than by webauthn4j's JSON
     * parser, whose Jackson 3 bean deserializers are rebuilt on every call (a profile showed most of a finish there).
     */
    private static Optional<JsonNode> credentialObject(JsonNode credential) {
        if (credential == null || !credential.isObject()) {
            return Optional.empty();
        }
        JsonNode type = Json.field(credential, "type");
        JsonNode id = Json.field(credential, "id");
        JsonNode rawId = Json.field(credential, "rawId");
        if (type == null || !"public-key".equals(type.asText()) || id == null || !id.isTextual()
                || (rawId != null && !rawId.asText().equals(id.asText()))) {
            return Optional.empty();
        }
        JsonNode response = Json.field(credential, "response");
        return response != null && response.isObject() ? Optional.of(credential) : Optional.empty();
    }

    /** A base64url field of the credential's response; null when absent; IllegalArgumentException when not base64url. */
    private static byte[] bytes(JsonNode node, String field) {
        JsonNode v = Json.field(node, field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new IllegalArgumentException(field);
        }
        return B64D.decode(v.asText());
    }

    private static String extensions(JsonNode credential) {
        JsonNode ext = Json.field(credential, "clientExtensionResults");
        return ext == null || !ext.isObject() ? null : Json.write(ext);
    }

    /**
     * Verifies an MFA assertion inside the login's transaction: challenge consumed, credential the account's own,
     * signature, origin, RP ID hash, user presence (and verification when required), sign counter; counter updated.
     * A counter that went backwards marks the passkey as possibly cloned, which survives the rollback.
     */
    public boolean verifyAssertion(Handle h, Tenant tenant, RelyingParty rp, Account account, String boundTo, JsonNode credential) {
        Optional<JsonNode> c = credentialObject(credential);
        if (c.isEmpty()) {
            return false;
        }
        AuthenticationData data;
        try {
            JsonNode response = Json.field(c.get(), "response");
            data = WebAuthn.MANAGER.parse(new AuthenticationRequest(B64D.decode(Json.field(c.get(), "id").asText()), bytes(response, "userHandle"),
                    bytes(response, "authenticatorData"), bytes(response, "clientDataJSON"), extensions(c.get()), bytes(response, "signature")));
        } catch (RuntimeException e) {
            return false;
        }
        if (data.getCollectedClientData() == null || data.getCollectedClientData().getChallenge() == null || data.getCredentialId() == null) {
            return false;
        }
        byte[] challenge = data.getCollectedClientData().getChallenge().getValue();
        long now = clock.millis();
        if (!store.consumeChallenge(h, b64(challenge), account.uid(), "login", boundTo, now)) {
            return false;
        }
        PasskeyStore.Passkey passkey = store.byCredentialId(h, tenant.id(), b64(data.getCredentialId())).orElse(null);
        if (passkey == null || !passkey.uid().equals(account.uid()) || passkey.possiblyCloned()) {
            return false;
        }
        // No allowCredentials list (webauthn4j skips the check): it would be the account's passkeys, and the one used was
        // just found to be the account's own and not possibly cloned; reading the list was a round trip per finish.
        AuthenticationParameters params = new AuthenticationParameters(serverProperty(rp, challenge), record(passkey), null,
                rp.userVerificationRequired(), true);
        try {
            WebAuthn.MANAGER.verify(data, params);
        } catch (MaliciousCounterValueException e) {
            throw new dev.latchkey.factor.RejectedAnswer(h2 -> store.markPossiblyCloned(h2, passkey.id()));
        } catch (RuntimeException e) {
            return false;
        }
        AuthenticatorData<?> ad = data.getAuthenticatorData();
        store.recordUse(h, passkey.id(), ad.getSignCount(), ad.isFlagBS(), ad.isFlagUV(), now);
        return true;
    }

    /**
     * Decoded public keys by passkey Id. A passkey's attested credential data never changes, so this cache is safe on
     * every node: whether the passkey still exists, its counter and its flags are read from the database each time.
     */
    private final java.util.concurrent.ConcurrentHashMap<String, AttestedCredentialData> decoded = new java.util.concurrent.ConcurrentHashMap<>();

    private CredentialRecordImpl record(PasskeyStore.Passkey p) {
        if (decoded.size() > 50_000) {
            decoded.clear();
        }
        AttestedCredentialData acd = decoded.computeIfAbsent(p.id(), id -> WebAuthn.CREDENTIALS.convert(B64D.decode(p.credential())));
        Set<AuthenticatorTransport> transports = new LinkedHashSet<>();
        if (p.transports() != null && !p.transports().isEmpty()) {
            for (String t : p.transports().split(",")) {
                transports.add(AuthenticatorTransport.create(t));
            }
        }
        return new CredentialRecordImpl(new NoneAttestationStatement(), p.uvInitialized(), p.backupEligible(), p.backupState(),
                p.signCount(), acd, null, null, null, transports);
    }

    /**
     * Verifies a registration inside the caller's transaction and stores the passkey: challenge consumed, attestation,
     * origin, RP ID hash, user presence (and verification when required), an allowed algorithm, a credential id new to
     * the tenant. {@code via} is "login" (enrolled during an MFA login) or "account" (signed in).
     */
    public Optional<PasskeyStore.Passkey> register(Handle h, Tenant tenant, RelyingParty rp, Account account, String boundTo,
                                         JsonNode credential, String via, FactorChange change) {
        Optional<JsonNode> c = credentialObject(credential);
        if (c.isEmpty()) {
            return Optional.empty();
        }
        RegistrationData data;
        try {
            JsonNode response = Json.field(c.get(), "response");
            Set<String> transports = new LinkedHashSet<>();
            JsonNode t = Json.field(response, "transports");
            if (t != null && t.isArray()) {
                t.forEach(x -> transports.add(x.asText()));
            }
            data = WebAuthn.MANAGER.parse(new RegistrationRequest(bytes(response, "attestationObject"), bytes(response, "clientDataJSON"),
                    extensions(c.get()), transports));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
        if (data.getCollectedClientData() == null || data.getCollectedClientData().getChallenge() == null
                || data.getAttestationObject() == null) {
            return Optional.empty();
        }
        byte[] challenge = data.getCollectedClientData().getChallenge().getValue();
        long now = clock.millis();
        if (!store.consumeChallenge(h, b64(challenge), account.uid(), "enroll", boundTo, now)) {
            return Optional.empty();
        }
        try {
            WebAuthn.MANAGER.verify(data, new RegistrationParameters(serverProperty(rp, challenge), PUB_KEY_PARAMS, rp.userVerificationRequired(), true));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
        AuthenticatorData<?> ad = data.getAttestationObject().getAuthenticatorData();
        AttestedCredentialData acd = ad.getAttestedCredentialData();
        String credentialId = b64(acd.getCredentialId());
        if (store.byCredentialId(h, tenant.id(), credentialId).isPresent()) {
            return Optional.empty();
        }
        String transports = data.getTransports() == null ? null
                : data.getTransports().stream().map(AuthenticatorTransport::getValue).collect(Collectors.joining(","));
        PasskeyStore.Passkey passkey = new PasskeyStore.Passkey(Secrets.guid(), tenant.id(), account.uid(), credentialId,
                b64(WebAuthn.CREDENTIALS.convert(acd)), ad.getSignCount(), ad.isFlagUV(), ad.isFlagBE(), ad.isFlagBS(),
                transports, via, false, now, null);
        store.insert(h, passkey);
        accounts.setMfaEnrolled(h, account.uid(), true);
        refreshPasskeyLogin(h, account.uid());
        notify(h, tenant, account.uid(), "PasskeyAdded", change, now);
        audit.record(h, tenant.id(), change.origin(), Audit.Event.success(Audit.FACTOR_ADDED, account.uid(), "passkey " + passkey.id()), now);
        notices.changed(h, tenant, account, "A passkey was added", change.origin(), now);
        return Optional.of(passkey);
    }

    /** Enrolls from a signed-in account, in its own transaction. */
    public Optional<PasskeyStore.Passkey> enroll(Tenant tenant, RelyingParty rp, Account account, String boundTo, JsonNode credential,
                                       FactorChange change) {
        return jdbi.inTransaction(h -> {
            accounts.lockRow(h, account.uid());
            return register(h, tenant, rp, account, boundTo, credential, "account", change);
        });
    }

    /** {@code Profile.PasskeyLogin}, kept true: enrolled during login (progressive) and/or from the account (local). */
    private void refreshPasskeyLogin(Handle h, String uid) {
        List<PasskeyStore.Passkey> all = store.ofAccount(h, uid);
        if (all.isEmpty()) {
            accounts.setProfileField(h, uid, "PasskeyLogin", null);
            return;
        }
        Optional<PasskeyStore.Passkey> progressive = all.stream().filter(p -> p.enrolledVia().equals("login")).findFirst();
        ObjectNode pl = Json.object();
        pl.put("ProgressiveFlag", progressive.isPresent());
        pl.put("LocalEnrollmentFlag", all.stream().anyMatch(p -> p.enrolledVia().equals("account")));
        pl.put("ProgressiveEnrollmentDate", progressive.map(p -> Instant.ofEpochMilli(p.createdAt()).toString()).orElse(null));
        accounts.setProfileField(h, uid, "PasskeyLogin", pl);
    }

    private void notify(Handle h, Tenant tenant, String uid, String event, FactorChange change, long now) {
        accounts.byUid(h, tenant.id(), uid).ifPresent(a ->
                outbox.enqueue(h, tenant, event, dev.latchkey.account.ProfileSchema.render(a, now), change.suppresses(tenant, event), now));
    }

    /** The account's passkeys, oldest first. */
    public List<PasskeyStore.Passkey> list(Account account) {
        return jdbi.withHandle(h -> store.ofAccount(h, account.uid()));
    }

    /**
     * Removes one passkey; 1325 when the account has no passkey with that Id. {@code removal} decides, in the same
     * transaction, what removing the account's last factor means (or refuses it).
     */
    public void remove(Tenant tenant, Account account, String id, FactorChange change, FactorRemoval removal) {
        jdbi.useTransaction(h -> {
            accounts.lockRow(h, account.uid());
            if (store.delete(h, account.uid(), id) != 1) {
                throw LrError.PASSKEY_ID_INVALID.error();
            }
            removed(h, tenant, account, change, removal, "passkey " + id);
        });
    }

    /** Turns passkey MFA off for the account (all its passkeys); 1328 when it has none. */
    public void removeAll(Tenant tenant, Account account, FactorChange change, FactorRemoval removal) {
        jdbi.useTransaction(h -> {
            accounts.lockRow(h, account.uid());
            if (store.deleteAll(h, account.uid()) == 0) {
                throw LrError.PASSKEY_MFA_NOT_CONFIGURED.error();
            }
            removed(h, tenant, account, change, removal, "all passkeys");
        });
    }

    private void removed(Handle h, Tenant tenant, Account account, FactorChange change, FactorRemoval removal, String what) {
        long now = clock.millis();
        removal.removed(h, account);
        refreshPasskeyLogin(h, account.uid());
        notify(h, tenant, account.uid(), "PasskeyRemoved", change, now);
        audit.record(h, tenant.id(), change.origin(), Audit.Event.success(Audit.FACTOR_REMOVED, account.uid(), what), now);
        notices.changed(h, tenant, account, what.startsWith("all") ? "Passkeys were turned off" : "A passkey was removed", change.origin(), now);
    }
}
