package dev.latchkey.webhook;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The events a webhook can subscribe to: LoginRadius's 31 and Latchkey's own for second-factor changes (each factor names
 * its events: {@code SecondFactor.webhookEvents}, registered when the factors are), matched case-insensitively.
 */
public final class WebhookEvents {
    private static final List<String> LOGINRADIUS = List.of(
            "Login", "Register", "UpdateProfile", "ResetPassword", "ChangePassword", "EmailVerification", "AddEmail",
            "RemoveEmail", "BlockAccount", "DeleteAccount", "SetUsername", "CreateTraditionalAccount", "AssignRoles",
            "UnassignRoles", "SetPassword", "LinkAccount", "UnlinkAccount", "UpdatePhoneId", "VerifyPhoneNumber",
            "InvalidateEmailVerification", "RemoveRoleContext", "CreateCustomObject", "UpdateCustomObject",
            "DeleteCustomObject", "InvalidatePhoneVerification", "RemovePhoneId", "ConsentProfileUpdate", "SetPIN",
            "ResetPIN", "ChangePIN", "UpdateUid");

    /** Latchkey's own, for changes to second factors (LoginRadius has no MFA event); every one of them is sent. */
    private static final Set<String> FACTORS = new java.util.concurrent.ConcurrentSkipListSet<>();

    /**
     * Adds a factor's events. Event names are constants of the code, the same in every node, so registering them from
     * the factor registry (once per node started, idempotent) keeps one list without this class knowing the factors.
     */
    public static void registerFactorEvents(Set<String> events) {
        FACTORS.addAll(events);
    }

    /** Every event that can be subscribed to: LoginRadius's, then the factors'. */
    public static List<String> all() {
        List<String> all = new java.util.ArrayList<>(LOGINRADIUS);
        all.addAll(FACTORS);
        return all;
    }

    /**
     * The events Latchkey actually sends (where {@code WebhookOutbox.enqueue} is called: logins, Management API account
     * changes, second-factor changes). The others can be subscribed to, for code written against LoginRadius, but a
     * subscription to one of them is flagged ({@code IsSentByLatchkey: false}) and logged: it never fires.
     */
    private static final Set<String> SENT = Set.of("Login", "Register", "CreateTraditionalAccount", "UpdateProfile", "SetPassword", "ChangePassword", "ResetPassword", "EmailVerification",
            "BlockAccount", "DeleteAccount", "AddEmail", "RemoveEmail", "SetUsername", "UpdatePhoneId", "UpdateUid",
            "InvalidateEmailVerification", "VerifyPhoneNumber", "RemovePhoneId");

    private WebhookEvents() {}

    public static boolean isSent(String canonicalName) {
        return SENT.contains(canonicalName) || FACTORS.contains(canonicalName);
    }

    public static Optional<String> canonical(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return all().stream().filter(e -> e.toLowerCase(Locale.ROOT).equals(n)).findFirst();
    }
}
