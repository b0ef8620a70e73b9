package dev.cadre.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.run.RunResult;
import dev.cadre.run.RunStatus;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
/**
 * The runs dashboard in a real browser, on runs in progress: a run streamed from the page, its answer as the model
 * writes it, a member's text under its node in the team tree, and what the page says of a background run.
 */
class RunsDashboardLiveBrowserTest extends DashboardBrowserSupport {

    /** Starts a streamed run of {@code component} ("agents/holder") from the page's form; returns its run id. */
    private String streamFromThePage(String component, String message) {
        waiting().until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("#start-component option[value='" + component + "']")));
        new Select(browser.findElement(By.id("start-component"))).selectByValue(component);
        new Select(browser.findElement(By.id("start-mode"))).selectByValue("stream");
        browser.findElement(By.id("start-message")).sendKeys(message);
        browser.findElement(By.id("start-submit")).click();
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("start-result"), "Streaming run "));
        String status = browser.findElement(By.id("start-result")).getText();
        String runId = status.substring("Streaming run ".length(), status.length() - 1);
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("detail-title"), runId));
        return runId;
    }

    @Test
    void aRunStreamedFromThePageShowsItsAnswerAsTheModelWritesItAndKeepsItWhenCancelled() {
        openWith(KEY);
        String runId = streamFromThePage("agents/holder", "[partial] streamed to the page");

        // The model has sent two chunks and hangs: the store has no turn of the run yet, so what the page shows —
        // in the stream panel and in the run's detail — is the answer as it streams.
        waiting().until(ExpectedConditions.textToBe(By.id("start-stream"), "The answer so far"));
        waiting().until(ExpectedConditions.textToBe(By.id("content"), "The answer so far"));
        assertThat(browser.findElement(By.id("content-note")).getText()).startsWith("In progress: a streamed run's");
        assertThat(store.getRun(runId).orElseThrow().content()).as("the store has no part of the answer yet").isEmpty();
        assertThat(browser.findElement(By.id("start-submit")).isEnabled()).as("one stream at a time").isFalse();
        Browser.screenshot("12-streamed-from-the-page");

        waiting().until(ExpectedConditions.elementToBeClickable(By.id("cancel"))).click();
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("start-result"),
                "Run " + runId + " ended: RunCancelled"));
        waiting().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#tree li[data-status='CANCELLED']")));
        waiting().until(ExpectedConditions.invisibilityOfElementLocated(By.id("content-note")));
        assertThat(browser.findElement(By.id("content")).getText()).isEqualTo("The answer so far");
        assertThat(browser.findElement(By.id("start-submit")).isEnabled()).isTrue();
        RunResult stored = store.getRun(runId).orElseThrow();
        assertThat(stored.status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(stored.content()).as("the partial answer is kept").isEqualTo("The answer so far");
        assertThat(stored.input().inputContent()).isEqualTo("[partial] streamed to the page");
        new Select(browser.findElement(By.id("start-mode"))).selectByValue("background");
        browser.findElement(By.id("detail-close")).click();
    }

    @Test
    void aMemberStillWritingShowsItsTextUnderItsNodeInTheTeamTree() {
        openWith(KEY);
        String runId = streamFromThePage("teams/crew", "[member-partial] delegate and wait");

        // The page redraws the tree from each read of the live state: every look at it is a wait on a locator.
        By writerRunning = By.xpath("//ul[@id='tree']/li/ul/li[@data-status='RUNNING']"
                + "[./div/span[@class='name' and text()='Writer (agent)']]");
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(
                By.cssSelector("#tree li li .streaming"), "The answer so far"));
        waiting().until(ExpectedConditions.presenceOfElementLocated(writerRunning));
        // The delegation shows while it is under way, from the leader's live state: the store has no event yet.
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("timeline"),
                "delegate_task_to_member · delegation"));
        assertThat(store.getRun(runId).orElseThrow().events()).isEmpty();
        Browser.screenshot("13-member-streaming");

        browser.findElement(By.id("cancel")).click();
        waiting().until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#tree li[data-status='CANCELLED']"), 2));
        assertThat(store.getRun(runId).orElseThrow().status()).isEqualTo(RunStatus.CANCELLED);
        new Select(browser.findElement(By.id("start-mode"))).selectByValue("background");
        browser.findElement(By.id("detail-close")).click();
    }

    @Test
    void aBackgroundRunInProgressSaysItsContentAppearsTurnByTurn() {
        openWith(KEY);
        String runId = openHolderRun("[partial] in the background", "RUNNING");
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("content-note"),
                "a background or blocking run's as each model turn ends"));
        assertThat(browser.findElement(By.id("content")).getText()).isEmpty();
        browser.findElement(By.id("cancel")).click();
        waiting().until(ExpectedConditions.invisibilityOfElementLocated(By.id("content-note")));
        browser.findElement(By.id("detail-close")).click();
    }
}
