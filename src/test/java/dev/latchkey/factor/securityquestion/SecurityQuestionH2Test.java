package dev.latchkey.factor.securityquestion;

import dev.latchkey.support.Backend;

class SecurityQuestionH2Test extends SecurityQuestionContract {
    @Override
    protected Backend backend() {
        return Backend.H2;
    }
}
