package dev.latchkey.account;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.audit.Audit;
import dev.latchkey.crypto.PasswordHasher;
import dev.latchkey.crypto.Secrets;
import dev.latchkey.error.ApiException;
import dev.latchkey.error.LrError;
import dev.latchkey.json.Json;
import dev.latchkey.tenant.Tenant;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/**
 * Account management use cases (the Management API): create, read, update (including block via IsActive), delete.
 * Blocking an account or setting its password ends its sessions; every change is written to the audit trail.
 */
public final class Accounts {
    private final Jdbi jdbi;
    private final AccountStore store;
    private final PasswordHasher hasher;
    private final dev.latchkey.webhook.WebhookOutbox outbox;
    private final Audit audit;
    private final SecurityNotice notices;
    private final Clock clock;

    public Accounts(Jdbi jdbi, AccountStore store, PasswordHasher hasher, dev.latchkey.webhook.WebhookOutbox outbox, Audit audit,
                    SecurityNotice notices, Clock clock) {
        this.notices = notices;
        this.jdbi = jdbi;
        this.store = store;
        this.hasher = hasher;
        this.outbox = outbox;
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * Creates an account; fires CreateTraditionalAccount unless {@code notify} is false (the request suppressed webhooks).
     * {@code origin}: who asked, for the audit trail.
     */
    public Account create(Tenant tenant, JsonNode body, boolean notify, Audit.Origin origin) {
        return insert(tenant, body, notify, origin, "CreateTraditionalAccount");
    }

    /**
     * A sign-up by a proven address (reference §17.2, one-touch login: the link opened, the SMS code entered): {@code body}
     * holds the address ({@code Email} with {@code EmailVerified: true}, or {@code PhoneId} with {@code PhoneIdVerified:
     * true}) and a name, no password; LoginRadius's {@code Register}.
     */
    public Account registerProven(Tenant tenant, ObjectNode body, boolean notify, Audit.Origin origin) {
        return insert(tenant, body, notify, origin, "Register", true);
    }

    private Account insert(Tenant tenant, JsonNode body, boolean notify, Audit.Origin origin, String event) {
        return insert(tenant, body, notify, origin, event, event.equals("CreateTraditionalAccount"));
    }

    /** {@code trusted}: the body may say the phone is verified (the application, or a proven sign-up). */
    private Account insert(Tenant tenant, JsonNode body, boolean notify, Audit.Origin origin, String event, boolean trusted) {
        ObjectNode profile = Json.object();
        ProfileSchema.merge(profile, body);
        List<String[]> ids = ProfileSchema.identifiers(profile);
        if (ids.isEmpty()) {
            throw ApiException.validation("Email", "An Email, UserName or PhoneId is required.");
        }
        String password = password(tenant, body);
        if (profile.hasNonNull("PhoneId")) {
            // A number the application sets is taken as verified unless it says otherwise; a user's own waits for its code.
            profile.put("PhoneIdVerified", trusted && bool(body, "PhoneIdVerified", true));
        }
        long now = clock.millis();
        Account account = new Account(Secrets.guid(), tenant.id(), profile,
                password == null ? null : hasher.hash(password),
                bool(body, "IsActive", true), bool(body, "EmailVerified", false),
                0, null, password == null ? null : now, 0, 0, null, now, now, 0, false);
        try {
            refuseUnregistrable(tenant, ids, java.util.Set.of());
            jdbi.useTransaction(h -> {
                rejectTaken(store.takenIdentifier(h, tenant.id(), null, ids));
                rejectConfusable(store.confusableIdentifier(h, tenant.id(), null, ids));
                store.insert(h, account, ids);
                outbox.enqueue(h, tenant, event, ProfileSchema.render(account, now), !notify, now);
                audit.record(h, tenant.id(), origin, Audit.Event.success(Audit.ACCOUNT_CREATED, account.uid(), null), now);
            });
        } catch (UnableToExecuteStatementException e) {
            // Another node inserted the same identifier between our check and our insert.
            throw raced(tenant, null, ids, e);
        }
        return account;
    }

    /** An account as an import brings it (TenantTransfer): its own uid, flags, counts and dates; a stored password hash. */
    public record Imported(String uid, JsonNode profile, String passwordHash, boolean active, boolean emailVerified,
                           int logins, Long lastLoginAt, Long passwordChangedAt, long createdAt, long modifiedAt, boolean mfaEnrolled) {}

    /**
     * Inserts an imported account in the caller's transaction, its profile validated like the Management API's and its
     * identifiers checked against the tenant's accounts (936/1058/1029-like refusals as {@link ApiException}). No webhook
     * (LoginRadius's imports send none); the import is audited once per batch by its caller. False when the tenant holds
     * that uid already (an import resumed or repeated: the line was imported before).
     */
    public boolean importAccount(org.jdbi.v3.core.Handle h, Tenant tenant, Imported a) {
        if (a.uid() == null || !UID.matcher(a.uid()).matches()) {
            throw ApiException.validation("Uid", "The Uid must be 1 to 36 letters, digits, '_' or '-'.");
        }
        if (store.uidTaken(h, a.uid())) {
            if (store.byUid(h, tenant.id(), a.uid()).isPresent()) {
                return false;
            }
            throw ApiException.validation("Uid", "The Uid is already in use.");
        }
        ObjectNode profile = Json.object();
        ProfileSchema.merge(profile, a.profile());
        if (a.profile().hasNonNull("PhoneIdVerified") && profile.hasNonNull("PhoneId")) {
            profile.put("PhoneIdVerified", a.profile().get("PhoneIdVerified").asBoolean(false));
        }
        List<String[]> ids = ProfileSchema.identifiers(profile);
        if (ids.isEmpty()) {
            throw ApiException.validation("Email", "An Email, UserName or PhoneId is required.");
        }
        Account account = new Account(a.uid(), tenant.id(), profile, a.passwordHash(), a.active(), a.emailVerified(), a.logins(),
                a.lastLoginAt(), a.passwordChangedAt(), 0, 0, null, a.createdAt(), a.modifiedAt(), 0, a.mfaEnrolled());
        rejectTaken(store.takenIdentifier(h, tenant.id(), null, ids));
        rejectConfusable(store.confusableIdentifier(h, tenant.id(), null, ids));
        store.insert(h, account, ids);
        store.importedState(h, account);
        return true;
    }

    /**
     * {@code POST /auth/register}: a user signs up. Unlike the Management API's create, the body cannot choose what only
     * the application may ({@code IsActive}, {@code EmailVerified}, {@code Uid}): the account is active and its email
     * unverified. A primary email (1038) and a password are required; the webhook event is LoginRadius's {@code Register}.
     */
    public Account register(Tenant tenant, JsonNode body, boolean notify, Audit.Origin origin) {
        ObjectNode own = body.deepCopy();
        java.util.List<String> names = new java.util.ArrayList<>();
        own.fieldNames().forEachRemaining(names::add);
        for (String f : names) {
            for (String privileged : new String[] {"IsActive", "EmailVerified", "Uid", "PhoneIdVerified"}) {
                if (f.equalsIgnoreCase(privileged)) {
                    own.remove(f);
                }
            }
        }
        ObjectNode probe = Json.object();
        ProfileSchema.merge(probe, own);
        // An email, or a phone number (LoginRadius's phone registration, reference §16): each is verified by its own code.
        if (ProfileSchema.primaryEmail(probe) == null && !probe.hasNonNull("PhoneId")) {
            throw LrError.EMAIL_REQUIRED.error();
        }
        if (password(tenant, own) == null) {
            throw ApiException.validation("Password", "The Password is required.");
        }
        return insert(tenant, own, notify, origin, "Register");
    }

    /**
     * The account's email is verified (its link was followed): {@code EmailVerified} becomes true and LoginRadius's
     * {@code EmailVerification} webhook event is sent; the account as it is now.
     */
    public Account markEmailVerified(Tenant tenant, String uid, boolean notify, Audit.Origin origin) {
        return markEmailVerified(tenant, uid, false, notify, origin);
    }

    /**
     * {@link #markEmailVerified}; {@code signsIn}: the proof is a sign-in (a passwordless, smart or one-touch link or code),
     * so whoever set the password before the address was proven (anyone may sign up with any address) loses it: the
     * password goes, every session ends, and what they asked for dies.
     */
    public Account markEmailVerified(Tenant tenant, String uid, boolean signsIn, boolean notify, Audit.Origin origin) {
        long now = clock.millis();
        return jdbi.inTransaction(h -> {
            store.lockRow(h, uid);
            boolean changed = store.setEmailVerified(h, uid, now);
            Account current = store.byUid(h, tenant.id(), uid).orElseThrow(LrError.USER_NOT_FOUND::error);
            if (changed && signsIn && current.passwordHash() != null) {
                store.clearPassword(h, uid);
                store.endSessions(h, uid, now);
                AccountLinks.endPending(h, uid, now);
                PhoneCodes.endForAccount(h, uid, now);
                current = store.byUid(h, tenant.id(), uid).orElseThrow(LrError.USER_NOT_FOUND::error);
            }
            if (changed) {
                outbox.enqueue(h, tenant, "EmailVerification", ProfileSchema.render(current, now), !notify, now);
                audit.record(h, tenant.id(), origin, Audit.Event.success(Audit.ACCOUNT_UPDATED, uid, "email verified"), now);
            }
            return current;
        });
    }

    /** The tenant's account with that uid, if any (the operators' 404). */
    public java.util.Optional<Account> find(Tenant tenant, String uid) {
        return jdbi.withHandle(h -> store.byUid(h, tenant.id(), uid));
    }

    public Account get(Tenant tenant, String uid) {
        return jdbi.withHandle(h -> store.byUid(h, tenant.id(), uid)).orElseThrow(LrError.USER_NOT_FOUND::error);
    }

    /** The account an identifier ("email", "username", "phone") names, compared as the login compares it; 938 when none. */
    public Account byIdentifier(Tenant tenant, String kind, String value) {
        return jdbi.withHandle(h -> store.byLoginIdentifier(h, tenant.id(), kind, value)).orElseThrow(LrError.USER_NOT_FOUND::error);
    }

    /**
     * Updates; fires UpdateProfile, and BlockAccount when IsActive turns false, unless suppressed. Blocking the account or
     * setting its password ends all its sessions at once (access and refresh tokens, logins waiting for a second factor).
     */
    public Account update(Tenant tenant, String uid, JsonNode body, boolean notify, Audit.Origin origin) {
        return update(tenant, uid, body, notify, origin, "SetPassword", "UpdateProfile");
    }

    /**
     * {@code PUT /auth/account}: the user edits their own profile. What only the application may change ({@code IsActive},
     * {@code EmailVerified}, {@code Uid}, the password) and the identifiers that have their own flows ({@code Email}: added
     * and removed by {@link #addEmail}, {@link #removeEmail}; {@code PhoneId}) are left out; with {@code nullSupport}
     * false (LoginRadius's default) a null leaves the field as it is instead of clearing it. Fires UpdateProfile.
     */
    public Account updateOwn(Tenant tenant, String uid, JsonNode body, boolean nullSupport, boolean notify, Audit.Origin origin) {
        ObjectNode own = Json.object();
        body.fields().forEachRemaining(e -> {
            String key = ProfileSchema.canonical(e.getKey());
            if (key == null || SELF_EXCLUDED.contains(key) || (e.getValue().isNull() && !nullSupport)) {
                return;
            }
            own.set(e.getKey(), e.getValue());
        });
        return update(tenant, uid, own, notify, origin, "SetPassword", "UpdateProfile");
    }

    private static final java.util.Set<String> SELF_EXCLUDED = java.util.Set.of("Email", "PhoneId", "PhoneIdVerified", "Password", "IsActive",
            "EmailVerified", "Uid");

    /**
     * Adds {@code email} (of {@code type}) to the account's addresses, now that its owner followed the link: LoginRadius's
     * {@code AddEmail} event (a new Primary makes the old one Secondary). Already there: nothing changes. 936 when another
     * account took it meanwhile.
     */
    public Account addEmail(Tenant tenant, String uid, String email, String type, boolean notify, Audit.Origin origin) {
        String kind = type == null || type.isBlank() ? "Secondary" : type;
        return updateLocked(tenant, uid, current -> {
            com.fasterxml.jackson.databind.node.ArrayNode emails = emails(current);
            if (hasEmail(current, email)) {
                return Json.object(); // already there: nothing changes
            }
            if (kind.equalsIgnoreCase("Primary")) {
                emails.forEach(e -> {
                    if ("Primary".equalsIgnoreCase(e.path("Type").asText())) {
                        ((ObjectNode) e).put("Type", "Secondary"); // one primary address: the new one takes the role
                    }
                });
            }
            emails.addObject().put("Type", kind).put("Value", email);
            return Json.object().set("Email", emails);
        }, notify, origin, "AddEmail");
    }

    /**
     * Removes {@code email} from the account's addresses (1340 when it has no such address, 1005 when it is the only one);
     * when it was the primary one, the first left becomes primary. LoginRadius's {@code RemoveEmail} event.
     */
    public Account removeEmail(Tenant tenant, String uid, String email, boolean notify, Audit.Origin origin) {
        String key = Identifiers.key("email", email);
        return updateLocked(tenant, uid, current -> {
            if (!hasEmail(current, email)) {
                throw LrError.EMAIL_NOT_IN_PROFILE.error();
            }
            com.fasterxml.jackson.databind.node.ArrayNode left = Json.MAPPER.createArrayNode();
            boolean primaryGone = false;
            for (JsonNode e : emails(current)) {
                if (Identifiers.key("email", e.path("Value").asText()).equals(key)) {
                    primaryGone |= "Primary".equalsIgnoreCase(e.path("Type").asText());
                } else {
                    left.add(e);
                }
            }
            if (left.isEmpty()) {
                throw LrError.ONLY_EMAIL.error();
            }
            if (primaryGone) {
                ((ObjectNode) left.get(0)).put("Type", "Primary");
            }
            return Json.object().set("Email", left);
        }, notify, origin, "RemoveEmail");
    }

    /** {@code PUT /auth/username}: the account's UserName (1024 malformed, 1017 taken); LoginRadius's {@code SetUsername} event. */
    public Account setUsername(Tenant tenant, String uid, String username, boolean notify, Audit.Origin origin) {
        if (!ProfileSchema.validUsername(username)) {
            throw LrError.USERNAME_FORMAT.error();
        }
        return update(tenant, uid, Json.object().put("UserName", username), notify, origin, "SetPassword", "SetUsername");
    }

    /**
     * {@code PUT /manage/account/{uid}/invalidateemail}: the account's email counts as unverified again (where the tenant
     * requires verification, its logins wait for a new link); LoginRadius's {@code InvalidateEmailVerification} event.
     */
    public Account invalidateEmailVerification(Tenant tenant, String uid, boolean notify, Audit.Origin origin) {
        return update(tenant, uid, Json.object().put("EmailVerified", false), notify, origin, "SetPassword", "InvalidateEmailVerification");
    }

    /** {@code PUT /manage/account/{uid}/phoneid}: the account's PhoneId (1134 malformed, 1058 taken); {@code UpdatePhoneId}. */
    public Account setPhoneId(Tenant tenant, String uid, String phone, boolean notify, Audit.Origin origin) {
        return update(tenant, uid, Json.object().put("PhoneId", phone), notify, origin, "SetPassword", "UpdatePhoneId");
    }

    /**
     * The user proved {@code phone} with its code (sign-up, a resend, a new number): it is the account's PhoneId, verified
     * (1058 when another account took it meanwhile). LoginRadius's {@code VerifyPhoneNumber}, after {@code UpdatePhoneId}
     * when the number is new to the account.
     */
    public Account setVerifiedPhone(Tenant tenant, String uid, String phone, boolean notify, Audit.Origin origin) {
        return updateLocked(tenant, uid, current -> Json.object().put("PhoneId", phone).put("PhoneIdVerified", true), notify, origin,
                current -> Identifiers.key("phone", phone).equals(current.phoneKey()) ? "VerifyPhoneNumber" : "UpdatePhoneId+VerifyPhoneNumber");
    }

    /** {@code DELETE /auth/phone}: the account's PhoneId goes (1292 when it has none); {@code RemovePhoneId}. */
    public Account removePhone(Tenant tenant, String uid, boolean notify, Audit.Origin origin) {
        return updateLocked(tenant, uid, current -> {
            if (current.phoneKey() == null) {
                throw LrError.NO_PHONE.error();
            }
            return Json.object().putNull("PhoneId");
        }, notify, origin, current -> "RemovePhoneId");
    }

    /**
     * {@code PUT /manage/account/{uid}/email} (LoginRadius's upsert): each address of {@code emails} joins the account's,
     * or changes its Type where the account has it already; fires UpdateProfile.
     */
    public Account upsertEmails(Tenant tenant, String uid, JsonNode emails, boolean notify, Audit.Origin origin) {
        ObjectNode probe = Json.object();
        ProfileSchema.merge(probe, Json.object().set("Email", emails));
        if (!probe.has("Email") || probe.get("Email").isEmpty()) {
            throw LrError.EMAIL_REQUIRED.error();
        }
        return updateLocked(tenant, uid, current -> {
            com.fasterxml.jackson.databind.node.ArrayNode merged = emails(current);
            for (JsonNode e : probe.get("Email")) {
                String key = Identifiers.key("email", e.get("Value").asText());
                boolean found = false;
                for (JsonNode m : merged) {
                    if (Identifiers.key("email", m.path("Value").asText()).equals(key)) {
                        ((ObjectNode) m).put("Type", e.get("Type").asText());
                        found = true;
                    }
                }
                if (!found) {
                    merged.add(e);
                }
            }
            return Json.object().set("Email", merged);
        }, notify, origin, "UpdateProfile");
    }

    /** Whether {@code email} is one of the account's addresses, compared as logins compare them. */
    public static boolean hasEmail(Account account, String email) {
        return emailKeys(account).contains(Identifiers.key("email", email));
    }

    private static java.util.Set<String> emailKeys(Account account) {
        java.util.Set<String> keys = new java.util.HashSet<>();
        emails(account).forEach(e -> keys.add(Identifiers.key("email", e.path("Value").asText())));
        return keys;
    }

    private static com.fasterxml.jackson.databind.node.ArrayNode emails(Account account) {
        JsonNode emails = account.profile().get("Email");
        return emails != null && emails.isArray() ? ((com.fasterxml.jackson.databind.node.ArrayNode) emails).deepCopy()
                : Json.MAPPER.createArrayNode();
    }

    /**
     * A new password for the account ({@code event}: LoginRadius's {@code ChangePassword} when its user changed it,
     * {@code SetPassword} when the application set it): the policy checked, every session ended, the user told. Returns the
     * account as it is now (its new hash included).
     */
    public Account setPassword(Tenant tenant, String uid, String password, String event, boolean notify, Audit.Origin origin) {
        if (password == null) {
            throw ApiException.validation("Password", "The Password is required.");
        }
        return update(tenant, uid, Json.object().put("Password", password), notify, origin, event, "UpdateProfile");
    }

    private Account update(Tenant tenant, String uid, JsonNode body, boolean notify, Audit.Origin origin, String passwordEvent,
                           String profileEvent) {
        return update(tenant, uid, body, null, notify, origin, passwordEvent, a -> profileEvent);
    }

    /** {@link #update} with a body made from the account as it is under its row lock (see the core update below). */
    private Account updateLocked(Tenant tenant, String uid, java.util.function.Function<Account, JsonNode> change, boolean notify,
                                 Audit.Origin origin, String profileEvent) {
        return update(tenant, uid, null, change, notify, origin, "SetPassword", a -> profileEvent);
    }

    /** {@link #updateLocked}, whose event(s) ({@code A+B}: both, in order) depend on the account as it is. */
    private Account updateLocked(Tenant tenant, String uid, java.util.function.Function<Account, JsonNode> change, boolean notify,
                                 Audit.Origin origin, java.util.function.Function<Account, String> profileEvent) {
        return update(tenant, uid, null, change, notify, origin, "SetPassword", profileEvent);
    }

    /**
     * The update itself, of {@code fixed} (a body), or of the body {@code change} makes from the account as it is under its
     * row lock (so that changes built on the addresses, such as adding or removing one, cannot undo each other when they
     * race). A password in {@code fixed} is hashed before the transaction; a {@code change} sets none.
     */
    private Account update(Tenant tenant, String uid, JsonNode fixed, java.util.function.Function<Account, JsonNode> change, boolean notify,
                           Audit.Origin origin, String passwordEvent, java.util.function.Function<Account, String> profileEvents) {
        long now = clock.millis();
        // Validated and hashed before the transaction: Argon2id must not hold a connection and the account's row lock.
        String password = fixed == null ? null : password(tenant, fixed);
        String newHash = password == null ? null : hasher.hash(password);
        java.util.concurrent.atomic.AtomicReference<List<String[]>> wanted = new java.util.concurrent.atomic.AtomicReference<>(List.of());
        try {
            return jdbi.inTransaction(h -> {
                store.lockRow(h, uid); // the account's row first (the lock order), then its identifiers and tokens
                Account current = store.byUid(h, tenant.id(), uid).orElseThrow(LrError.USER_NOT_FOUND::error);
                JsonNode body = fixed != null ? fixed : change.apply(current);
                String profileEvent = profileEvents.apply(current);
                ObjectNode profile = current.profile().deepCopy();
                ProfileSchema.merge(profile, body);
                // PhoneIdVerified is the server's: a number set here by the application is verified unless it says
                // otherwise (a user's own number is set by setVerifiedPhone, after its code); it goes with the number.
                String oldPhone = current.phoneKey();
                String newPhone = profile.hasNonNull("PhoneId") ? Identifiers.key("phone", profile.get("PhoneId").asText()) : null;
                JsonNode askedVerified = Json.field(body, "PhoneIdVerified");
                if (newPhone == null) {
                    profile.remove("PhoneIdVerified");
                } else if (askedVerified != null && askedVerified.isBoolean()) {
                    profile.put("PhoneIdVerified", askedVerified.asBoolean());
                } else if (!newPhone.equals(oldPhone)) {
                    profile.put("PhoneIdVerified", true);
                }
                if (!java.util.Objects.equals(oldPhone, newPhone) || password != null) {
                    PhoneCodes.endForAccount(h, uid, now); // codes sent for the old number, or asked for before the password
                }
                if (password != null) {
                    profile.remove("IsPasswordBreached"); // a new password passed the check (see LoginFlow)
                }
                List<String[]> ids = ProfileSchema.identifiers(profile);
                if (ids.isEmpty()) {
                    throw ApiException.validation("Email", "An Email, UserName or PhoneId is required.");
                }
                wanted.set(ids);
                // Identifiers the account already holds stay acceptable, even if registered before today's policy.
                refuseUnregistrable(tenant, ids, store.identifierKeys(h, uid));
                rejectTaken(store.takenIdentifier(h, tenant.id(), uid, ids));
                rejectConfusable(store.confusableIdentifier(h, tenant.id(), uid, ids));
                Account next = new Account(uid, tenant.id(), profile,
                        newHash == null ? current.passwordHash() : newHash,
                        bool(body, "IsActive", current.active()), bool(body, "EmailVerified", current.emailVerified()),
                        current.noOfLogins(), current.lastLoginAt(), password == null ? current.passwordChangedAt() : now,
                        current.passwordFailures(), current.secondFactorFailures(), current.lockedUntil(), current.createdAt(), now,
                        current.sessionGeneration(), current.mfaEnrolled());
                store.updateProfile(h, next, ids, now);
                ObjectNode rendered = ProfileSchema.render(next, now);
                for (String event : profileEvent.split("\\+")) {
                    outbox.enqueue(h, tenant, event, rendered, !notify, now);
                }
                audit.record(h, tenant.id(), origin, Audit.Event.success(Audit.ACCOUNT_UPDATED, uid, null), now);
                boolean blocked = current.active() && !next.active();
                if (blocked) {
                    outbox.enqueue(h, tenant, "BlockAccount", rendered, !notify, now);
                    audit.record(h, tenant.id(), origin, Audit.Event.success(Audit.ACCOUNT_BLOCKED, uid, null), now);
                }
                if (password != null) {
                    outbox.enqueue(h, tenant, passwordEvent, rendered, !notify, now);
                    audit.record(h, tenant.id(), origin, Audit.Event.success(Audit.PASSWORD_SET, uid, null), now);
                    notices.changed(h, tenant, next, "The password was changed", origin, now);
                }
                if (blocked || password != null) {
                    store.endSessions(h, uid, now);
                    // What a thief may have asked for with a session must not outlive it: additions, resets, deletions.
                    AccountLinks.endPending(h, uid, now);
                    dev.latchkey.account.SignInPolls.endForAccount(h, uid, now);
                    audit.record(h, tenant.id(), origin, Audit.Event.success(Audit.SESSIONS_ENDED, uid,
                            blocked ? "account blocked" : "password set"), now);
                }
                // An address that left the account takes its links with it (a reset or deletion link sent there, a code).
                java.util.Set<String> gone = emailKeys(current);
                gone.removeAll(emailKeys(next));
                AccountLinks.endForAddresses(h, uid, gone, now);
                if (!gone.isEmpty()) {
                    dev.latchkey.account.SignInPolls.endForAccount(h, uid, now); // smart-login links sent there, among others
                }
                if (profileEvent.equals("AddEmail") || profileEvent.equals("RemoveEmail")) {
                    // Told at the addresses the account had, so that an address slipped in (or one taken out) is noticed.
                    notices.changed(h, tenant, current, profileEvent.equals("AddEmail") ? "An email address was added to the account"
                            : "An email address was removed from the account", origin, now);
                }
                return next;
            });
        } catch (UnableToExecuteStatementException e) {
            // Another node took one of the new identifiers between our check and our write.
            throw raced(tenant, uid, wanted.get(), e);
        }
    }

    private static final java.util.regex.Pattern UID = java.util.regex.Pattern.compile("[A-Za-z0-9_-]{1,36}");

    /**
     * {@code PUT /manage/account/uid?uid=} with {@code {"NewUid"}}: the account gets a new uid (letters, digits, '_' and
     * '-', 1 to 36 characters: 1134 otherwise, or when another account has it); its sessions, factors and links follow;
     * the old uid is kept in {@code PreviousUids}. LoginRadius's {@code UpdateUid} event.
     */
    public Account changeUid(Tenant tenant, String uid, String newUid, boolean notify, Audit.Origin origin) {
        if (newUid == null || !UID.matcher(newUid).matches()) {
            throw ApiException.validation("NewUid", "The NewUid must be 1 to 36 letters, digits, '_' or '-'.");
        }
        long now = clock.millis();
        return jdbi.inTransaction(h -> {
            store.lockRow(h, uid);
            Account current = store.byUid(h, tenant.id(), uid).orElseThrow(LrError.USER_NOT_FOUND::error);
            if (newUid.equals(uid)) {
                return current;
            }
            if (store.uidTaken(h, newUid)) {
                throw ApiException.validation("NewUid", "The NewUid is already in use.");
            }
            try {
                store.changeUid(h, uid, newUid);
            } catch (UnableToExecuteStatementException raced) {
                // another change took the same NewUid between the check and the insert
                throw ApiException.validation("NewUid", "The NewUid is already in use.");
            }
            com.fasterxml.jackson.databind.node.ArrayNode previous = Json.MAPPER.createArrayNode();
            JsonNode before = current.profile().get("PreviousUids");
            if (before != null && before.isArray()) {
                previous.addAll((com.fasterxml.jackson.databind.node.ArrayNode) before);
            }
            previous.add(uid);
            store.setProfileField(h, newUid, "PreviousUids", previous);
            Account next = store.byUid(h, tenant.id(), newUid).orElseThrow();
            outbox.enqueue(h, tenant, "UpdateUid", ProfileSchema.render(next, now), !notify, now);
            audit.record(h, tenant.id(), origin, Audit.Event.success(Audit.ACCOUNT_UPDATED, newUid, "uid changed from " + uid), now);
            return next;
        });
    }

    /** Deletes (its tokens, codes and passkeys go with it); fires DeleteAccount with the profile as it was, unless suppressed. */
    public void delete(Tenant tenant, String uid, boolean notify, Audit.Origin origin) {
        long now = clock.millis();
        jdbi.useTransaction(h -> {
            Account gone = store.byUid(h, tenant.id(), uid).orElseThrow(LrError.USER_NOT_FOUND::error);
            if (!store.delete(h, tenant.id(), uid)) {
                throw LrError.USER_NOT_FOUND.error();
            }
            outbox.enqueue(h, tenant, "DeleteAccount", ProfileSchema.render(gone, now), !notify, now);
            audit.record(h, tenant.id(), origin, Audit.Event.success(Audit.ACCOUNT_DELETED, uid, null), now);
        });
    }

    /** 1134 naming the field when a new identifier breaks the policy of {@link Identifiers#problem}. */
    private static void refuseUnregistrable(Tenant tenant, List<String[]> ids, java.util.Set<String> held) {
        for (String[] id : ids) {
            if (held.contains(id[0] + ":" + id[1])) {
                continue;
            }
            String problem = Identifiers.problem(id[0], id[2], tenant.allowsMixedScriptIdentifiers());
            if (problem != null) {
                String field = switch (id[0]) {
                    case "email" -> "Email";
                    case "username" -> "UserName";
                    default -> "PhoneId";
                };
                throw ApiException.validation(field, "The " + field + " '" + id[2] + "' cannot be registered. " + problem);
            }
        }
    }

    /** An identifier that looks like another account's is as good as taken: the same code, saying why. */
    private static void rejectConfusable(Optional<String> kind) {
        kind.ifPresent(k -> {
            LrError e = switch (k) {
                case "email" -> LrError.EMAIL_EXISTS;
                case "username" -> LrError.USERNAME_EXISTS;
                default -> LrError.PHONE_EXISTS;
            };
            throw e.withDescription("It looks the same as one already registered with this site (a look-alike character), "
                    + "so it cannot be used: choose a different one.");
        });
    }

    private static void rejectTaken(Optional<String> kind) {
        kind.ifPresent(k -> {
            throw switch (k) {
                case "email" -> LrError.EMAIL_EXISTS.error();
                case "username" -> LrError.USERNAME_EXISTS.error();
                default -> LrError.PHONE_EXISTS.error();
            };
        });
    }

    private RuntimeException raced(Tenant tenant, String uid, List<String[]> ids, UnableToExecuteStatementException e) {
        if (!ids.isEmpty()) {
            Optional<String> kind = jdbi.withHandle(h -> store.takenIdentifier(h, tenant.id(), uid, ids));
            if (kind.isPresent()) {
                rejectTaken(kind);
            }
        }
        return e;
    }

    private static boolean bool(JsonNode body, String key, boolean dflt) {
        JsonNode v = Json.field(body, key);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isBoolean()) {
            throw ApiException.validation(key, "The " + key + " field must be a boolean.");
        }
        return v.asBoolean();
    }

    /**
     * The body's Password, or null: any text of {@code PasswordMinLength} (12 by default) to 128 characters, no
     * composition rule (ASVS 2.1.1, 2.1.2, 2.1.9; NUL and half surrogates are refused at the door).
     */
    /** A new password checked against the tenant's policy (1134 otherwise), before anything is spent on it. */
    public static void checkPassword(Tenant tenant, String password) {
        password(tenant, Json.object().put("Password", password));
    }

    private static String password(Tenant tenant, JsonNode body) {
        JsonNode v = Json.field(body, "Password");
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw ApiException.validation("Password", "The Password field must be a string.");
        }
        String p = v.asText();
        int min = tenant.passwordMinLength();
        if (p.codePointCount(0, p.length()) < min || p.length() > 128) {
            throw ApiException.validation("Password", "The Password must be " + min + " to 128 characters long.");
        }
        if (tenant.refusesBreachedPasswords() && BreachedPasswords.contains(p)) {
            throw LrError.PASSWORD_BREACHED.error(); // 1315 (ASVS 2.1.7)
        }
        return p;
    }
}
