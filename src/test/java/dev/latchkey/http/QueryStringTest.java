package dev.latchkey.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** LoginRadius's Java SDK does not URL-encode values; names come in any case. */
class QueryStringTest {
    @Test
    void namesAreCaseInsensitiveAndTheFirstValueWins() {
        var q = LrRequest.parseQuery("apiKey=K1&APIKEY=K2&SecondFactorAuthenticationToken=t&refresh_Token=r");
        assertThat(q).containsEntry("apikey", "K1").containsEntry("secondfactorauthenticationtoken", "t").containsEntry("refresh_token", "r");
    }

    @Test
    void badPercentEncodingIsKeptAsSent() {
        var q = LrRequest.parseQuery("fields=Email%2Cusername&code=50%&x=%zz&&=novalue&flag");
        assertThat(q).containsEntry("fields", "Email,username").containsEntry("code", "50%").containsEntry("x", "%zz").containsEntry("flag", "");
    }
}
