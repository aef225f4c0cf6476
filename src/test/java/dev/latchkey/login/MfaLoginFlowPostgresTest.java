package dev.latchkey.login;

import dev.latchkey.support.Backend;

class MfaLoginFlowPostgresTest extends MfaLoginFlowContract {
    @Override
    Backend backend() {
        return Backend.POSTGRES;
    }
}
