package dev.latchkey;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Where each thing may depend (ENGINEERING.md, "the shape we want"): the wire layer (Javalin, LoginRadius's conventions,
 * the route table, the wiring) on top; the use cases (login, factors, accounts, risk, webhooks, messages, audit) below
 * it; core (the error catalog, JSON, crypto) at the bottom. No cycle between any two {@code dev.latchkey} packages.
 */
class ArchitectureTest {
    /** The wire layer and what starts it: the only packages that may know HTTP. */
    static final String[] WIRE = {"dev.latchkey.http..", "dev.latchkey.server..", "dev.latchkey.cli.."};
    /** Core: depends on no other Latchkey package but core. */
    static final String[] CORE = {"dev.latchkey.error..", "dev.latchkey.json..", "dev.latchkey.crypto.."};

    static final ArchRule NO_CYCLES = slices().matching("dev.latchkey.(**)").should().beFreeOfCycles();

    static final ArchRule DOMAIN_KNOWS_NO_HTTP = noClasses().that().resideInAPackage("dev.latchkey..")
            .and().resideOutsideOfPackages(WIRE)
            .should().dependOnClassesThat().resideInAnyPackage(concat(WIRE, "io.javalin..", "org.eclipse.jetty.server..",
                    "org.eclipse.jetty.ee10..", "jakarta.servlet.."))
            .because("the domain never imports the HTTP package or Javalin: the wire layer converts and renders (webhook "
                    + "delivery may use Jetty's HTTP client: it is an outbound client, not the server)");

    private static JavaClasses main;

    @BeforeAll
    static void importMainClasses() {
        main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("dev.latchkey");
    }

    @Test
    void noPackageCycles() {
        NO_CYCLES.check(main);
    }

    @Test
    void theDomainDoesNotKnowHttp() {
        DOMAIN_KNOWS_NO_HTTP.check(main);
    }

    @Test
    void coreDependsOnlyOnCore() {
        for (String core : CORE) {
            String[] others = java.util.Arrays.stream(new String[] {"account", "audit", "cli", "factor", "http", "login", "message",
                    "outbox", "risk", "server", "store", "tenant", "token", "webhook"}).map(p -> "dev.latchkey." + p + "..").toArray(String[]::new);
            noClasses().that().resideInAPackage(core).should().dependOnClassesThat().resideInAnyPackage(others).check(main);
        }
    }

    /** The rule is not vacuous: two fixture packages that import each other are reported as a cycle. */
    @Test
    void aCycleIsReported() {
        JavaClasses fixture = new ClassFileImporter().importPackages("dev.latchkey.archfixture");
        EvaluationResult result = NO_CYCLES.evaluate(fixture);
        assertThat(result.hasViolation()).isTrue();
        assertThat(result.getFailureReport().toString()).contains("archfixture.a").contains("archfixture.b");
    }

    /** ... and a fixture "domain" class that imports the HTTP package is reported. */
    @Test
    void aDomainClassImportingHttpIsReported() {
        JavaClasses fixture = new ClassFileImporter().importPackages("dev.latchkey.archfixture", "dev.latchkey.http");
        assertThat(DOMAIN_KNOWS_NO_HTTP.evaluate(fixture).hasViolation()).isTrue();
    }

    private static String[] concat(String[] first, String... more) {
        String[] all = java.util.Arrays.copyOf(first, first.length + more.length);
        System.arraycopy(more, 0, all, first.length, more.length);
        return all;
    }
}
