package dev.latchkey.audit;

import dev.latchkey.support.Backend;

class AuditLogPostgresTest extends AuditLogContract {
    @Override
    protected Backend backend() {
        return Backend.POSTGRES;
    }
}
