package dev.latchkey.factor.backupcode;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.account.Account;
import dev.latchkey.account.AccountStore;
import dev.latchkey.audit.Audit;
import dev.latchkey.crypto.Secrets;
import dev.latchkey.factor.CodeFactor;
import dev.latchkey.factor.FactorContext;
import dev.latchkey.json.Json;
import dev.latchkey.tenant.Tenant;
import java.util.Set;
import dev.latchkey.error.LrError;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Backup codes (reference §3.2): ten single-use codes shaped like LoginRadius's ({@code xxxxx-xxxxx}, lower-case
 * alphanumerics, 51.7 bits each), shown once, stored only as keyed hashes, redeemed by one UPDATE.
 */
public final class BackupCodes implements CodeFactor {
    public static final int COUNT = 10;
    private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    private final Jdbi jdbi;
    private final AccountStore accounts;
    private final Secrets secrets;
    private final dev.latchkey.webhook.WebhookOutbox outbox;
    private final Audit audit;
    private final dev.latchkey.message.SecurityNotices notices;
    private final Clock clock;

    public BackupCodes(FactorContext c) {
        this.notices = c.notices();
        this.jdbi = c.jdbi();
        this.accounts = c.accounts();
        this.secrets = c.secrets();
        this.outbox = c.outbox();
        this.audit = c.audit();
        this.clock = c.clock();
    }

    @Override
    public String id() {
        return "backupcode";
    }

    @Override
    public Set<String> webhookEvents() {
        return Set.of("BackupCodesGenerated", "BackupCodesReset");
    }

    @Override
    public String configuredCondition() {
        return "EXISTS (SELECT 1 FROM backup_codes WHERE uid = :uid AND used_at IS NULL)";
    }

    @Override
    public void describe(Handle h, Tenant tenant, Account account, boolean configured, Enrollment enrollment, ObjectNode secondFactorAuthentication) {
        // LoginRadius documents no flag for backup codes in step 1; they are always offered once generated.
    }

    /** {@code CodesLeft} (unused codes of the current set) and {@code CreatedDate} (when that set was made). */
    @Override
    public void describeState(Handle h, Account account, boolean configured, ObjectNode state) {
        Object[] row = h.createQuery("SELECT COUNT(*) - COUNT(used_at), MIN(created_at) FROM backup_codes WHERE uid = :uid")
                .bind("uid", account.uid()).map((rs, c) -> new Object[] {rs.getLong(1), rs.getObject(2, Long.class)}).one();
        state.put("CodesLeft", (Long) row[0]);
        state.put("CreatedDate", row[1] == null ? null : Json.iso((Long) row[1]));
    }

    /**
     * A new set of ten codes. {@code replace}=false refuses (1127) while unused codes exist; reset replaces them. From then
     * on the account needs a second factor at every login.
     */
    public List<String> generate(dev.latchkey.tenant.Tenant tenant, Account account, boolean replace, dev.latchkey.factor.FactorChange change) {
        List<String> codes = new ArrayList<>(COUNT);
        for (int i = 0; i < COUNT; i++) {
            codes.add(newCode());
        }
        long now = clock.millis();
        jdbi.useTransaction(h -> {
            // Serialise concurrent generations for one account on its row (works on H2 and PostgreSQL).
            accounts.lockRow(h, account.uid());
            if (!replace && isConfigured(h, account)) {
                throw LrError.BACKUP_CODES_EXIST.error();
            }
            accounts.setMfaEnrolled(h, account.uid(), true);
            h.createUpdate("DELETE FROM backup_codes WHERE uid = :uid").bind("uid", account.uid()).execute();
            for (String c : codes) {
                h.createUpdate("INSERT INTO backup_codes (uid, code_hash, created_at) VALUES (:uid, :h, :now)")
                        .bind("uid", account.uid()).bind("h", hash(account.uid(), c)).bind("now", now).execute();
            }
            String event = replace ? "BackupCodesReset" : "BackupCodesGenerated";
            outbox.enqueue(h, tenant, event, dev.latchkey.account.ProfileSchema.render(account, now),
                    change.suppresses(tenant, event), now);
            audit.record(h, tenant.id(), change.origin(), Audit.Event.success(replace ? Audit.FACTOR_RESET : Audit.FACTOR_ADDED, account.uid(),
                    "backup codes"), now);
            notices.changed(h, tenant, account, replace ? "New backup codes were made (the old ones no longer work)"
                    : "Backup codes were made", change.origin(), now);
        });
        return codes;
    }

    /** Backup codes are made with an access token or by an admin, never during a login. */
    @Override
    public Verdict verify(Handle h, Tenant tenant, Account account, String code, Enrollment enrollment, Audit.Origin origin) {
        return redeem(h, account, code) ? Verdict.RIGHT : Verdict.WRONG;
    }

    @Override
    public LrError wrongCode() {
        return LrError.BACKUP_CODE_INVALID;
    }

    /** A wrong code's one statement, the conditional {@code UPDATE} of {@link #redeem}, changes no row. */
    @Override
    public boolean writesWhenWrong() {
        return false;
    }

    /**
     * {@link #redeem} as a piece of step 2's statement (see {@link CodeFactor#verifying}); null for a code of the wrong
     * length, or an account whose imported codes may keep another node's hash ({@link #redeem} checks those).
     */
    @Override
    public dev.latchkey.store.Piece verifying(Account account, String code, long now) {
        java.util.List<String> hashes = candidates(account, code);
        if (hashes.size() != 1) {
            return null;
        }
        return new dev.latchkey.store.Piece("verified", REDEEM_ONE,
                s -> s.bind("now", now).bind("uid", account.uid()).bind("codehash", hashes.get(0)));
    }

    /** Consumes the code inside the caller's transaction: true exactly once per code, whatever the concurrency. */
    public boolean redeem(Handle h, Account account, String code) {
        java.util.List<String> hashes = candidates(account, code);
        if (hashes.isEmpty()) {
            return false;
        }
        if (hashes.size() > 1) {
            // Imported codes keep their source node's keyed hash (Secrets.adopt): one of these forms matches.
            return h.createUpdate("UPDATE backup_codes SET used_at = :now WHERE uid = :uid AND code_hash IN (<h>) AND used_at IS NULL")
                    .bind("now", clock.millis()).bind("uid", account.uid()).bindList("h", hashes).execute() == 1;
        }
        return h.createUpdate(REDEEM_ONE).bind("now", clock.millis()).bind("uid", account.uid()).bind("codehash", hashes.get(0))
                .execute() == 1;
    }

    /** A code spent by its one keyed hash ({@code :codehash}) for the account {@code :uid}, at {@code :now}, if unused. */
    private static final String REDEEM_ONE = "UPDATE backup_codes SET used_at = :now WHERE uid = :uid AND code_hash = :codehash AND used_at IS NULL";

    /** The keyed hashes {@code code} may be stored under for the account (none for a code of the wrong length). */
    private java.util.List<String> candidates(Account account, String code) {
        String normalized = normalize(code);
        return normalized.length() != 10 ? java.util.List.of()
                : secrets.hashCandidates("backupcode:" + account.uid() + ":" + normalized);
    }

    private String hash(String uid, String code) {
        return secrets.hash("backupcode:" + uid + ":" + normalize(code));
    }

    /** Codes are accepted case-insensitively and with or without their hyphen (or spaces). */
    static String normalize(String code) {
        return code.toLowerCase(Locale.ROOT).replaceAll("[\\s-]", "");
    }

    private static String newCode() {
        char[] c = new char[11];
        for (int i = 0; i < 11; i++) {
            c[i] = i == 5 ? '-' : ALPHABET[Secrets.RANDOM.nextInt(ALPHABET.length)];
        }
        return new String(c);
    }
}
