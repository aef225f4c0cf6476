package dev.latchkey.login;

import dev.latchkey.support.Backend;

class MfaLoginFlowPostgresTest extends MfaLoginFlowContract {
    @Override
    protected Backend backend() {
        return Backend.POSTGRES;
    }
}
