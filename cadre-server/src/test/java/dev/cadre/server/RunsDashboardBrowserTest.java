package dev.cadre.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.run.RunStatus;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
/**
 * The runs dashboard in a real browser: the live list, a team run's detail, cancel and bulk cancel, a wrong token, a
 * failed run by keyboard in a narrow window, and a run started from the page.
 */
class RunsDashboardBrowserTest extends DashboardBrowserSupport {

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
        String runId = openHolderRun("[stall] never answers", "RUNNING");
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
