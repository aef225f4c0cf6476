package dev.latchkey.account;

import dev.latchkey.crypto.Secrets;
import dev.latchkey.error.LrError;
import dev.latchkey.tenant.Tenant;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Smart login and one-touch login by email (reference §17.2–§17.4): the device that asks names itself with a client GUID,
 * a link is emailed, the link's click marks the poll verified (the clicking browser gets no tokens), and the next ping
 * with the GUID takes the tokens, once. GUIDs and link tokens are kept as keyed hashes; a GUID is used once, ever, per
 * tenant (1136); an unknown or expired one is 1140.
 */
public final class SignInPolls {
    public static final String SMART = "smartlogin";
    public static final String ONE_TOUCH = "onetouch";
    /** The shortest client GUID taken: one a stranger could guess would hand them the tokens. */
    public static final int MIN_GUID_LENGTH = 16;
    public static final int MAX_GUID_LENGTH = 128;

    /** A verified poll, taken by its ping: the account (null: a one-touch address with none yet), the address and name. */
    public record Poll(String kind, String uid, String email, String name) {}

    private final Jdbi jdbi;
    private final Secrets secrets;

    public SignInPolls(Jdbi jdbi, Secrets secrets) {
        this.jdbi = jdbi;
        this.secrets = secrets;
    }

    private String clientHash(Tenant tenant, String guid) {
        return secrets.hash("sign-in-poll:" + tenant.id() + ":" + guid);
    }

    private String linkHash(String token) {
        return secrets.hash("sign-in-link:" + token.toLowerCase(java.util.Locale.ROOT));
    }

    /** 1140 for a GUID too short, too long or with characters other than letters, digits, '-' and '_'. */
    public static String checkGuid(String guid) {
        if (guid == null || guid.length() < MIN_GUID_LENGTH || guid.length() > MAX_GUID_LENGTH || !guid.matches("[A-Za-z0-9_-]+")) {
            throw LrError.CLIENT_GUID_INVALID.withDescription("The clientguid must be " + MIN_GUID_LENGTH + " to " + MAX_GUID_LENGTH
                    + " letters, digits, '-' or '_' (a GUID the device made at random).");
        }
        return guid;
    }

    /**
     * Opens a poll for {@code guid} (1136 when the tenant has seen it), in the caller's transaction; the token of its link,
     * or null when nothing is to be sent ({@code uid} and {@code email} null: an address that names no account, whose poll
     * is opened all the same so that the answer and the GUID's fate are the same).
     */
    public String open(Handle h, Tenant tenant, String kind, String guid, String uid, String email, String name, long now, long lifetime) {
        String client = clientHash(tenant, guid);
        boolean seen = h.createQuery("SELECT COUNT(*) FROM sign_in_polls WHERE client_hash = :c").bind("c", client).mapTo(Integer.class).one() > 0;
        if (seen) {
            throw LrError.CLIENT_GUID_USED.error();
        }
        String token = uid == null && email == null ? null : Secrets.guid();
        try {
            h.createUpdate("""
                            INSERT INTO sign_in_polls (client_hash, tenant_id, kind, uid, email, name, link_hash, created_at, expires_at)
                            VALUES (:c, :t, :k, :uid, :e, :n, :l, :now, :exp)""")
                    .bind("c", client).bind("t", tenant.id()).bind("k", kind).bind("uid", uid).bind("e", email).bind("n", name)
                    .bind("l", token == null ? null : linkHash(token)).bind("now", now).bind("exp", now + lifetime).execute();
        } catch (org.jdbi.v3.core.statement.UnableToExecuteStatementException raced) {
            throw LrError.CLIENT_GUID_USED.error(); // another request with the GUID inserted it first
        }
        return token;
    }

    /**
     * The link was opened: its poll is verified, once (1138 smart login, 1145 one-touch, when it was already; 1063 unknown,
     * 975 expired). The poll as it is.
     */
    public Poll verify(Tenant tenant, String token, long now) {
        if (token == null || !Secrets.isGuid(token)) {
            throw LrError.VTOKEN_INVALID.error();
        }
        String hash = linkHash(token);
        return jdbi.inTransaction(h -> {
            Map<String, Object> row = h.createQuery("""
                            SELECT kind, uid, email, name, expires_at, verified_at FROM sign_in_polls WHERE link_hash = :l AND tenant_id = :t""")
                    .bind("l", hash).bind("t", tenant.id()).mapToMap().findOne().orElseThrow(LrError.VTOKEN_INVALID::error);
            LrError used = ONE_TOUCH.equals(row.get("kind")) ? LrError.ONE_TOUCH_LINK_USED : LrError.SMART_LINK_VERIFIED;
            if (row.get("verified_at") != null) {
                throw used.error();
            }
            if (((Number) row.get("expires_at")).longValue() <= now) {
                throw LrError.LINK_EXPIRED.error();
            }
            if (h.createUpdate("UPDATE sign_in_polls SET verified_at = :now WHERE link_hash = :l AND verified_at IS NULL")
                    .bind("now", now).bind("l", hash).execute() != 1) {
                throw used.error();
            }
            return new Poll((String) row.get("kind"), (String) row.get("uid"), (String) row.get("email"), (String) row.get("name"));
        });
    }

    /**
     * The ping of the device that asked, in the caller's transaction: the verified poll, taken now (only one ping ever takes
     * it); 1140 unknown or expired, 1139 not yet verified, 1137 already taken.
     */
    public Poll take(Handle h, Tenant tenant, String guid, long now) {
        String client = clientHash(tenant, checkGuid(guid));
        Map<String, Object> row = h.createQuery("""
                        SELECT kind, uid, email, name, expires_at, verified_at, done_at FROM sign_in_polls WHERE client_hash = :c AND tenant_id = :t""")
                .bind("c", client).bind("t", tenant.id()).mapToMap().findOne().orElseThrow(LrError.CLIENT_GUID_INVALID::error);
        if (row.get("done_at") != null) {
            throw LrError.SMART_LINK_USED.error();
        }
        if (((Number) row.get("expires_at")).longValue() <= now) {
            throw LrError.CLIENT_GUID_INVALID.error();
        }
        // A one-touch address's account is made right after its link is opened: until then the poll waits as unopened.
        if (row.get("verified_at") == null || row.get("uid") == null) {
            throw LrError.SMART_LINK_NOT_VERIFIED.error();
        }
        if (h.createUpdate("UPDATE sign_in_polls SET done_at = :now WHERE client_hash = :c AND done_at IS NULL")
                .bind("now", now).bind("c", client).execute() != 1) {
            throw LrError.SMART_LINK_USED.error();
        }
        return new Poll((String) row.get("kind"), (String) row.get("uid"), (String) row.get("email"), (String) row.get("name"));
    }

    /**
     * Ends the account's smart-login and one-touch links not yet taken (an address left the account, its password was set,
     * it was blocked), in the caller's transaction: opening one answers 975, its ping 1140.
     */
    public static void endForAccount(Handle h, String uid, long now) {
        h.createUpdate("UPDATE sign_in_polls SET expires_at = :now WHERE uid = :uid AND done_at IS NULL AND expires_at > :now")
                .bind("now", now).bind("uid", uid).execute();
    }

    /** The account a one-touch poll signed up when its link was opened (the ping signs that account in). */
    public void setAccount(Tenant tenant, String token, String uid) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE sign_in_polls SET uid = :uid WHERE link_hash = :l AND tenant_id = :t")
                .bind("uid", uid).bind("l", linkHash(token)).bind("t", tenant.id()).execute());
    }
}
