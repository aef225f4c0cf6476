package dev.latchkey.archfixture.a;

/** A fixture for {@link dev.latchkey.ArchitectureTest}: with {@code archfixture.b}, a package cycle, and a domain class that imports HTTP. */
public final class UsesB {
    public dev.latchkey.archfixture.b.UsesA other;
    public dev.latchkey.http.LrRequest request;
}
