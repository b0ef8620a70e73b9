package dev.cadre.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.Agent;
import dev.cadre.RunManager;
import dev.cadre.Team;
import dev.cadre.db.Db;
import dev.cadre.db.InMemoryDb;
import dev.cadre.openai.OpenAIChat;
import dev.cadre.testkit.FakeOpenAIServer;
import dev.cadre.testkit.FakeToolCall;
import dev.cadre.testkit.RecordedRequest;
import dev.cadre.testkit.Reply;
import dev.cadre.tool.FunctionTool;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * What the runs dashboard's browser tests share: a server with a security key and the fake model, and a real browser
 * (headless Chromium) on its page. Runs are held where a test needs them by a tool that waits on a latch
 * ({@code [hold:<gate>]} in the message), or by a model that stops half-way through its answer ({@code [partial]});
 * one browser serves every test of a class. Each state the tests reach is saved under {@code target/ui-screenshots/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class DashboardBrowserSupport {

    static final String KEY = "dashboard-key";
    static final Duration WAIT = Duration.ofSeconds(30);

    final Map<String, CountDownLatch> reached = new ConcurrentHashMap<>();
    final Map<String, CountDownLatch> released = new ConcurrentHashMap<>();
    FakeOpenAIServer openai;
    Db store;
    RunManager runs;
    CadreServer server;
    Http http;
    ChromeDriver browser;

    @BeforeAll
    void start() {
        browser = Browser.driver();
        openai = FakeOpenAIServer.start();
        openai.dispatcher(DashboardBrowserSupport::reply);
        store = new InMemoryDb();
        // One background run at a time: a second one waits PENDING while the first is held.
        runs = RunManager.builder().maxBackgroundRuns(1).build();
        FunctionTool hold = FunctionTool.of("hold", "Waits until the test lets it go.", Gate.class, (args, ctx) -> {
            String gate = args.gate();
            gate(reached, gate).countDown();
            return gate(released, gate).await(30, TimeUnit.SECONDS) ? "released" : "not released";
        });
        Agent holder = Agent.builder().id("holder").name("Holder").model(model()).tools(hold).db(store).runManager(runs)
                .build();
        Agent writer = Agent.builder().id("writer").name("Writer").role("Writes.").model(model()).runManager(runs).build();
        Agent checker = Agent.builder().id("checker").name("Checker").role("Checks.").model(model()).runManager(runs)
                .build();
        Team crew = Team.builder().id("crew").name("Crew").model(model()).members(writer, checker)
                .instructions("Delegate to both members.").db(store).runManager(runs).build();
        server = CadreServer.builder().agents(holder).teams(crew).db(store).runManager(runs).port(0)
                .securityKey(KEY).build().start();
        http = new Http(server.baseUrl()).header("Authorization", "Bearer " + KEY);
    }

    /** The hold tool's arguments: which latch to wait on. */
    record Gate(String gate) {
    }

    OpenAIChat model() {
        return OpenAIChat.builder().id("gpt-4o").apiKey("sk-test").baseUrl(openai.baseUrl()).build();
    }

    static CountDownLatch gate(Map<String, CountDownLatch> gates, String name) {
        return gates.computeIfAbsent(name, k -> new CountDownLatch(1));
    }

    static Reply reply(RecordedRequest r) {
        String msg = r.lastUserMessage().orElse("");
        if (msg.contains("[stall]")) {
            return Reply.stall();
        }
        if (msg.contains("[partial]")) {
            // Two chunks of the answer, then the model hangs: the run is caught half-way through it.
            return Reply.textChunks("The answer ", "so far", " and the rest").stallAfter(2);
        }
        if (msg.contains("[member-partial]") && r.hasTool("delegate_task_to_member") && !r.isAfterToolResult()) {
            return Reply.toolCall("delegate_task_to_member", "{\"member_id\":\"writer\",\"task\":\"[partial] write\"}");
        }
        if (msg.contains("[fail]")) {
            return Reply.error(400, "invalid_request_error", "bad_request", "The model refused the request");
        }
        if (msg.contains("[hold:") && r.hasTool("hold") && !r.isAfterToolResult()) {
            String gate = msg.substring(msg.indexOf("[hold:") + 6, msg.indexOf(']', msg.indexOf("[hold:")));
            return Reply.toolCall("hold", "{\"gate\":\"" + gate + "\"}");
        }
        if (msg.contains("[both]") && r.hasTool("delegate_task_to_member") && !r.isAfterToolResult()) {
            return Reply.toolCalls(
                    FakeToolCall.of("delegate_task_to_member", "{\"member_id\":\"writer\",\"task\":\"Write a line\"}"),
                    FakeToolCall.of("delegate_task_to_member", "{\"member_id\":\"checker\",\"task\":\"Check it\"}"));
        }
        if (r.isAfterToolResult()) {
            return Reply.text("All done.");
        }
        return Reply.text("Done: " + msg.replace("\"", "'"));
    }

    @AfterEach
    void releaseEverything() {
        released.values().forEach(CountDownLatch::countDown);
        // A test that failed half-way leaves no run behind to hold the only background slot.
        runs.activeRunIds().forEach(runs::cancel);
    }

    @AfterAll
    void stop() {
        releaseEverything();
        if (server != null) {
            server.stop(Duration.ofSeconds(5));
            openai.close();
            store.close();
        }
    }

    // ---- driving the page ----------------------------------------------------------------------------

    WebDriverWait waiting() {
        return new WebDriverWait(browser, WAIT);
    }

    /** Opens the page in a fresh tab state and gives it {@code token} through its form. */
    void openWith(String token) {
        browser.get(server.baseUrl() + "/ui");
        browser.executeScript("sessionStorage.clear()");
        browser.navigate().refresh();
        WebElement field = waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("token")));
        field.sendKeys(token);
        browser.findElement(By.id("token-submit")).click();
        waiting().until(ExpectedConditions.invisibilityOfElementLocated(By.id("token-form")));
    }

    String backgroundRun(String component, String path, String message) {
        Http.Response r = http.postForm(path, Map.of("message", message, "stream", "false", "background", "true"));
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        return r.json().get("run_id").asText();
    }

    By row(String runId) {
        return By.cssSelector("#runs-body tr[data-run-id='" + runId + "']");
    }

    void awaitRowStatus(String runId, String status) {
        waiting().withMessage("the list shows run " + runId + " " + status)
                .until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(
                        "#runs-body tr[data-run-id='" + runId + "'][data-status='" + status + "']")));
    }

    void await(CountDownLatch latch, String what) throws InterruptedException {
        assertThat(latch.await(30, TimeUnit.SECONDS)).as(what).isTrue();
    }

    /** Starts a background run of the holder agent, waits until the list shows it {@code status}, and opens it. */
    String openHolderRun(String message, String status) {
        String runId = backgroundRun("holder", "/agents/holder/runs", message);
        awaitRowStatus(runId, status);
        openDetail(runId);
        return runId;
    }

    void openDetail(String runId) {
        waiting().until(ExpectedConditions.elementToBeClickable(row(runId).findElement(browser)
                .findElement(By.cssSelector("button.open")))).click();
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("detail-title"), runId));
    }
}
