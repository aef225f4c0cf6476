package dev.latchkey.login;

import dev.latchkey.support.Backend;

class SignInAbuseH2Test extends SignInAbuseContract {
    @Override
    protected Backend backend() {
        return Backend.H2;
    }
}
