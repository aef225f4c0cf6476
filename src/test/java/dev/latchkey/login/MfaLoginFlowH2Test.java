package dev.latchkey.login;

import dev.latchkey.support.Backend;

class MfaLoginFlowH2Test extends MfaLoginFlowContract {
    @Override
    protected Backend backend() {
        return Backend.H2;
    }
}
