package dev.latchkey.login;

import dev.latchkey.support.Backend;

class ReauthH2Test extends ReauthContract {
    @Override
    protected Backend backend() {
        return Backend.H2;
    }
}
