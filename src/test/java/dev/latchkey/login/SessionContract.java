package dev.latchkey.login;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.json.Json;
import dev.latchkey.support.Parallel;
import dev.latchkey.support.ServerContract;
import dev.latchkey.support.TestServer.Reply;
import dev.latchkey.support.TestServer.TestTenant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Sessions end when they must: blocking, deleting, setting the password and revoke-all end every access and refresh
 * token of the account at once; logout keeps LoginRadius's meaning (the refresh token survives unless preventRefresh,
 * or the tenant says otherwise); refresh tokens rotate, and one presented twice ends its whole session.
 */
abstract class SessionContract extends ServerContract {
    private record Session(String access, String refresh) {}

    private static int code(Reply r) {
        return r.json() == null ? 0 : r.json().path("ErrorCode").asInt(0);
    }

    private Session login(TestTenant t, String email) {
        Reply r = t.login(email, "session-password");
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        return new Session(r.text("access_token"), r.text("refresh_token"));
    }

    private Reply profile(TestTenant t, String access) {
        return s.get("/identity/v2/auth/account?apikey=" + t.apiKey(), "Authorization", "Bearer " + access);
    }

    private Reply validate(TestTenant t, String access) {
        return s.get("/identity/v2/auth/access_token/validate?apikey=" + t.apiKey(), "Authorization", "Bearer " + access);
    }

    private Reply refresh(TestTenant t, String refresh) {
        return t.manage("GET", "/identity/v2/manage/account/access_token/refresh?refresh_token=" + refresh, null);
    }

    private static String unique() {
        return "session-" + UUID.randomUUID() + "@example.com";
    }

    private void assertEnded(TestTenant t, Session session) {
        assertThat(code(profile(t, session.access()))).isEqualTo(905);
        assertThat(code(validate(t, session.access()))).isEqualTo(905);
        assertThat(code(s.get("/identity/v2/auth/account/2fa/backupcode?apikey=" + t.apiKey(), "Authorization", "Bearer " + session.access())))
                .isEqualTo(905);
        assertThat(code(refresh(t, session.refresh()))).isEqualTo(1217);
    }

    @Test
    void blockingTheAccountEndsItsSessionsForGood() {
        TestTenant t = s.mfaTenant(false);
        String email = unique();
        String uid = t.account(email, "session-password");
        Session a = login(t, email);
        Session b = login(t, email);
        assertThat(t.manage("PUT", "/identity/v2/manage/account/" + uid, "{\"IsActive\":false}").status()).isEqualTo(200);
        assertEnded(t, a);
        assertEnded(t, b);
        // Unblocking does not bring the old sessions back.
        assertThat(t.manage("PUT", "/identity/v2/manage/account/" + uid, "{\"IsActive\":true}").status()).isEqualTo(200);
        assertThat(code(profile(t, b.access()))).isEqualTo(905);
        assertThat(profile(t, login(t, email).access()).status()).isEqualTo(200);
    }

    @Test
    void settingThePasswordEndsSessionsAndPendingLogins() {
        TestTenant t = s.mfaTenant(false);
        String email = unique();
        String uid = t.account(email, "session-password");
        Session a = login(t, email);
        List<String> codes = t.backupCodes(uid);
        String pending = t.secondFactorToken(email, "session-password");
        assertThat(t.manage("PUT", "/identity/v2/manage/account/" + uid, "{\"Password\":\"new-session-password\"}").status()).isEqualTo(200);
        assertEnded(t, a);
        assertThat(code(t.redeem(pending, codes.get(0)))).isEqualTo(1103);
        // An update that does not touch the password or the state ends nothing.
        Reply fresh = t.redeem(t.secondFactorToken(email, "new-session-password"), codes.get(1));
        assertThat(t.manage("PUT", "/identity/v2/manage/account/" + uid, "{\"FirstName\":\"Renamed\"}").status()).isEqualTo(200);
        assertThat(profile(t, fresh.text("access_token")).status()).isEqualTo(200);
    }

    @Test
    void deletingTheAccountEndsItsSessions() {
        TestTenant t = s.mfaTenant(false);
        String email = unique();
        String uid = t.account(email, "session-password");
        Session a = login(t, email);
        assertThat(t.manage("DELETE", "/identity/v2/manage/account/" + uid, "{}").status()).isEqualTo(200);
        assertThat(code(validate(t, a.access()))).isEqualTo(905);
        assertThat(code(refresh(t, a.refresh()))).isEqualTo(1217);
    }

    @Test
    void revokeAllEndsAccessTokensTooAndRefusesAnotherTenantsAccount() {
        TestTenant t = s.mfaTenant(false);
        TestTenant other = s.mfaTenant(false);
        String email = unique();
        String uid = t.account(email, "session-password");
        Session a = login(t, email);
        Reply foreign = other.manage("DELETE", "/identity/v2/manage/account/" + uid + "/access_token/refresh/revoke", "{}");
        assertThat(foreign.status()).isEqualTo(403);
        assertThat(code(foreign)).isEqualTo(938);
        assertThat(code(t.manage("DELETE", "/identity/v2/manage/account/" + UUID.randomUUID() + "/access_token/refresh/revoke", "{}"))).isEqualTo(938);
        assertThat(profile(t, a.access()).status()).isEqualTo(200);
        Reply revoked = t.manage("DELETE", "/identity/v2/manage/account/" + uid + "/access_token/refresh/revoke", "{}");
        assertThat(revoked.json()).isEqualTo(Json.parse("{\"IsDeleted\":true}"));
        assertEnded(t, a);
    }

    @Test
    void logoutKeepsTheRefreshTokenUnlessAskedOrTheTenantSaysSo() {
        TestTenant t = s.mfaTenant(false);
        String email = unique();
        t.account(email, "session-password");
        Session a = login(t, email);
        assertThat(s.get("/identity/v2/auth/access_token/invalidate?apikey=" + t.apiKey(), "Authorization", "Bearer " + a.access())
                .json()).isEqualTo(Json.parse("{\"IsPosted\":true}"));
        assertThat(code(validate(t, a.access()))).isEqualTo(905);
        assertThat(refresh(t, a.refresh()).status()).isEqualTo(200);

        Session b = login(t, email);
        s.get("/identity/v2/auth/access_token/invalidate?apikey=" + t.apiKey() + "&preventRefresh=true", "Authorization", "Bearer " + b.access());
        assertThat(code(refresh(t, b.refresh()))).isEqualTo(1217);

        TestTenant strict = s.tenant("{\"Tokens\":{\"LogoutEndsRefreshToken\":true}}");
        strict.account(email, "session-password");
        Session c = login(strict, email);
        s.get("/identity/v2/auth/access_token/invalidate?apikey=" + strict.apiKey(), "Authorization", "Bearer " + c.access());
        assertThat(code(refresh(strict, c.refresh()))).isEqualTo(1217);
    }

    @Test
    void aRefreshTokenPresentedTwiceEndsItsWholeSessionOnly() {
        TestTenant t = s.mfaTenant(false);
        String email = unique();
        t.account(email, "session-password");
        Session first = login(t, email);
        Session other = login(t, email);
        Reply next = refresh(t, first.refresh());
        assertThat(next.status()).isEqualTo(200);
        Reply after = refresh(t, next.text("refresh_token"));
        assertThat(after.status()).isEqualTo(200);
        // Someone presents the first refresh token again: it was copied, so the session it started ends.
        assertThat(code(refresh(t, first.refresh()))).isEqualTo(1217);
        assertThat(code(refresh(t, after.text("refresh_token")))).isEqualTo(1217);
        assertThat(code(validate(t, after.text("access_token")))).isEqualTo(905);
        // The account's other session goes on.
        assertThat(profile(t, other.access()).status()).isEqualTo(200);
        assertThat(refresh(t, other.refresh()).status()).isEqualTo(200);
    }

    @Test
    void twentyParallelRefreshesOfOneTokenSucceedAtMostOnceAndNeverFail() throws Exception {
        TestTenant t = s.mfaTenant(false);
        String email = unique();
        t.account(email, "session-password");
        Session a = login(t, email);
        List<Reply> replies = Parallel.times(20, () -> refresh(t, a.refresh()));
        assertThat(replies).allMatch(r -> r.status() == 200 || (r.status() == 403 && code(r) == 1217));
        assertThat(replies).filteredOn(r -> r.status() == 200).hasSizeLessThanOrEqualTo(1);
        // The token was presented again after its use: the session is over, whoever won.
        replies.stream().filter(r -> r.status() == 200).forEach(r -> assertThat(code(validate(t, r.text("access_token")))).isEqualTo(905));
    }

    @Test
    void refreshingRenewsTheAccessTokenNotTheSessionsLifetime() {
        TestTenant t = s.tenant("{\"Tokens\":{\"RefreshTokenLifetimeSeconds\":7200,\"AccessTokenLifetimeSeconds\":3600}}");
        String email = unique();
        t.account(email, "session-password");
        Session a = login(t, email);
        s.clock.advance(java.time.Duration.ofMinutes(90));
        Reply next = refresh(t, a.refresh());
        assertThat(next.status()).isEqualTo(200);
        // The session started 90 minutes ago and lives two hours: the new access token ends with it, in 30 minutes.
        long expires = java.time.Instant.parse(next.text("expires_in")).toEpochMilli();
        assertThat(expires - s.clock.millis()).isBetween(29 * 60_000L, 30 * 60_000L + 1000);
        s.clock.advance(java.time.Duration.ofMinutes(31));
        assertThat(code(refresh(t, next.text("refresh_token")))).isEqualTo(1217);
        s.clock.advance(java.time.Duration.ofMinutes(-121));
    }
}
