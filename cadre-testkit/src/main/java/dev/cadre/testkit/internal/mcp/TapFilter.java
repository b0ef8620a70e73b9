package dev.cadre.testkit.internal.mcp;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/** Hands the body of each POST (one JSON-RPC message) to a tap, then lets the SDK's servlet read it as sent. */
final class TapFilter implements Filter {

    private final Consumer<String> tap;
    private final java.util.Map<String, String> lastHeaders;

    /** @param lastHeaders gets each POST's headers (names in lower case), the last value of each name kept */
    TapFilter(Consumer<String> tap, java.util.Map<String, String> lastHeaders) {
        this.tap = tap;
        this.lastHeaders = lastHeaders;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (request instanceof HttpServletRequest http && "POST".equals(http.getMethod())) {
            java.util.Collections.list(http.getHeaderNames()).forEach(name -> lastHeaders.put(
                    name.toLowerCase(java.util.Locale.ROOT), http.getHeader(name)));
            byte[] body = http.getInputStream().readAllBytes();
            tap.accept(new String(body, StandardCharsets.UTF_8));
            chain.doFilter(new Replayed(http, body), response);
        } else {
            chain.doFilter(request, response);
        }
    }

    /** The request with its body read again from memory. */
    private static final class Replayed extends HttpServletRequestWrapper {
        private final byte[] body;

        Replayed(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException("the body is read already");
                }

                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }
            };
        }

        @Override
        public BufferedReader getReader() {
            return new BufferedReader(new InputStreamReader(getInputStream(), StandardCharsets.UTF_8));
        }
    }
}
