package dev.latchkey.token;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.crypto.Secrets;
import dev.latchkey.http.LrError;
import dev.latchkey.json.Json;
import dev.latchkey.tenant.Tenant;
import java.time.Clock;
import java.time.Instant;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Access and refresh tokens (reference §4): GUIDs handed to the client, stored only as keyed hashes.
 * A refresh token is single use: refreshing consumes it with one UPDATE and issues a new pair.
 */
public final class Tokens {
    /** An access token that validated: whose it is and until when. */
    public record Session(String uid, long expiresAt) {}

    private final Jdbi jdbi;
    private final Secrets secrets;
    private final Clock clock;

    public Tokens(Jdbi jdbi, Secrets secrets, Clock clock) {
        this.jdbi = jdbi;
        this.secrets = secrets;
        this.clock = clock;
    }

    public static String iso(long millis) {
        return Instant.ofEpochMilli(millis).toString();
    }

    /** Issues a pair inside the caller's transaction (the one that also consumed whatever proved the login). */
    public IssuedTokens issue(Handle h, Tenant tenant, String uid, long now) {
        String access = Secrets.guid();
        String refresh = Secrets.guid();
        long accessExpires = now + tenant.accessTokenMillis();
        String refreshHash = secrets.hash(refresh);
        h.createUpdate("""
                        INSERT INTO refresh_tokens (token_hash, tenant_id, uid, created_at, expires_at)
                        VALUES (:h, :t, :uid, :now, :exp)""")
                .bind("h", refreshHash).bind("t", tenant.id()).bind("uid", uid).bind("now", now)
                .bind("exp", now + tenant.refreshTokenMillis()).execute();
        h.createUpdate("""
                        INSERT INTO access_tokens (token_hash, tenant_id, uid, refresh_hash, created_at, expires_at)
                        VALUES (:h, :t, :uid, :r, :now, :exp)""")
                .bind("h", secrets.hash(access)).bind("t", tenant.id()).bind("uid", uid).bind("r", refreshHash)
                .bind("now", now).bind("exp", accessExpires).execute();
        return new IssuedTokens(access, refresh, accessExpires);
    }

    /** The session of an access token: 1060 when missing, 905 when unknown or another tenant's, 906 when expired. */
    public Session validate(Tenant tenant, String accessToken) {
        if (accessToken == null) {
            throw LrError.ACCESS_TOKEN_MISSING.error();
        }
        if (!Secrets.isGuid(accessToken)) {
            throw LrError.ACCESS_TOKEN_INVALID.error();
        }
        Session s = jdbi.withHandle(h -> h.createQuery("SELECT uid, expires_at FROM access_tokens WHERE token_hash = :h AND tenant_id = :t")
                .bind("h", secrets.hash(accessToken)).bind("t", tenant.id())
                .map((rs, c) -> new Session(rs.getString(1), rs.getLong(2))).findOne().orElse(null));
        if (s == null) {
            throw LrError.ACCESS_TOKEN_INVALID.error();
        }
        if (s.expiresAt() <= clock.millis()) {
            throw LrError.ACCESS_TOKEN_EXPIRED.error();
        }
        return s;
    }

    /** Logout: the access token stops working; with preventRefresh its refresh token too. */
    public void invalidate(Tenant tenant, String accessToken, boolean preventRefresh) {
        validate(tenant, accessToken);
        String hash = secrets.hash(accessToken);
        long now = clock.millis();
        jdbi.useTransaction(h -> {
            if (preventRefresh) {
                h.createUpdate("""
                                UPDATE refresh_tokens SET used_at = :now WHERE used_at IS NULL
                                AND token_hash = (SELECT refresh_hash FROM access_tokens WHERE token_hash = :h)""")
                        .bind("now", now).bind("h", hash).execute();
            }
            h.createUpdate("DELETE FROM access_tokens WHERE token_hash = :h").bind("h", hash).execute();
        });
    }

    /** Exchanges a refresh token (consumed by this call) for a new pair; 1217 when unknown, used, revoked or expired. */
    public IssuedTokens refresh(Tenant tenant, String refreshToken) {
        String hash = refreshHash(refreshToken);
        long now = clock.millis();
        return jdbi.inTransaction(h -> {
            String uid = h.createQuery("SELECT uid FROM refresh_tokens WHERE token_hash = :h AND tenant_id = :t")
                    .bind("h", hash).bind("t", tenant.id()).mapTo(String.class).findOne()
                    .orElseThrow(LrError.REFRESH_TOKEN_INVALID::error);
            int consumed = h.createUpdate("""
                            UPDATE refresh_tokens SET used_at = :now
                            WHERE token_hash = :h AND tenant_id = :t AND used_at IS NULL AND expires_at > :now""")
                    .bind("now", now).bind("h", hash).bind("t", tenant.id()).execute();
            if (consumed != 1) {
                throw LrError.REFRESH_TOKEN_INVALID.error();
            }
            return issue(h, tenant, uid, now);
        });
    }

    public void revoke(Tenant tenant, String refreshToken) {
        String hash = refreshHash(refreshToken);
        int n = jdbi.withHandle(h -> h.createUpdate("""
                        UPDATE refresh_tokens SET used_at = :now WHERE token_hash = :h AND tenant_id = :t AND used_at IS NULL""")
                .bind("now", clock.millis()).bind("h", hash).bind("t", tenant.id()).execute());
        if (n != 1) {
            throw LrError.REFRESH_TOKEN_INVALID.error();
        }
    }

    public int revokeAll(Tenant tenant, String uid) {
        return jdbi.withHandle(h -> h.createUpdate("""
                        UPDATE refresh_tokens SET used_at = :now WHERE uid = :uid AND tenant_id = :t AND used_at IS NULL""")
                .bind("now", clock.millis()).bind("uid", uid).bind("t", tenant.id()).execute());
    }

    private String refreshHash(String refreshToken) {
        if (refreshToken == null) {
            throw LrError.required("refresh_token");
        }
        if (!Secrets.isGuid(refreshToken)) {
            throw LrError.REFRESH_TOKEN_INVALID.error();
        }
        return secrets.hash(refreshToken);
    }

    /** {@code {"access_token","refresh_token","expires_in"}}, the token endpoints' answer. */
    public static ObjectNode body(IssuedTokens t) {
        ObjectNode o = Json.object();
        o.put("access_token", t.accessToken());
        o.put("refresh_token", t.refreshToken());
        o.put("expires_in", iso(t.accessExpiresAt()));
        return o;
    }
}
