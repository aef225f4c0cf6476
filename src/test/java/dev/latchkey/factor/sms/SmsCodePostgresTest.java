package dev.latchkey.factor.sms;

import dev.latchkey.support.Backend;

class SmsCodePostgresTest extends SmsCodeContract {
    @Override
    protected Backend backend() {
        return Backend.POSTGRES;
    }
}
