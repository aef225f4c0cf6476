package dev.latchkey.factor.securityquestion;

import dev.latchkey.support.Backend;

class SecurityQuestionPostgresTest extends SecurityQuestionContract {
    @Override
    protected Backend backend() {
        return Backend.POSTGRES;
    }
}
