package dev.latchkey.risk;

import dev.latchkey.support.Backend;

class RiskBasedAuthH2Test extends RiskBasedAuthContract {
    @Override
    protected Backend backend() {
        return Backend.H2;
    }
}
