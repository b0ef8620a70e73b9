package dev.cadre.testkit.internal.mcp;

import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.cadre.testkit.FakeMcpEvents;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.json.schema.jackson2.DefaultJsonSchemaValidator;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import jakarta.servlet.DispatcherType;
import java.io.PrintStream;
import java.net.URI;
import java.util.EnumSet;
import java.util.concurrent.CountDownLatch;
import java.util.function.BiConsumer;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** Runs the fake MCP server's tools on the SDK's server: over stdio in this process, or over HTTP on Jetty. */
public final class McpHosts {

    private static final McpJsonMapper JSON = new JacksonMcpJsonMapper(JsonMapper.builder().build());

    private McpHosts() {
    }

    private static McpSyncServer server(McpServer.SyncSpecification<?> spec, FakeMcpTools tools) {
        return spec.serverInfo("cadre-fake-mcp", "1.0.0")
                .capabilities(McpSchema.ServerCapabilities.builder().tools(false).build())
                .jsonMapper(JSON)
                .jsonSchemaValidator(new DefaultJsonSchemaValidator())
                .tools(tools.specifications())
                .build();
    }

    /**
     * Serves on this process's stdin and stdout until stdin ends; events go to stderr as lines. {@code die}
     * halts the process.
     */
    public static void serveStdio(String eventPrefix) throws InterruptedException {
        PrintStream err = System.err;
        BiConsumer<FakeMcpEvents.Kind, String> events = (kind, id) -> {
            synchronized (err) {
                err.println(eventPrefix + kind + " " + id);
                err.flush();
            }
        };
        FakeMcpTools tools = new FakeMcpTools(events, () -> Runtime.getRuntime().halt(3));
        CountDownLatch ended = new CountDownLatch(1);
        var transport = new StdioServerTransportProvider(JSON,
                new TappedInput(System.in, tools::onMessage, ended::countDown), System.out);
        McpSyncServer server = server(McpServer.sync(transport), tools);
        ended.await();
        server.close();
        // the SDK's threads would keep the process alive for no one
        Runtime.getRuntime().halt(0);
    }

    /** The fake MCP server on a free loopback port, streamable HTTP at {@code /mcp}. */
    public static final class Http implements AutoCloseable {
        private final Server jetty;
        private final McpSyncServer mcp;
        private final FakeMcpTools tools;
        private final URI url;
        private final java.util.Map<String, String> lastHeaders = new java.util.concurrent.ConcurrentHashMap<>();

        public Http(BiConsumer<FakeMcpEvents.Kind, String> events) throws Exception {
            jetty = new Server();
            tools = new FakeMcpTools(events, this::stopAbruptly);
            var transport = HttpServletStreamableServerTransportProvider.builder().jsonMapper(JSON)
                    .mcpEndpoint("/mcp").build();
            mcp = server(McpServer.sync(transport), tools);
            ServerConnector connector = new ServerConnector(jetty);
            connector.setHost("127.0.0.1");
            connector.setPort(0);
            jetty.addConnector(connector);
            ServletContextHandler context = new ServletContextHandler();
            context.setContextPath("/");
            ServletHolder servlet = new ServletHolder(transport);
            servlet.setAsyncSupported(true);
            context.addServlet(servlet, "/*");
            FilterHolder tap = new FilterHolder(new TapFilter(tools::onMessage, lastHeaders));
            tap.setAsyncSupported(true);
            context.addFilter(tap, "/*", EnumSet.of(DispatcherType.REQUEST));
            jetty.setHandler(context);
            jetty.start();
            url = URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/mcp");
        }

        public URI url() {
            return url;
        }

        public void releaseSlowCalls() {
            tools.releaseSlowCalls();
        }

        public java.util.Optional<String> lastHeader(String name) {
            return java.util.Optional.ofNullable(lastHeaders.get(name.toLowerCase(java.util.Locale.ROOT)));
        }

        /**
         * What {@code die} does over HTTP: the server stops at once, its connections cut. The call returns only
         * once the server has stopped, so that no answer gets out.
         */
        private void stopAbruptly() {
            Thread stopper = Thread.ofPlatform().daemon().start(() -> {
                try {
                    jetty.setStopTimeout(0);
                    jetty.stop();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            boolean interrupted = false;
            while (stopper.isAlive()) {
                try {
                    stopper.join();
                } catch (InterruptedException e) {
                    interrupted = true; // Jetty interrupts its threads as it stops; this one waits on
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void close() throws Exception {
            tools.releaseSlowCalls();
            mcp.closeGracefully();
            jetty.stop();
        }
    }
}
