package dev.latchkey.archfixture.b;

/** A fixture for {@link dev.latchkey.ArchitectureTest}: the other half of a package cycle. */
public final class UsesA {
    public dev.latchkey.archfixture.a.UsesB other;
}
