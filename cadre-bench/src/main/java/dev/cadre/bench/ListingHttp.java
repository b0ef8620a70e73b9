package dev.cadre.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * The HTTP side of the listing benchmark: plain {@code java.net.http} clients against a real
 * server over loopback, each request timed from send to the last byte of its body.
 */
final class ListingHttp implements AutoCloseable {

    /** A listing request of the load not answered within this counts as a timeout, as a load tool's would. */
    static final Duration LOAD_TIMEOUT = Duration.ofSeconds(5);

    /** The /health probe waits much longer, so that a starved server shows its real latency, not a cut-off. */
    static final Duration PROBE_TIMEOUT = Duration.ofSeconds(60);

    /** Pause between two /health probes: a monitor polls; it does not add to the load. */
    private static final long PROBE_GAP_MILLIS = 50;

    private final String baseUrl;
    private final HttpClient client = newClient();

    ListingHttp(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    /** HTTP/1.1, as browsers and load tools talk to the API: one request at a time per connection. */
    static HttpClient newClient() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    HttpRequest request(String path, Duration timeout) {
        return HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(timeout).GET().build();
    }

    /** One GET on this client's connection, its body read whole; fails unless the status is 200. */
    byte[] get(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<byte[]> r = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            throw new AssertionError("GET " + request.uri() + " answered " + r.statusCode() + ": "
                    + new String(r.body(), java.nio.charset.StandardCharsets.UTF_8));
        }
        return r.body();
    }

    /**
     * What the load saw.
     *
     * @param ok listing requests answered 200 within {@link #LOAD_TIMEOUT}
     * @param seconds from the first request sent to the last answer (or timeout) received
     * @param listing the latency of each answered listing request
     * @param health the latency of each /health probe answered 200
     */
    record Load(long ok, long timeouts, long errors, double seconds, Samples listing, Samples health,
            long healthFailures) {

        long requests() {
            return ok + timeouts + errors;
        }

        double rate() {
            return ok / seconds;
        }
    }

    /**
     * {@code clients} clients send {@code path} back to back for {@code seconds}, each waiting for its
     * answer before the next request (one connection each, as a load tool's connections); meanwhile a
     * monitor on a connection of its own polls {@code GET /health}. Then waits for every request still
     * out.
     */
    Load load(String path, int clients, double seconds) throws InterruptedException {
        HttpRequest list = request(path, LOAD_TIMEOUT);
        HttpRequest health = request("/health", PROBE_TIMEOUT);
        Samples listing = new Samples(1_024);
        Samples healthy = new Samples(256);
        LongAdder ok = new LongAdder();
        LongAdder timeouts = new LongAdder();
        LongAdder errors = new LongAdder();
        LongAdder healthFailures = new LongAdder();
        // The monitor has a client of its own, so its requests never queue behind the load's in one pool.
        try (HttpClient loadClient = newClient(); HttpClient monitor = newClient()) {
            long start = System.nanoTime();
            long end = start + (long) (seconds * 1e9);
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                threads.add(Thread.ofVirtual().name("listing-client-" + i).start(() -> {
                    while (System.nanoTime() < end) {
                        long t = System.nanoTime();
                        try {
                            HttpResponse<byte[]> r = loadClient.send(list, HttpResponse.BodyHandlers.ofByteArray());
                            if (r.statusCode() == 200) {
                                listing.add(System.nanoTime() - t);
                                ok.increment();
                            } else {
                                errors.increment();
                            }
                        } catch (HttpTimeoutException e) {
                            timeouts.increment();
                        } catch (IOException e) {
                            errors.increment();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                    }
                }));
            }
            threads.add(Thread.ofPlatform().name("health-monitor").start(() -> {
                while (System.nanoTime() < end) {
                    long t = System.nanoTime();
                    try {
                        HttpResponse<byte[]> r = monitor.send(health, HttpResponse.BodyHandlers.ofByteArray());
                        if (r.statusCode() == 200) {
                            healthy.add(System.nanoTime() - t);
                        } else {
                            healthFailures.increment();
                        }
                        Thread.sleep(PROBE_GAP_MILLIS);
                    } catch (IOException e) {
                        healthFailures.increment();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }));
            for (Thread t : threads) {
                t.join();
            }
            double elapsed = (System.nanoTime() - start) / 1e9;
            return new Load(ok.sum(), timeouts.sum(), errors.sum(), elapsed, listing, healthy, healthFailures.sum());
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
