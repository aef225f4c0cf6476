package dev.latchkey.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.account.Account;
import dev.latchkey.account.AccountLinks;
import dev.latchkey.account.Accounts;
import dev.latchkey.account.PhoneCodes;
import dev.latchkey.account.ProfileSchema;
import dev.latchkey.audit.Audit;
import dev.latchkey.error.LrError;
import dev.latchkey.json.Json;
import dev.latchkey.login.LoginFlow;
import dev.latchkey.account.SignInPolls;
import dev.latchkey.message.Messages;
import dev.latchkey.tenant.Tenant;
import java.time.Clock;

/**
 * Sign-in without a password (reference §17), each way off until the tenant turns it on ({@code Passwordless.*}):
 * <ul>
 * <li>by email: a link ({@code GET /auth/login/passwordlesslogin/email}, then {@code …/email/verify?verificationtoken=})
 *     or the code the same email carries ({@code POST …/email/verifyotp}, {@code …/username/verifyotp});</li>
 * <li>by SMS: a code ({@code GET …/passwordlesslogin/otp?phone=}, then {@code PUT …/otp/verify}) to a verified number;</li>
 * <li>smart login: the asking device names itself with a client GUID, the emailed link is opened anywhere, and the
 *     device's ping ({@code GET /auth/login/smartlogin/ping}) takes the tokens, once;</li>
 * <li>one-touch login: smart login's link-and-poll (or an SMS code) for an address that need not have an account yet,
 *     which is made when the link is opened or the code entered ({@code Register}).</li>
 * </ul>
 * What the link or code proves is one factor (the mailbox, the phone): the account's own second factor still follows where
 * it needs one, risk-based authentication asks for that factor rather than sending its own link or code, and the session
 * holds no proof of the password. Sends answer the same whether the address belongs to an account or not.
 */
public final class PasswordlessApi {
    private static final String NOBODY = "-";

    private final TenantGate gate;
    private final Accounts accounts;
    private final LoginFlow flow;
    private final SignInSends sends;
    private final RiskChallengeApi risk;
    private final Clock clock;

    public PasswordlessApi(TenantGate gate, Accounts accounts, LoginFlow flow, SignInSends sends, RiskChallengeApi risk, Clock clock) {
        this.gate = gate;
        this.accounts = accounts;
        this.flow = flow;
        this.sends = sends;
        this.risk = risk;
        this.clock = clock;
    }

    private static void enabled(Tenant tenant, String way, LrError off) {
        if (!tenant.passwordless(way)) {
            throw off.error();
        }
    }

    /** The identifier of a start request: {@code email} (1038 malformed) or {@code username}; 1141 neither. */
    private static String[] identifier(LrRequest req) {
        String email = req.identifierQuery("email");
        if (email != null) {
            return new String[] {"email", SignInSends.email(email)};
        }
        String username = req.identifierQuery("username");
        if (username != null) {
            if (username.length() > 64) {
                throw LrError.USERNAME_FORMAT.error();
            }
            return new String[] {"username", username.strip()};
        }
        throw LrError.LOGIN_ID_REQUIRED.error();
    }

    /** The address an account named by {@code id} is emailed at: the one given, or (by username) its primary one. */
    private static String mailbox(Account account, String[] id) {
        return id[0].equals("email") ? id[1] : ProfileSchema.primaryEmail(account.profile());
    }

    /** Who a start request's email goes to: the account, and its address (null: nobody, nothing is sent). */
    private record Recipient(Account account, String to) {}

    /** The limits counted first (client address, the address or username, then the account once known), then the recipient. */
    private Recipient recipient(Tenant tenant, LrRequest req, String[] id, long now) {
        sends.beforeEmail(tenant, req, id[0], id[1], now);
        Account account = sends.account(tenant, id[0], id[1]);
        String to = account == null || !account.active() || !sends.accountMaySend(tenant, account.uid(), now) ? null : mailbox(account, id);
        return new Recipient(account, to);
    }

    // ── By email ──────────────────────────────────────────────────────────────────────────────────────────────

    /**
     * {@code GET /identity/v2/auth/login/passwordlesslogin/email?email=|username=&passwordlesslogintemplate&verificationurl}:
     * a sign-in link ({@code verificationurl?vtype=oneclicksignin&vtoken=…}, an allowed URL, else the hosted page) with a
     * code, to an active account's address; {@code {"IsPosted": true}} whatever the address.
     */
    public JsonNode emailStart(LrRequest req) {
        Tenant tenant = gate.tenant(req);
        enabled(tenant, "EmailLink", LrError.PASSWORDLESS_DISABLED);
        String[] id = identifier(req);
        String base = sends.mail().allowedUrl(tenant, req.query("verificationurl"), "verificationurl");
        String template = req.templateQuery("passwordlesslogintemplate");
        long now = clock.millis();
        Recipient r = recipient(tenant, req, id, now);
        Account account = r.account();
        String to = r.to();
        if (to != null) {
            sends.mail().jdbi().useTransaction(h -> {
                if (sends.passwordless().mayStart(h, account.uid(), now)) {
                    long lifetime = tenant.passwordlessLinkMillis();
                    AccountLinks.Started started = sends.passwordless().startWithCode(h, tenant, account.uid(), to, null, now, lifetime);
                    sends.mail().mail().sendLink(h, tenant, account, Messages.Purpose.PASSWORDLESS_LOGIN, template, to,
                            AccountMail.link(base, "oneclicksignin", started.token()), started.code(), Math.max(1, lifetime / 60_000), now);
                }
            });
        }
        return Responses.posted();
    }

    /**
     * {@code GET …/passwordlesslogin/email/verify?verificationtoken=}: the link's token, once (1063 unknown, 1062 used, 975
     * expired): the address is verified and the user signed in (the login response). A token of risk-based authentication's
     * one-click link (the same path in the SDKs) finishes that login instead.
     */
    public JsonNode emailVerify(LrRequest req) {
        Tenant tenant = gate.tenant(req);
        String token = req.query("verificationtoken");
        if (token == null || !sends.passwordless().holds(tenant, token.strip())) {
            return risk.oneClickVerify(req);
        }
        enabled(tenant, "EmailLink", LrError.PASSWORDLESS_DISABLED); // turned off since it was sent: off
        req.fields();
        AccountLinks.Spent spent = sends.passwordless().spend(tenant, token.strip(), clock.millis(), LrError.VTOKEN_INVALID, LrError.LINK_USED);
        return signedIn(req, tenant, proven(req, tenant, spent.uid()), "email", "passwordless email link");
    }

    /** {@code POST …/passwordlesslogin/email/verifyotp} with {@code {"email", "otp"}}: the code of the email, as its link. */
    public JsonNode emailCode(LrRequest req) {
        Tenant tenant = gate.tenant(req);
        enabled(tenant, "EmailLink", LrError.PASSWORDLESS_DISABLED);
        req.fields();
        String email = SignInSends.email(req.requiredBodyString("email"));
        return byCode(req, tenant, sends.account(tenant, "email", email), email, "email");
    }

    /** {@code POST …/passwordlesslogin/username/verifyotp} with {@code {"username", "otp"}}: the code sent to the account's address. */
    public JsonNode usernameCode(LrRequest req) {
        Tenant tenant = gate.tenant(req);
        enabled(tenant, "EmailLink", LrError.PASSWORDLESS_DISABLED);
        req.fields();
        String username = req.requiredBodyString("username");
        Account account = username.length() > 64 ? null : sends.account(tenant, "username", username.strip());
        return byCode(req, tenant, account, account == null ? null : ProfileSchema.primaryEmail(account.profile()), "username");
    }

    private JsonNode byCode(LrRequest req, Tenant tenant, Account account, String email, String kind) {
        String otp = req.requiredBodyString("otp");
        if (account == null || email == null) {
            // counted for the address as any try, and answered as a wrong code
            String named = email != null ? email : req.bodyString("username");
            throw flow.codeForNobody(tenant, kind, named, req.loginContext(), LrError.VERIFICATION_OTP_INVALID,
                    () -> sends.passwordless().spendCode(tenant, email == null ? "nobody@invalid.invalid" : email, otp, clock.millis()));
        }
        return Responses.login(req, flow.signInWithCode(tenant, account, kind, req.loginContext(), "passwordless email code", () -> {
            AccountLinks.Spent spent = sends.passwordless().spendCode(tenant, email, otp, clock.millis());
            if (!spent.uid().equals(account.uid())) {
                throw LrError.VERIFICATION_OTP_INVALID.error();
            }
            proven(req, tenant, account.uid());
        }));
    }

    /** The account whose mailbox a link or code just proved: its email verified ({@code EmailVerification}, a welcome where due). */
    private Account proven(LrRequest req, Tenant tenant, String uid) {
        Account before = accounts.get(tenant, uid);
        if (before.emailVerified()) {
            return before;
        }
        Account account = accounts.markEmailVerified(tenant, uid, true, !req.preventWebhook(), req.origin(Audit.Actor.USER));
        if (tenant.welcomeEmail()) {
            sends.mail().jdbi().useTransaction(h -> sends.mail().sendWelcome(h, tenant, account, req.templateQuery("welcomeemailtemplate"), clock.millis()));
        }
        return account;
    }

    private JsonNode signedIn(LrRequest req, Tenant tenant, Account account, String kind, String factor) {
        return Responses.login(req, flow.signInWithout(tenant, account, kind, req.loginContext(), factor));
    }

    // ── By SMS ────────────────────────────────────────────────────────────────────────────────────────────────

    /**
     * {@code GET …/passwordlesslogin/otp?phone=&smstemplate}: a sign-in code to the number when an active account has it
     * verified; {@code {"Data": {"AccountSid", "Sid"}}} (no {@code IsPosted}, as the SDKs read it) whatever the number.
     */
    public JsonNode smsStart(LrRequest req) {
        Tenant tenant = gate.tenant(req);
        enabled(tenant, "SmsCode", LrError.PASSWORDLESS_DISABLED);
        String phone = SignInSends.phone(req.identifierQuery("phone"));
        String template = req.smsTemplate();
        long now = clock.millis();
        sends.beforeSms(tenant, req, phone, now);
        Account account = sends.account(tenant, "phone", phone);
        ObjectNode data;
        if (account == null || !account.active() || !account.phoneVerified() || !sends.accountMaySend(tenant, account.uid(), now)) {
            data = sends.noSms(tenant);
        } else {
            data = sends.mail().jdbi().inTransaction(h -> sends.smsCode(h, tenant, account, PhoneCodes.LOGIN, phone, null, template, now));
        }
        ObjectNode out = Json.object();
        out.set("Data", data);
        return out;
    }

    /** {@code PUT …/passwordlesslogin/otp/verify} with {@code {"phone", "otp"}}: the login response (1067 wrong, 1068 used, 1069 expired). */
    public JsonNode smsVerify(LrRequest req) {
        Tenant tenant = gate.tenant(req);
        enabled(tenant, "SmsCode", LrError.PASSWORDLESS_DISABLED);
        req.fields();
        String phone = SignInSends.phone(req.bodyString("phone"));
        String otp = req.requiredBodyString("otp");
        Account account = sends.account(tenant, "phone", phone);
        if (account == null) {
            throw flow.codeForNobody(tenant, "phone", phone, req.loginContext(), LrError.OTP_INVALID,
                    () -> sends.phoneCodes().spend(tenant, PhoneCodes.LOGIN, phone, otp, NOBODY, clock.millis()));
        }
        return Responses.login(req, flow.signInWithCode(tenant, account, "phone", req.loginContext(), "passwordless SMS code",
                () -> sends.phoneCodes().spend(tenant, PhoneCodes.LOGIN, phone, otp, account.uid(), clock.millis())));
    }

    // ── Smart login and one-touch login ─────────────────────────────────────────────────────────────────────────

    /**
     * {@code GET /identity/v2/auth/login/smartlogin?email=|username=&clientguid=&smartloginemailtemplate&redirecturl}: a
     * link to an active account's address ({@code redirecturl?vtype=smartlogin&vtoken=…}); the device polls with its
     * GUID. {@code {"IsPosted": true}} whatever the address; 1136 for a GUID used before, 1140 for one too short.
     */
    public JsonNode smartStart(LrRequest req) {
        Tenant tenant = gate.tenant(req);
        enabled(tenant, "SmartLogin", LrError.SMART_LOGIN_DISABLED);
        String guid = SignInPolls.checkGuid(req.query("clientguid"));
        String[] id = identifier(req);
        String base = sends.mail().allowedUrl(tenant, req.query("redirecturl"), "redirecturl");
        String template = req.templateQuery("smartloginemailtemplate");
        long now = clock.millis();
        Recipient r = recipient(tenant, req, id, now);
        openPoll(tenant, SignInPolls.SMART, guid, r.account(), r.to(), null, base, "smartlogin", template, now);
        return Responses.posted();
    }

    /**
     * {@code POST /identity/v2/auth/onetouchlogin/email?redirecturl&onetouchloginemailtemplate} with
     * {@code {"clientguid", "email", "name"}}: smart login's link for any address; an address of no account gets one when
     * the link is opened. {@code {"IsPosted": true}}.
     */
    public JsonNode oneTouchEmail(LrRequest req) {
        Tenant tenant = gate.tenant(req);
        enabled(tenant, "OneTouchLogin", LrError.ONE_TOUCH_DISABLED);
        String guid = SignInPolls.checkGuid(req.bodyString("clientguid"));
        String email = SignInSends.email(req.bodyString("email"));
        String name = name(req);
        String base = sends.mail().allowedUrl(tenant, req.query("redirecturl"), "redirecturl");
        String template = req.templateQuery("onetouchloginemailtemplate");
        long now = clock.millis();
        sends.beforeEmail(tenant, req, "email", email, now);
        Account account = sends.account(tenant, "email", email);
        boolean send = account == null || account.active() && sends.accountMaySend(tenant, account.uid(), now);
        openPoll(tenant, SignInPolls.ONE_TOUCH, guid, account, send ? email : null, name, base, "onetouchlogin", template, now);
        return Responses.posted();
    }

    /** Smart login's and one-touch login's link and ping work while either is on (1135 when neither is). */
    private static void linkAndPollOn(Tenant tenant) {
        if (!tenant.passwordless("SmartLogin") && !tenant.passwordless("OneTouchLogin")) {
            throw LrError.SMART_LOGIN_DISABLED.error();
        }
    }

    /** 1146 for a one-touch poll where one-touch login is off, 1135 for a smart-login poll where smart login is. */
    private static void wayOn(Tenant tenant, SignInPolls.Poll poll) {
        if (SignInPolls.ONE_TOUCH.equals(poll.kind())) {
            enabled(tenant, "OneTouchLogin", LrError.ONE_TOUCH_DISABLED);
        } else {
            enabled(tenant, "SmartLogin", LrError.SMART_LOGIN_DISABLED);
        }
    }

    private static String name(LrRequest req) {
        String name = req.bodyString("name");
        if (name != null && (name.length() > 100 || name.chars().anyMatch(Character::isISOControl))) {
            throw LrError.PARAMETER_FORMAT.withDescription("The name must be at most 100 characters, without control characters.");
        }
        return name == null || name.isBlank() ? null : name.strip();
    }

    private void openPoll(Tenant tenant, String kind, String guid, Account account, String to, String name, String base, String vtype,
                          String template, long now) {
        long lifetime = tenant.passwordlessLinkMillis();
        sends.mail().jdbi().useTransaction(h -> {
            String token = sends.polls().open(h, tenant, kind, guid, to == null ? null : account == null ? null : account.uid(), to, name,
                    now, lifetime);
            if (token != null) {
                Account recipient = account != null ? account : SignInSends.nobody(tenant, now);
                sends.mail().mail().sendLink(h, tenant, recipient, Messages.Purpose.SMART_LOGIN, template, to,
                        AccountMail.link(base, vtype, token), Math.max(1, lifetime / 60_000), now);
            }
        });
    }

    /**
     * {@code GET /identity/v2/auth/email/smartlogin?verificationtoken=} (and {@code /auth/email/onetouchlogin}, either
     * kind): the link was opened: {@code {"IsPosted": true, "IsVerified": true}}, no tokens (they go to the device that
     * asked). 1063 unknown, 975 expired, 1138 (smart) or 1145 (one-touch) opened before. A one-touch address of no account
     * gets one now ({@code Register}).
     */
    public JsonNode linkOpened(LrRequest req) {
        Tenant tenant = gate.tenant(req);
        linkAndPollOn(tenant);
        String token = req.requiredQuery("verificationtoken").strip();
        SignInPolls.Poll poll = sends.polls().verify(tenant, token, clock.millis());
        wayOn(tenant, poll); // the link's own way, turned off since it was sent: off
        String uid = poll.uid();
        if (uid == null) {
            Account existing = sends.account(tenant, "email", poll.email());
            if (existing == null) {
                ObjectNode body = Json.object();
                body.putArray("Email").addObject().put("Type", "Primary").put("Value", poll.email());
                body.put("EmailVerified", true);
                if (poll.name() != null) {
                    body.put("FirstName", poll.name());
                }
                try {
                    existing = accounts.registerProven(tenant, body, !req.preventWebhook(), req.origin(Audit.Actor.USER));
                } catch (dev.latchkey.error.ApiException taken) {
                    // another of the address's links, opened at the same moment, made its account first: this one joins it
                    existing = taken.error == LrError.EMAIL_EXISTS ? sends.account(tenant, "email", poll.email()) : null;
                    if (existing == null) {
                        throw taken;
                    }
                }
            }
            uid = existing.uid();
            sends.polls().setAccount(tenant, token, uid);
        }
        proven(req, tenant, uid);
        return Json.object().put("IsPosted", true).put("IsVerified", true);
    }

    /**
     * {@code GET /identity/v2/auth/login/smartlogin/ping?clientguid=}: the login response once the link was opened, to the
     * first ping with the GUID (1139 not yet, 1137 taken already, 1140 unknown or expired).
     */
    public JsonNode ping(LrRequest req) {
        Tenant tenant = gate.tenant(req);
        linkAndPollOn(tenant);
        req.fields();
        String guid = req.requiredQuery("clientguid");
        SignInPolls.Poll poll = sends.mail().jdbi().inTransaction(h -> sends.polls().take(h, tenant, guid, clock.millis()));
        wayOn(tenant, poll);
        Account account = accounts.get(tenant, poll.uid());
        return signedIn(req, tenant, account, "email", SignInPolls.SMART.equals(poll.kind()) ? "smart login link" : "one-touch link");
    }

    /**
     * {@code POST /identity/v2/auth/onetouchlogin/phone?smstemplate} with {@code {"phone", "name"}}: a code to the number,
     * whether an account has it or not (one is made when the code is entered); {@code {"IsPosted": true, "Data":
     * {"AccountSid", "Sid"}}}. A number an account holds unverified gets no code (the account is not its owner's yet).
     */
    public JsonNode oneTouchPhone(LrRequest req) {
        Tenant tenant = gate.tenant(req);
        enabled(tenant, "OneTouchLogin", LrError.ONE_TOUCH_DISABLED);
        String phone = SignInSends.phone(req.bodyString("phone"));
        String name = name(req);
        String template = req.smsTemplate();
        long now = clock.millis();
        sends.beforeSms(tenant, req, phone, now);
        Account account = sends.account(tenant, "phone", phone);
        ObjectNode data;
        if (account != null && (!account.active() || !account.phoneVerified() || !sends.accountMaySend(tenant, account.uid(), now))) {
            data = sends.noSms(tenant);
        } else {
            data = sends.mail().jdbi().inTransaction(h -> sends.smsCode(h, tenant, account, PhoneCodes.ONE_TOUCH, phone, name, template, now));
        }
        ObjectNode out = Json.object().put("IsPosted", true);
        out.set("Data", data);
        return out;
    }

    /**
     * {@code PUT /identity/v2/auth/onetouchlogin/phone/verify?otp=} with {@code {"phone"}}: the login response; a number of
     * no account gets one now ({@code Register}, its PhoneId verified). 1067 wrong, 1068 used, 1069 expired.
     */
    public JsonNode oneTouchPhoneVerify(LrRequest req) {
        Tenant tenant = gate.tenant(req);
        enabled(tenant, "OneTouchLogin", LrError.ONE_TOUCH_DISABLED);
        req.fields();
        String otp = req.requiredQuery("otp");
        String phone = SignInSends.phone(req.bodyString("phone"));
        Account account = sends.account(tenant, "phone", phone);
        if (account != null) {
            return Responses.login(req, flow.signInWithCode(tenant, account, "phone", req.loginContext(), "one-touch SMS code",
                    () -> sends.phoneCodes().spend(tenant, PhoneCodes.ONE_TOUCH, phone, otp, account.uid(), clock.millis())));
        }
        PhoneCodes.Spent spent = sends.phoneCodes().spend(tenant, PhoneCodes.ONE_TOUCH, phone, otp, null, clock.millis());
        if (spent.uid() != null) {
            throw LrError.OTP_INVALID.error(); // sent for an account whose number changed since
        }
        ObjectNode body = Json.object().put("PhoneId", spent.phone()).put("PhoneIdVerified", true);
        if (spent.name() != null) {
            body.put("FirstName", spent.name());
        }
        Account created = accounts.registerProven(tenant, body, !req.preventWebhook(), req.origin(Audit.Actor.USER));
        return signedIn(req, tenant, created, "phone", "one-touch SMS code");
    }
}
