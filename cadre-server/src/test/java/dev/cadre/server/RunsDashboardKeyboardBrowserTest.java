package dev.cadre.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.cadre.run.RunStatus;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * The runs dashboard as a keyboard and screen-reader user meets it while it polls: the focus stays where it was, what
 * has not changed is not rebuilt, Escape closes what is on top and not a field's text, and a bulk cancel goes on past
 * a run it cannot cancel.
 */
class RunsDashboardKeyboardBrowserTest extends DashboardBrowserSupport {

    /** How many polls have painted the page so far ({@code #live[data-polls]}). */
    private long polls() {
        String n = browser.findElement(By.id("live")).getDomAttribute("data-polls");
        return n == null ? 0 : Long.parseLong(n);
    }

    /** Waits until two more polls have painted: the second of them began after this call. */
    private void awaitTwoPolls() {
        long from = polls();
        waiting().withMessage("two more polls").until(d -> polls() >= from + 2);
    }

    private WebElement focused() {
        return browser.switchTo().activeElement();
    }

    @Test
    void aPollKeepsTheRowsAndTheKeyboardFocusOnAnOpenButton() {
        openWith(KEY);
        String first = backgroundRun("holder", "/agents/holder/runs", "focus first");
        awaitRowStatus(first, "COMPLETED");
        WebElement row = browser.findElement(row(first));
        WebElement open = row.findElement(By.cssSelector("button.open"));
        browser.executeScript("arguments[0].focus()", open);

        String second = backgroundRun("holder", "/agents/holder/runs", "focus second");
        awaitRowStatus(second, "COMPLETED");
        awaitTwoPolls();

        assertThatCode(row::getText).as("the row is the same element, updated in place").doesNotThrowAnyException();
        assertThat(focused().getDomAttribute("aria-label")).isEqualTo("Open run " + first);
        assertThat(browser.findElements(By.cssSelector("#runs-body tr")).get(0).getDomAttribute("data-run-id"))
                .as("the new run is on top").isEqualTo(second);
    }

    @Test
    void theDetailOfAnEndedRunIsNotRebuiltByPolls() {
        openWith(KEY);
        String runId = openHolderRun("read me slowly", "COMPLETED");
        WebElement event = waiting().until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("#timeline li[data-event='RunCompleted']")));

        awaitTwoPolls();

        assertThatCode(event::getText).as("the timeline is the one first shown").doesNotThrowAnyException();
        browser.findElement(By.id("detail-close")).click();
    }

    @Test
    void cancellingByKeyboardKeepsTheFocusInTheDetailWhenTheButtonGoesAway() {
        openWith(KEY);
        String runId = openHolderRun("[stall] cancel me by keyboard", "RUNNING");
        WebElement cancel = waiting().until(ExpectedConditions.elementToBeClickable(By.id("cancel")));

        cancel.sendKeys(Keys.ENTER);

        waiting().until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("#detail-summary dd[data-status='CANCELLED']")));
        waiting().until(ExpectedConditions.invisibilityOf(cancel));
        assertThat(focused().getDomAttribute("id")).isEqualTo("detail-title");
        assertThat(store.getRun(runId).orElseThrow().status()).isEqualTo(RunStatus.CANCELLED);
        browser.findElement(By.id("detail-close")).click();
    }

    @Test
    void escapeClosesTheBulkQuestionFirstThenTheDetailButNeverWhileTypingInAField() {
        openWith(KEY);
        String runId = openHolderRun("[stall] escape", "RUNNING");

        WebElement filter = browser.findElement(By.id("filter-component"));
        filter.sendKeys("typed", Keys.ESCAPE);
        assertThat(browser.findElement(By.id("detail")).isDisplayed()).as("Escape in a field is the field's").isTrue();
        filter.clear();

        browser.findElement(By.id("bulk-cancel")).click();
        waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("bulk-yes")));
        focused().sendKeys(Keys.ESCAPE);
        assertThat(browser.findElement(By.id("bulk-confirm")).isDisplayed()).isFalse();
        assertThat(browser.findElement(By.id("detail")).isDisplayed()).as("one Escape, one thing closed").isTrue();
        assertThat(focused().getDomAttribute("id")).isEqualTo("bulk-cancel");
        assertThat(store.getRun(runId).orElseThrow().status()).isEqualTo(RunStatus.RUNNING);

        focused().sendKeys(Keys.ESCAPE);
        waiting().until(ExpectedConditions.invisibilityOfElementLocated(By.id("detail")));
        assertThat(focused().getDomAttribute("aria-label")).isEqualTo("Open run " + runId);
    }

    @Test
    void closingTheDetailOfARunNoLongerListedFocusesTheListsHeading() {
        openWith(KEY);
        String runId = openHolderRun("soon filtered out", "COMPLETED");
        browser.findElement(By.id("filter-user")).sendKeys("no-such-user", Keys.ENTER);
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("runs-caption"), "No runs match"));

        browser.findElement(By.id("detail-close")).click();

        assertThat(focused().getDomAttribute("id")).isEqualTo("list-title");
        browser.findElement(By.id("filter-user")).clear();
        browser.findElement(By.id("filter-user")).sendKeys(Keys.ENTER);
    }

    @Test
    void aBulkCancelGoesOnPastARunItCannotCancelAndNamesIt() {
        openWith(KEY);
        List<String> ids = List.of("older", "newer").stream().map(n -> {
            Http.Response r = http.postForm("/agents/holder/runs", Map.of("message", "[stall] past " + n,
                    "stream", "false", "background", "true", "user_id", "past-user"));
            assertThat(r.status()).as(r.body()).isEqualTo(202);
            return r.json().get("run_id").asText();
        }).toList();
        awaitRowStatus(ids.get(0), "RUNNING");
        awaitRowStatus(ids.get(1), "PENDING");
        browser.findElement(By.id("filter-user")).sendKeys("past-user", Keys.ENTER);
        waiting().until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#runs-body tr"), 2));
        // The newest run, cancelled first, cannot be reached: the network fails for its cancel only.
        browser.executeScript("const real = window.fetch; window.fetch = (url, init) => String(url).includes("
                + "arguments[0] + '/cancel') ? Promise.reject(new TypeError('the network is down')) : real(url, init);",
                ids.get(1));

        browser.findElement(By.id("bulk-cancel")).click();
        waiting().until(ExpectedConditions.elementToBeClickable(By.id("bulk-yes"))).click();

        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("bulk-result"), "Not cancelled: 1"));
        String result = browser.findElement(By.id("bulk-result")).getText();
        assertThat(result).startsWith("Cancelled: 1 cancelled.").contains(ids.get(1), "the network is down");
        awaitRowStatus(ids.get(0), "CANCELLED");
        assertThat(store.getRun(ids.get(0)).orElseThrow().status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(store.getRun(ids.get(1)).orElseThrow().status().isTerminal()).isFalse();
        Browser.screenshot("14-bulk-cancel-partly-failed");
        browser.navigate().refresh(); // the page's own fetch again
        browser.findElement(By.id("filter-user")).clear();
        browser.findElement(By.id("filter-user")).sendKeys(Keys.ENTER);
    }
}
