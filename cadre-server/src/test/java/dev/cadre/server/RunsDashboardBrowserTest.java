package dev.cadre.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.Agent;
import dev.cadre.RunManager;
import dev.cadre.Team;
import dev.cadre.db.Db;
import dev.cadre.db.InMemoryDb;
import dev.cadre.openai.OpenAIChat;
import dev.cadre.run.RunStatus;
import dev.cadre.testkit.FakeOpenAIServer;
import dev.cadre.testkit.FakeToolCall;
import dev.cadre.testkit.RecordedRequest;
import dev.cadre.testkit.Reply;
import dev.cadre.tool.FunctionTool;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The runs dashboard in a real browser (headless Chromium) against a server with a security key and the fake model.
 * Runs are held where a test needs them by a tool that waits on a latch ({@code [hold:<gate>]} in the message); one
 * browser serves every test. Each state the tests reach is saved under {@code target/ui-screenshots/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RunsDashboardBrowserTest {

    private static final String KEY = "dashboard-key";
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final Map<String, CountDownLatch> reached = new ConcurrentHashMap<>();
    private final Map<String, CountDownLatch> released = new ConcurrentHashMap<>();
    private FakeOpenAIServer openai;
    private Db store;
    private RunManager runs;
    private CadreServer server;
    private Http http;
    private ChromeDriver browser;

    @BeforeAll
    void start() {
        browser = Browser.driver();
        openai = FakeOpenAIServer.start();
        openai.dispatcher(RunsDashboardBrowserTest::reply);
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

    private OpenAIChat model() {
        return OpenAIChat.builder().id("gpt-4o").apiKey("sk-test").baseUrl(openai.baseUrl()).build();
    }

    private static CountDownLatch gate(Map<String, CountDownLatch> gates, String name) {
        return gates.computeIfAbsent(name, k -> new CountDownLatch(1));
    }

    private static Reply reply(RecordedRequest r) {
        String msg = r.lastUserMessage().orElse("");
        if (msg.contains("[stall]")) {
            return Reply.stall();
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

    private WebDriverWait waiting() {
        return new WebDriverWait(browser, WAIT);
    }

    /** Opens the page in a fresh tab state and gives it {@code token} through its form. */
    private void openWith(String token) {
        browser.get(server.baseUrl() + "/ui");
        browser.executeScript("sessionStorage.clear()");
        browser.navigate().refresh();
        WebElement field = waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("token")));
        field.sendKeys(token);
        browser.findElement(By.id("token-submit")).click();
        waiting().until(ExpectedConditions.invisibilityOfElementLocated(By.id("token-form")));
    }

    private String backgroundRun(String component, String path, String message) {
        Http.Response r = http.postForm(path, Map.of("message", message, "stream", "false", "background", "true"));
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        return r.json().get("run_id").asText();
    }

    private By row(String runId) {
        return By.cssSelector("#runs-body tr[data-run-id='" + runId + "']");
    }

    private void awaitRowStatus(String runId, String status) {
        waiting().withMessage("the list shows run " + runId + " " + status)
                .until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(
                        "#runs-body tr[data-run-id='" + runId + "'][data-status='" + status + "']")));
    }

    private void await(CountDownLatch latch, String what) throws InterruptedException {
        assertThat(latch.await(30, TimeUnit.SECONDS)).as(what).isTrue();
    }

    private void openDetail(String runId) {
        waiting().until(ExpectedConditions.elementToBeClickable(row(runId).findElement(browser)
                .findElement(By.cssSelector("button.open")))).click();
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("detail-title"), runId));
    }

    // ---- the specification -------------------------------------------------------------------------

    @Test
    void theListShowsABackgroundRunGoPendingThenRunningThenCompletedWithoutReloading() throws Exception {
        openWith(KEY);
        String blocker = backgroundRun("holder", "/agents/holder/runs", "[hold:blocker] first");
        await(gate(reached, "blocker"), "the first run holds the only background slot");
        String run = backgroundRun("holder", "/agents/holder/runs", "[hold:live] second");

        awaitRowStatus(run, "PENDING");
        Browser.screenshot("1-list-pending");
        gate(released, "blocker").countDown();
        await(gate(reached, "live"), "the second run started and is held");
        awaitRowStatus(run, "RUNNING");
        Browser.screenshot("2-list-running");
        gate(released, "live").countDown();
        awaitRowStatus(run, "COMPLETED");
        awaitRowStatus(blocker, "COMPLETED");
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("chart-summary"), "completed"));
        waiting().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#chart-plot rect.bar-COMPLETED")));
        assertThat(browser.findElement(By.id("chart-summary")).getText()).contains("started in the last hour",
                "duration p50 ", "p95 ");
        Browser.screenshot("3-list-completed");

        WebElement completed = browser.findElement(row(run));
        assertThat(completed.getText()).contains("Holder", "agent holder", "COMPLETED");
        assertThat(completed.findElement(By.cssSelector(".status-COMPLETED")).isDisplayed()).isTrue();
        assertThat(store.getRun(run).orElseThrow().status()).isEqualTo(RunStatus.COMPLETED);
    }

    @Test
    void theDetailOfATeamRunShowsBothMembersAndTheDelegations() {
        openWith(KEY);
        Http.Response done = http.postForm("/teams/crew/runs", Map.of("message", "[both] write and check",
                "stream", "false"));
        assertThat(done.status()).as(done.body()).isEqualTo(200);
        String runId = done.json().get("run_id").asText();

        awaitRowStatus(runId, "COMPLETED");
        openDetail(runId);
        waiting().until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#tree li"), 3));
        Browser.screenshot("4-team-detail");

        List<String> tree = browser.findElements(By.cssSelector("#tree li .name")).stream().map(WebElement::getText)
                .toList();
        assertThat(tree.getFirst()).as("the leader's run is the root").isEqualTo("Crew (team)");
        // The members ran side by side: either may have started first.
        assertThat(tree.subList(1, 3)).containsExactlyInAnyOrder("Writer (agent)", "Checker (agent)");
        assertThat(browser.findElements(By.cssSelector("#tree li[data-status='COMPLETED']"))).hasSize(3);
        String timeline = browser.findElement(By.id("timeline")).getText();
        assertThat(timeline).contains("TeamToolCallStarted", "delegate_task_to_member · delegation",
                "\"member_id\": \"writer\"", "\"member_id\": \"checker\"", "result: Done: Write a line",
                "result: Done: Check it", "RunStarted Writer", "RunStarted Checker");
        // The members' runs appear where the leader delegated, and the leader's end comes last.
        assertThat(timeline.indexOf("RunStarted Writer")).isGreaterThan(timeline.indexOf("TeamToolCallStarted"));
        assertThat(timeline.trim()).contains("TeamRunCompleted Crew");
        assertThat(timeline.lastIndexOf("TeamRunCompleted")).isGreaterThan(timeline.lastIndexOf("RunCompleted Checker"));
        assertThat(browser.findElement(By.id("content")).getText()).isEqualTo("All done.");
        assertThat(browser.findElement(By.id("cancel")).isDisplayed()).as("no cancel for an ended run").isFalse();
        browser.findElement(By.id("detail-close")).click();
    }

    @Test
    void theCancelButtonEndsAStalledRunCancelledInTheStoreAndOnThePage() throws Exception {
        openWith(KEY);
        String runId = backgroundRun("holder", "/agents/holder/runs", "[stall] never answers");
        awaitRowStatus(runId, "RUNNING");
        openDetail(runId);
        WebElement cancel = waiting().until(ExpectedConditions.elementToBeClickable(By.id("cancel")));
        Browser.screenshot("5-stalled-run");

        cancel.click();

        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("cancel-result"), "CANCELLED"));
        awaitRowStatus(runId, "CANCELLED");
        waiting().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#tree li[data-status='CANCELLED']")));
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("timeline"), "RunCancelled"));
        Browser.screenshot("6-cancelled");
        assertThat(browser.findElement(By.id("cancel-result")).getText()).startsWith("CANCELLED: ");
        assertThat(store.getRun(runId).orElseThrow().status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(browser.findElement(By.id("cancel")).isDisplayed()).isFalse();
        browser.findElement(By.id("detail-close")).click();
    }

    @Test
    void aWrongTokenShowsAClearMessageAndTheRightOneIsAccepted() {
        browser.get(server.baseUrl() + "/ui");
        browser.executeScript("sessionStorage.setItem('cadre.dashboard.token', 'not-the-key')");
        browser.navigate().refresh();

        WebElement message = waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("message")));
        waiting().until(ExpectedConditions.textToBePresentInElement(message, "The token was refused (401)"));
        assertThat(message.getText()).isEqualTo("The token was refused (401): Invalid authentication token");
        assertThat(browser.findElement(By.id("token-form")).isDisplayed()).isTrue();
        Browser.screenshot("7-wrong-token");

        browser.findElement(By.id("token")).sendKeys(KEY);
        browser.findElement(By.id("token-submit")).click();
        waiting().until(ExpectedConditions.invisibilityOfElementLocated(By.id("message")));
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("live"), "Live"));
        assertThat(browser.executeScript("return sessionStorage.getItem('cadre.dashboard.token')")).isEqualTo(KEY);
    }

    @Test
    void aFailedRunShowsItsErrorAndTheDetailIsUsableByKeyboardInANarrowWindow() {
        browser.manage().window().setSize(new Dimension(420, 1400));
        try {
            openWith(KEY);
            String runId = backgroundRun("holder", "/agents/holder/runs", "[fail] refused");
            awaitRowStatus(runId, "ERROR");

            WebElement open = browser.findElement(row(runId)).findElement(By.cssSelector("button.open"));
            open.sendKeys(Keys.ENTER);
            WebElement error = waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("detail-error")));
            waiting().until(ExpectedConditions.textToBePresentInElement(error, "The model refused the request"));
            assertThat(error.getText()).startsWith("Error: ");
            assertThat(browser.switchTo().activeElement().getAttribute("id")).as("focus moves to the detail")
                    .isEqualTo("detail-title");
            Browser.screenshot("8-failed-run-narrow");
            assertThat((Long) browser.executeScript("return document.documentElement.scrollWidth - window.innerWidth"))
                    .as("nothing wider than the window but the table, which scrolls in its box").isLessThanOrEqualTo(0L);

            browser.switchTo().activeElement().sendKeys(Keys.ESCAPE);
            waiting().until(ExpectedConditions.invisibilityOfElementLocated(By.id("detail")));
        } finally {
            browser.manage().window().setSize(new Dimension(1280, 1400));
        }
    }

    @Test
    void aTeamRunStartedFromThePageOpensAndEndsCompletedWithItsMembers() {
        openWith(KEY);
        WebElement component = waiting().until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("#start-component option[value='teams/crew']")));
        new Select(browser.findElement(By.id("start-component"))).selectByValue("teams/crew");
        assertThat(component.getText()).isEqualTo("Crew (team crew)");
        browser.findElement(By.id("start-message")).sendKeys("[both] started from the page");
        browser.findElement(By.id("start-submit")).click();

        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("start-result"), "Started run "));
        String runId = browser.findElement(By.id("start-result")).getText().split(" ")[2];
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("detail-title"), runId));
        waiting().until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#tree li[data-status='COMPLETED']"), 3));
        awaitRowStatus(runId, "COMPLETED");
        Browser.screenshot("9-started-from-the-page");

        assertThat(store.getRun(runId).orElseThrow().input().inputContent()).isEqualTo("[both] started from the page");
        browser.findElement(By.id("detail-close")).click();
    }

    @Test
    void bulkCancelAsksThenCancelsEveryRunOfTheFilteredListThatHasNotEnded() {
        openWith(KEY);
        List<String> ids = List.of("first", "second").stream().map(n -> {
            Http.Response r = http.postForm("/agents/holder/runs", Map.of("message", "[stall] bulk " + n,
                    "stream", "false", "background", "true", "user_id", "bulk-user"));
            assertThat(r.status()).as(r.body()).isEqualTo(202);
            return r.json().get("run_id").asText();
        }).toList();
        // One background run at a time here: the first stalls RUNNING, the second waits PENDING behind it.
        awaitRowStatus(ids.get(0), "RUNNING");
        awaitRowStatus(ids.get(1), "PENDING");
        browser.findElement(By.id("filter-user")).sendKeys("bulk-user", Keys.ENTER);
        waiting().until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#runs-body tr"), 2));

        browser.findElement(By.id("bulk-cancel")).click();
        WebElement question = waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("bulk-question")));
        assertThat(question.getText()).isEqualTo("Cancel 2 runs of this list that have not ended?");
        Browser.screenshot("10-bulk-cancel-confirmation");
        browser.findElement(By.id("bulk-no")).click();
        assertThat(browser.findElement(By.id("bulk-confirm")).isDisplayed()).isFalse();
        assertThat(store.getRun(ids.get(0)).orElseThrow().status()).as("No cancels nothing").isEqualTo(RunStatus.RUNNING);

        browser.findElement(By.id("bulk-cancel")).click();
        waiting().until(ExpectedConditions.elementToBeClickable(By.id("bulk-yes"))).click();

        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("bulk-result"), "Cancelled: 2 cancelled"));
        awaitRowStatus(ids.get(0), "CANCELLED");
        awaitRowStatus(ids.get(1), "CANCELLED");
        Browser.screenshot("11-bulk-cancelled");
        for (String id : ids) {
            assertThat(store.getRun(id).orElseThrow().status()).isEqualTo(RunStatus.CANCELLED);
        }
        browser.findElement(By.id("filter-user")).clear();
        browser.findElement(By.id("filter-user")).sendKeys(Keys.ENTER);
    }
}
