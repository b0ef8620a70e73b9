package dev.cadre.server;

import static dev.cadre.server.Http.form;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.util.JSONObjectUtils;
import dev.cadre.run.RunResult;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** JWT mode end to end, as AgentOS does it: scopes per route, and each user kept to their own data. */
class JwtServerTest {

    static final String SECRET = "a-cadre-test-secret-that-is-long-enough-for-hs256";
    static final String[] USER_SCOPES = {"agents:read", "agents:run", "teams:read", "teams:run", "sessions:read",
        "sessions:write", "sessions:delete"};

    static String token(String sub, String... scopes) {
        return token(Instant.now().plusSeconds(3600), sub, scopes);
    }

    static String token(Instant expiry, String sub, String... scopes) {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("sub", sub);
        claims.put("exp", expiry.getEpochSecond());
        claims.put("scopes", List.of(scopes));
        JWSObject jws = new JWSObject(new JWSHeader(JWSAlgorithm.HS256),
                new Payload(JSONObjectUtils.toJSONString(claims)));
        try {
            jws.sign(new MACSigner(SECRET.getBytes(StandardCharsets.UTF_8)));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jws.serialize();
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class WithUserIsolation {

        private TestBed bed;
        private Http alice;
        private Http bob;
        private Http admin;

        @BeforeAll
        void start() {
            bed = new TestBed(b -> b.jwt(JwtAuth.builder().verificationKey(SECRET).build()));
            alice = bed.as(token("alice", USER_SCOPES));
            bob = bed.as(token("bob", USER_SCOPES));
            admin = bed.as(token("root", "agent_os:admin"));
        }

        @AfterAll
        void stop() {
            bed.close();
        }

        private JsonNode aliceRun(String message) {
            // Alice claims to be bob in the form: the token's user wins.
            return alice.postForm("/agents/echo/runs", form("message", message, "stream", "false", "user_id", "bob"))
                    .json();
        }

        @Test
        void probesNeedNoTokenAndEverythingElseDoes() {
            Http anonymous = new Http(bed.server.baseUrl());
            assertThat(anonymous.get("/").status()).isEqualTo(200);
            assertThat(anonymous.get("/health").status()).isEqualTo(200);
            assertThat(anonymous.get("/ready").status()).isEqualTo(200);
            Http.Response r = anonymous.get("/sessions");
            assertThat(r.status()).isEqualTo(401);
            assertThat(r.json().get("detail").asText()).isEqualTo("Authorization header missing");
            assertThat(bed.server.authMode()).isEqualTo("jwt");
        }

        @Test
        void aBadOrExpiredTokenIs401() {
            assertThat(bed.as("not.a.token").get("/sessions").json().get("detail").asText()).startsWith("Invalid token:");
            Http.Response expired = bed.as(token(Instant.now().minusSeconds(3600), "alice", USER_SCOPES)).get("/sessions");
            assertThat(expired.status()).isEqualTo(401);
            assertThat(expired.json().get("detail").asText()).isEqualTo("Token has expired");
        }

        @Test
        void aMissingScopeIs403NamingIt() {
            Http reader = bed.as(token("carol", "sessions:read"));
            Http.Response r = reader.postForm("/agents/echo/runs", form("message", "hi", "stream", "false"));
            assertThat(r.status()).isEqualTo(403);
            assertThat(r.json().get("detail").asText())
                    .isEqualTo("Insufficient permissions. Required scope(s): agents:run");
            assertThat(reader.get("/sessions").status()).isEqualTo(200);
        }

        @Test
        void listingsShowOnlyWhatTheScopesReach() {
            Http echoOnly = bed.as(token("dave", "agents:echo:read"));
            assertThat(echoOnly.get("/agents").json()).extracting(n -> n.get("id").asText()).containsExactly("echo");
            assertThat(echoOnly.get("/teams").json()).isEmpty();
        }

        @Test
        void aRunIsTheTokensUsersAndOtherUsersCannotSeeTouchOrDeleteIt() {
            JsonNode run = aliceRun("alice's secret");
            String runId = run.get("run_id").asText();
            String sessionId = run.get("session_id").asText();
            assertThat(bed.store.getRun(runId).flatMap(RunResult::userId)).contains("alice");

            assertThat(ids(bob.get("/sessions"))).doesNotContain(sessionId);
            assertThat(bob.get("/sessions?user_id=alice").json().get("data")).isEmpty();
            assertThat(bob.get("/sessions/" + sessionId).status()).isEqualTo(404);
            assertThat(bob.get("/sessions/" + sessionId + "/runs").status()).isEqualTo(404);
            assertThat(bob.get("/sessions/" + sessionId + "/runs/" + runId).status()).isEqualTo(404);
            assertThat(bob.get("/agents/echo/runs/" + runId + "?session_id=" + sessionId).status()).isEqualTo(404);
            assertThat(bob.get("/agents/echo/runs/" + runId).status()).isEqualTo(404);
            assertThat(bob.get("/runs/" + runId).status()).isEqualTo(404);
            for (String cancel : List.of("/agents/echo/runs/" + runId + "/cancel", "/runs/" + runId + "/cancel")) {
                Http.Response r = bob.post(cancel);
                assertThat(r.status()).as(cancel).isEqualTo(200);
                assertThat(r.json().get("outcome").asText()).as("another user's run is not found").isEqualTo("NOT_FOUND");
            }
            assertThat(bob.postJson("/sessions/" + sessionId + "/rename", "{\"session_name\":\"mine\"}").status())
                    .isEqualTo(404);
            assertThat(bob.postForm("/agents/echo/runs", form("message", "add to it", "session_id", sessionId,
                    "stream", "false")).status()).isEqualTo(404);
            assertThat(bob.delete("/sessions/" + sessionId).status()).isEqualTo(204); // as for one that does not exist
            assertThat(bed.store.getSession(sessionId)).isPresent();

            assertThat(ids(alice.get("/sessions"))).contains(sessionId);
            assertThat(alice.get("/sessions/" + sessionId).status()).isEqualTo(200);
            assertThat(alice.get("/agents/echo/runs/" + runId + "?session_id=" + sessionId).status()).isEqualTo(200);
        }

        @Test
        void anAdminSeesAndActsOnEveryonesData() {
            JsonNode run = aliceRun("for the admin to see");
            String sessionId = run.get("session_id").asText();

            assertThat(ids(admin.get("/sessions?limit=1000"))).contains(sessionId);
            assertThat(admin.get("/sessions/" + sessionId).status()).isEqualTo(200);
            assertThat(admin.get("/runs/" + run.get("run_id").asText()).status()).isEqualTo(200);
            assertThat(admin.delete("/sessions/" + sessionId).status()).isEqualTo(204);
            assertThat(bed.store.getSession(sessionId)).isEmpty();
        }

        @Test
        void theOwnerCancelsAndDeletesTheirOwnRun() {
            JsonNode started = alice.postForm("/teams/crew/runs", form("message", "[stall] long", "stream", "false",
                    "background", "true")).json();
            String runId = started.get("run_id").asText();

            Http.Response cancel = alice.post("/runs/" + runId + "/cancel");
            assertThat(cancel.status()).isEqualTo(200);
            assertThat(cancel.json().get("status").asText()).isEqualTo("CANCELLED");
            assertThat(alice.delete("/sessions/" + started.get("session_id").asText()).status()).isEqualTo(204);
            assertThat(bed.store.getSession(started.get("session_id").asText())).isEmpty();
        }

        @Test
        void cancellingByRunIdNeedsTheRunScopeOfTheRunsComponent() {
            String runId = alice.postForm("/teams/crew/runs", form("message", "[stall] team", "stream", "false",
                    "background", "true")).json().get("run_id").asText();
            Http agentRunner = bed.as(token("alice", "agents:run", "sessions:read"));

            Http.Response r = agentRunner.post("/runs/" + runId + "/cancel");

            assertThat(r.status()).isEqualTo(403);
            assertThat(r.json().get("detail").asText()).endsWith("teams:run");
            assertThat(alice.post("/runs/" + runId + "/cancel").status()).isEqualTo(200);
        }

        private List<String> ids(Http.Response sessions) {
            List<String> out = new ArrayList<>();
            sessions.json().get("data").forEach(s -> out.add(s.get("session_id").asText()));
            return out;
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class WithIsolationSwitchedOff {

        private TestBed bed;

        @BeforeAll
        void start() {
            bed = new TestBed(b -> b.jwt(JwtAuth.builder().verificationKey(SECRET).userIsolation(false).build()));
        }

        @AfterAll
        void stop() {
            bed.close();
        }

        @Test
        void usersSeeEachOthersSessionsButRunsStillBelongToTheTokensUser() {
            Http alice = new Http(bed.server.baseUrl()).header("Authorization", "Bearer " + token("alice", USER_SCOPES));
            Http bob = new Http(bed.server.baseUrl()).header("Authorization", "Bearer " + token("bob", USER_SCOPES));
            JsonNode run = alice.postForm("/agents/echo/runs", form("message", "shared", "stream", "false")).json();

            assertThat(bob.get("/sessions/" + run.get("session_id").asText()).status()).isEqualTo(200);
            assertThat(bed.store.getRun(run.get("run_id").asText()).flatMap(RunResult::userId)).contains("alice");
        }
    }
}
