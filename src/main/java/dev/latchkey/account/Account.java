package dev.latchkey.account;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A user account. {@code profile} holds only what the user or an admin set (canonical LoginRadius keys); the
 * server-maintained fields live in columns and are merged in by {@link ProfileSchema#render}. {@code sessionGeneration}:
 * tokens issued under an older generation no longer work. {@code mfaEnrolled}: the account has had a second factor and
 * keeps needing one.
 */
public record Account(String uid, long tenantId, ObjectNode profile, String passwordHash, boolean active,
                      boolean emailVerified, int noOfLogins, Long lastLoginAt, Long passwordChangedAt,
                      int passwordFailures, int secondFactorFailures, Long lockedUntil, long createdAt, long modifiedAt,
                      int sessionGeneration, boolean mfaEnrolled) {

    /** The account with {@code mfaEnrolled} as read under its row lock. */
    public Account withMfaEnrolled(boolean enrolled) {
        return enrolled == mfaEnrolled ? this : new Account(uid, tenantId, profile, passwordHash, active, emailVerified, noOfLogins, lastLoginAt,
                passwordChangedAt, passwordFailures, secondFactorFailures, lockedUntil, createdAt, modifiedAt, sessionGeneration, enrolled);
    }

    /** The account as a login that just completed leaves it: counted, failures cleared, unlocked. */
    public Account loggedIn(int logins, long now) {
        return new Account(uid, tenantId, profile, passwordHash, active, emailVerified, logins, now, passwordChangedAt, 0, 0, null,
                createdAt, modifiedAt, sessionGeneration, mfaEnrolled);
    }

    /** Whether the account's PhoneId was proven (by its code, or vouched for by the application). */
    public boolean phoneVerified() {
        return profile.path("PhoneIdVerified").asBoolean(false);
    }

    /** The key its PhoneId is compared by ({@link Identifiers#key}), or null when it has none. */
    public String phoneKey() {
        return profile.hasNonNull("PhoneId") ? Identifiers.key("phone", profile.get("PhoneId").asText()) : null;
    }

    public boolean lockedAt(long now) {
        return lockedUntil != null && lockedUntil > now;
    }
}
