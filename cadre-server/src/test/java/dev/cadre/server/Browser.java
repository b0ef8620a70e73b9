package dev.cadre.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The one headless Chromium the browser tests share (started on first use, quit when the JVM ends): the system's
 * {@code chromium} and {@code chromedriver}, named explicitly so that Selenium never looks for or downloads one.
 */
final class Browser {

    static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("CADRE_CHROMIUM", "/usr/bin/chromium"));
    static final Path CHROMEDRIVER = Path.of(System.getenv().getOrDefault("CADRE_CHROMEDRIVER", "/usr/bin/chromedriver"));
    static final Path SCREENSHOTS = Path.of("target", "ui-screenshots");

    private static ChromeDriver driver;

    private Browser() {
    }

    /** The shared driver; fails (in CI) or aborts the test (elsewhere) when Chromium is not installed. */
    static synchronized ChromeDriver driver() {
        if (driver != null) {
            return driver;
        }
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        String missing = "The runs dashboard's browser tests need Chromium and its driver at " + CHROMIUM + " and "
                + CHROMEDRIVER + " (Debian: apt-get install chromium chromium-driver)";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            assertThat(present).as(missing).isTrue();
        } else {
            Assumptions.assumeTrue(present, missing);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--no-first-run", "--disable-extensions", "--window-size=1280,1400");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
        driver.manage().window().setSize(new Dimension(1280, 1400));
        ChromeDriver started = driver;
        Runtime.getRuntime().addShutdownHook(new Thread(started::quit));
        return driver;
    }

    /** Saves what the page looks like now as {@code target/ui-screenshots/<name>.png}. */
    static void screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Files.write(SCREENSHOTS.resolve(name + ".png"), driver().getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
