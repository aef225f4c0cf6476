package dev.latchkey.account;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A user account. {@code profile} holds only what the user or an admin set (canonical LoginRadius keys); the
 * server-maintained fields live in columns and are merged in by {@link ProfileSchema#render}.
 */
public record Account(String uid, long tenantId, ObjectNode profile, String passwordHash, boolean active,
                      boolean emailVerified, int noOfLogins, Long lastLoginAt, Long passwordChangedAt,
                      int passwordFailures, int secondFactorFailures, Long lockedUntil, long createdAt, long modifiedAt) {

    public boolean lockedAt(long now) {
        return lockedUntil != null && lockedUntil > now;
    }
}
