package dev.latchkey.login;

import dev.latchkey.support.Backend;

class LoginAbusePostgresTest extends LoginAbuseContract {
    @Override
    protected Backend backend() {
        return Backend.POSTGRES;
    }
}
