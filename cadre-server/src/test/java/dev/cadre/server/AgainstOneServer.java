package dev.cadre.server;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/** Tests that share one started {@link TestBed}: it starts before the first test and stops after the last. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AgainstOneServer {

    TestBed bed;
    Http http;

    @BeforeAll
    void startServer() {
        bed = new TestBed();
        http = bed.http;
    }

    @AfterAll
    void stopServer() {
        bed.close();
    }
}
