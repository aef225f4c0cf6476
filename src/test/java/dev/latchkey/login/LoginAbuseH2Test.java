package dev.latchkey.login;

import dev.latchkey.support.Backend;

class LoginAbuseH2Test extends LoginAbuseContract {
    @Override
    protected Backend backend() {
        return Backend.H2;
    }
}
