package dev.latchkey.login;

import dev.latchkey.support.Backend;

class SignInAbusePostgresTest extends SignInAbuseContract {
    @Override
    protected Backend backend() {
        return Backend.POSTGRES;
    }
}
