package dev.latchkey.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.account.Account;
import dev.latchkey.account.AccountLinks;
import dev.latchkey.account.Accounts;
import dev.latchkey.account.Identifiers;
import dev.latchkey.account.ProfileSchema;
import dev.latchkey.audit.Audit;
import dev.latchkey.error.ApiException;
import dev.latchkey.error.LrError;
import dev.latchkey.json.Json;
import dev.latchkey.login.RecentSecondFactor;
import dev.latchkey.message.MessageTemplates;
import dev.latchkey.message.Messages;
import dev.latchkey.tenant.Tenant;
import java.util.ArrayList;
import java.util.List;

/**
 * What a signed-in user changes on their own account through the Auth API (reference §13, §15): the profile
 * ({@code PUT /auth/account}), its email addresses ({@code POST|DELETE /auth/email}), its username
 * ({@code PUT /auth/username}), its deletion (confirmed by an emailed link), and the availability checks of an email or a
 * username. Adding or removing an address asks for the proof of a recent second factor where the account has one, of the
 * password otherwise ({@link RecentSecondFactor#requireForAddresses}): whoever holds only a session must not be able to
 * route the account's recovery to their own mailbox. An added address joins the profile only once its owner follows the verification link.
 */
public final class ProfileApi {
    private final TenantGate gate;
    private final AccessGate access;
    private final Accounts accounts;
    private final AccountMail mail;
    private final RecentSecondFactor proof;

    public ProfileApi(TenantGate gate, AccessGate access, Accounts accounts, AccountMail mail, RecentSecondFactor proof) {
        this.gate = gate;
        this.access = access;
        this.accounts = accounts;
        this.mail = mail;
        this.proof = proof;
    }

    /**
     * {@code PUT /identity/v2/auth/account?nullsupport=&verificationurl=&emailtemplate=&fields=}: the user's own profile
     * fields (the Management API's validation); {@code {"IsPosted": true, "Data": profile}}. An {@code Email} array that
     * differs from the account's: addresses it adds are sent a verification link (they join when followed), addresses it
     * leaves out are removed; both need the recent second factor. {@code PhoneId} changes are not taken here.
     */
    public JsonNode update(LrRequest req) {
        AccessGate.SignedIn caller = access.signedIn(req);
        req.fields();
        JsonNode body = req.body();
        if (body == null || !body.isObject()) {
            throw LrError.PUT_BODY_INVALID.error();
        }
        boolean nullSupport = "true".equalsIgnoreCase(req.query("nullsupport"));
        Tenant tenant = caller.tenant();
        JsonNode emails = Json.field(body, "Email");
        List<String[]> added = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        if (emails != null && !emails.isNull()) {
            ObjectNode probe = Json.object();
            ProfileSchema.merge(probe, Json.object().set("Email", emails)); // the same validation as everywhere (1134)
            java.util.Set<String> wanted = new java.util.HashSet<>();
            for (JsonNode e : probe.get("Email")) {
                wanted.add(Identifiers.key("email", e.get("Value").asText()));
                if (!Accounts.hasEmail(caller.account(), e.get("Value").asText())) {
                    added.add(new String[] {e.get("Value").asText(), e.get("Type").asText()});
                }
            }
            for (JsonNode e : caller.account().profile().path("Email")) {
                if (!wanted.contains(Identifiers.key("email", e.path("Value").asText()))) {
                    removed.add(e.path("Value").asText());
                }
            }
            if (!added.isEmpty() || !removed.isEmpty()) {
                proof.requireForAddresses(tenant, caller.account(), caller.session().secondFactorAt(), caller.session().passwordAt());
            }
            if (!removed.isEmpty() && removed.size() == caller.account().profile().path("Email").size()) {
                // New addresses join only once their links are followed: every address the account has cannot go at once.
                throw LrError.ONLY_EMAIL.withDescription("The account would be left without an email address: add the new one "
                        + "first (it joins once its verification link is followed), then remove the old one.");
            }
        }
        Audit.Origin origin = caller.origin(req);
        boolean notify = !req.preventWebhook();
        for (String[] a : added) {
            checkAddition(req, tenant, caller.account(), a[0]);
        }
        Account after = accounts.updateOwn(tenant, caller.account().uid(), body, nullSupport, notify, origin);
        for (String[] a : added) {
            sendAddition(req, tenant, caller.account(), a[0], a[1]);
        }
        for (String r : removed) {
            after = accounts.removeEmail(tenant, after.uid(), r, notify, origin);
        }
        ObjectNode out = Json.object().put("IsPosted", true);
        out.set("Data", Responses.profile(req, ProfileSchema.render(after, mail.clock().millis())));
        return out;
    }

    /**
     * {@code POST /identity/v2/auth/email?verificationurl=&emailtemplate=} with {@code {"email", "type"}}: a verification
     * link to the new address, which joins the profile when it is followed (LoginRadius's {@code AddEmail} event then);
     * {@code {"IsPosted": true}}. Where the tenant's verification is Disabled, it joins at once. 1201 without a type, 1038
     * malformed, 1174 already the account's, 936 another account's; the recent second factor where the account has one.
     */
    public JsonNode addEmail(LrRequest req) {
        AccessGate.SignedIn caller = access.signedIn(req);
        String email = req.requiredBodyString("email").strip();
        String type = req.bodyString("type");
        if (type == null || type.isBlank()) {
            throw LrError.EMAIL_TYPE_REQUIRED.error();
        }
        if (type.length() > 64) {
            throw LrError.PARAMETER_FORMAT.withDescription("The type is too long.");
        }
        proof.requireForAddresses(caller.tenant(), caller.account(), caller.session().secondFactorAt(), caller.session().passwordAt());
        if (Accounts.hasEmail(caller.account(), email)) {
            throw LrError.EMAIL_UPDATE_NOT_ALLOWED.error();
        }
        checkAddition(req, caller.tenant(), caller.account(), email);
        sendAddition(req, caller.tenant(), caller.account(), email, type.strip());
        return Responses.posted();
    }

    /** A new address must be well formed, registrable, nobody's, and its link must be allowed and sendable. */
    private void checkAddition(LrRequest req, Tenant tenant, Account account, String email) {
        if (!ProfileSchema.validEmail(email)) {
            throw LrError.EMAIL_REQUIRED.error();
        }
        String problem = Identifiers.problem("email", email, tenant.allowsMixedScriptIdentifiers());
        if (problem != null) {
            throw ApiException.validation("Email", "The email '" + email + "' cannot be registered. " + problem);
        }
        String base = mail.allowedUrl(tenant, req.query("verificationurl"), "verificationurl");
        List<String[]> ids = List.<String[]>of(new String[] {"email", Identifiers.key("email", email), email});
        boolean taken = mail.jdbi().withHandle(h -> mail.store().takenIdentifier(h, tenant.id(), account.uid(), ids).isPresent()
                || mail.store().confusableIdentifier(h, tenant.id(), account.uid(), ids).isPresent());
        if (taken) {
            throw LrError.EMAIL_EXISTS.error();
        }
        if (!"Disabled".equals(tenant.emailVerificationFlow()) && !mail.mail().canSend(tenant, MessageTemplates.Channel.EMAIL)) {
            throw LrError.EMAIL_LIMIT.withDescription("This site has no email delivery configured, so no verification link can be sent.");
        }
    }

    /** The link to a checked new address (or the address added at once where verification is Disabled). */
    private void sendAddition(LrRequest req, Tenant tenant, Account account, String email, String type) {
        String base = mail.allowedUrl(tenant, req.query("verificationurl"), "verificationurl");
        if ("Disabled".equals(tenant.emailVerificationFlow())) {
            accounts.addEmail(tenant, account.uid(), email, type, !req.preventWebhook(), req.origin(Audit.Actor.USER));
            return;
        }
        long now = mail.clock().millis();
        mail.jdbi().useTransaction(h -> mail.sendAddition(h, tenant, account, email, type, base, req.query("emailtemplate"), now));
    }

    /**
     * {@code DELETE /identity/v2/auth/email} with {@code {"email"}}: the address leaves the profile (1340 not the account's,
     * 1005 its only one); LoginRadius's {@code RemoveEmail} event; {@code {"IsDeleted": true}}. The recent second factor
     * where the account has one.
     */
    public JsonNode removeEmail(LrRequest req) {
        AccessGate.SignedIn caller = access.signedIn(req);
        String email = req.requiredBodyString("email").strip();
        proof.requireForAddresses(caller.tenant(), caller.account(), caller.session().secondFactorAt(), caller.session().passwordAt());
        accounts.removeEmail(caller.tenant(), caller.account().uid(), email, !req.preventWebhook(), caller.origin(req));
        return Responses.deleted();
    }

    /** {@code GET /identity/v2/auth/email?email=}: {@code {"IsExist": bool}} (LoginRadius's availability check; see {@link #exists}). */
    /** {@code GET /identity/v2/auth/phone?phone=}: {@code {"IsExist"}} (6002 where {@code Security.AvailabilityChecks} is off). */
    public JsonNode phoneAvailability(LrRequest req) {
        return exists(req, "phone");
    }

    public JsonNode emailAvailability(LrRequest req) {
        return exists(req, "email");
    }

    /** {@code GET /identity/v2/auth/username?username=}: {@code {"IsExist": bool}}. */
    public JsonNode usernameAvailability(LrRequest req) {
        return exists(req, "username");
    }

    /**
     * Whether an account of this tenant has the identifier: an enumeration by design (LoginRadius answers it to anyone with
     * the apikey, and registration would tell as much); a tenant turns it off with {@code Security.AvailabilityChecks}
     * (then 6002).
     */
    private JsonNode exists(LrRequest req, String kind) {
        Tenant tenant = gate.tenant(req);
        String value = req.identifierQuery(kind);
        if (value == null || value.isBlank()) {
            throw LrError.required(kind);
        }
        if (value.length() > 320) {
            throw LrError.PARAMETER_FORMAT.withDescription("The " + kind + " is too long.");
        }
        if (!tenant.availabilityChecks()) {
            throw LrError.ACCESS_UNAUTHORIZED.withDescription("This site does not answer whether an " + kind
                    + " is registered (Security.AvailabilityChecks is off).");
        }
        boolean exists = mail.jdbi().withHandle(h -> mail.store().byLoginIdentifier(h, tenant.id(), kind, value).isPresent());
        return Json.object().put("IsExist", exists);
    }

    /** {@code PUT /identity/v2/auth/username} with {@code {"username"}}: {@code {"IsPosted": true}}; 1024 malformed, 1017 taken; {@code SetUsername}. */
    public JsonNode setUsername(LrRequest req) {
        AccessGate.SignedIn caller = access.signedIn(req);
        String username = req.requiredBodyString("username");
        accounts.setUsername(caller.tenant(), caller.account().uid(), username, !req.preventWebhook(), caller.origin(req));
        return Responses.posted();
    }

    /**
     * {@code GET /identity/v2/auth/account/sendwelcomeemail?welcomeemailtemplate=}: the welcome email again, to the
     * account's primary address (whatever {@code EmailVerification.WelcomeEmail} says: the application asks);
     * {@code {"IsPosted": true}}.
     */
    public JsonNode sendWelcome(LrRequest req) {
        AccessGate.SignedIn caller = access.signedIn(req);
        if (!mail.mail().canSend(caller.tenant(), MessageTemplates.Channel.EMAIL)) {
            throw LrError.EMAIL_LIMIT.withDescription("This site has no email delivery configured, so no welcome email can be sent.");
        }
        mail.jdbi().useTransaction(h -> mail.sendWelcome(h, caller.tenant(), caller.account(), req.query("welcomeemailtemplate"),
                mail.clock().millis()));
        return Responses.posted();
    }

    /**
     * {@code DELETE /identity/v2/auth/account?deleteurl=&emailtemplate=}: a link {@code deleteurl?vtype=deleteuser&vtoken=…}
     * is emailed to the account's primary address (the URL must be allowed, as every emailed link's; the hosted page by
     * default), at most 5 an hour; {@code {"IsDeleteRequestAccepted": true}}. Nothing is deleted until the link is followed.
     */
    public JsonNode requestDeletion(LrRequest req) {
        AccessGate.SignedIn caller = access.signedIn(req);
        req.body(); // LoginRadius clients may send a body on DELETE; it must at least be JSON
        Tenant tenant = caller.tenant();
        Account account = caller.account();
        String to = ProfileSchema.primaryEmail(account.profile());
        if (to == null) {
            throw LrError.NO_VERIFIED_EMAIL.withDescription("The account has no email address to send the confirmation link to.");
        }
        String base = mail.allowedUrl(tenant, req.query("deleteurl"), "deleteurl");
        if (!mail.mail().canSend(tenant, MessageTemplates.Channel.EMAIL)) {
            throw LrError.EMAIL_LIMIT.withDescription("This site has no email delivery configured, so no confirmation link can be sent.");
        }
        String template = req.query("emailtemplate");
        long now = mail.clock().millis();
        mail.jdbi().useTransaction(h -> {
            if (!mail.deletions().mayStart(h, account.uid(), now)) {
                return;
            }
            String token = mail.deletions().start(h, tenant, account.uid(), to, now, tenant.deleteAccountMillis());
            String url = AccountMail.link(base, "deleteuser", token);
            mail.mail().sendLink(h, tenant, account, Messages.Purpose.DELETE_ACCOUNT, template, to, url,
                    Math.max(1, tenant.deleteAccountMillis() / 60_000), now);
        });
        return Json.object().put("IsDeleteRequestAccepted", true);
    }

    /**
     * {@code GET /identity/v2/auth/account/delete?deletetoken=}: the emailed link's token, once (1119 unknown, 974 used,
     * 975 expired): the account is deleted, with everything it holds; LoginRadius's {@code DeleteAccount} event;
     * {@code {"IsPosted": true}}.
     */
    public JsonNode confirmDeletion(LrRequest req) {
        Tenant tenant = gate.tenant(req);
        String token = req.requiredQuery("deletetoken").strip();
        AccountLinks.Spent spent = mail.deletions().spend(tenant, token, mail.clock().millis(), LrError.DELETE_TOKEN_INVALID);
        accounts.delete(tenant, spent.uid(), !req.preventWebhook(), req.origin(Audit.Actor.USER));
        return Responses.posted();
    }
}
