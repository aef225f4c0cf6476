package dev.latchkey.factor.sms;

import dev.latchkey.support.Backend;

class SmsCodeH2Test extends SmsCodeContract {
    @Override
    protected Backend backend() {
        return Backend.H2;
    }
}
