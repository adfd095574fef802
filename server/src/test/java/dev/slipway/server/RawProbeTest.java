package dev.slipway.server;

import java.io.*;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RawProbeTest {
    static String readResponse(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        int b;
        while (!(head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n"))) {
            b = in.read(); if (b < 0) throw new EOFException(); head.append((char) b);
        }
        int idx = head.toString().toLowerCase().indexOf("content-length: ");
        int len = Integer.parseInt(head.substring(idx + 16, head.indexOf("\r\n", idx)).trim());
        byte[] body = in.readNBytes(len);
        return head.substring(9, 12);
    }

    void time(int port, String name, java.util.function.IntFunction<String> req, int n) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setTcpNoDelay(true);
            OutputStream out = new BufferedOutputStream(s.getOutputStream());
            InputStream in = new BufferedInputStream(s.getInputStream());
            for (int i = 0; i < 300; i++) { out.write(req.apply(i).getBytes(StandardCharsets.ISO_8859_1)); out.flush(); readResponse(in); }
            long t0 = System.nanoTime();
            for (int i = 300; i < 300 + n; i++) { out.write(req.apply(i).getBytes(StandardCharsets.ISO_8859_1)); out.flush(); String st = readResponse(in); if (!st.equals("200")) throw new AssertionError(st); }
            double secs = (System.nanoTime() - t0) / 1e9;
            System.out.printf("%s: %.0f/s (%.3f ms)%n", name, n / secs, secs * 1000 / n);
        }
    }

    @Test
    void probe(@TempDir Path dir) throws Exception {
        try (TestServer server = TestServer.start(dir)) {
            String exp = server.createExperiment("perf");
            String run = server.createRunId(exp);
            int port = server.server.port();
            for (int rep = 0; rep < 2; rep++) {
            time(port, "health", i -> "GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n", 3000);
            time(port, "experiments/get", i -> "GET /api/2.0/mlflow/experiments/get?experiment_id=" + exp + " HTTP/1.1\r\nHost: localhost\r\n\r\n", 3000);
            time(port, "log-metric", i -> { String body = "{\"run_id\":\"" + run + "\",\"key\":\"s\",\"value\":1.5,\"timestamp\":1,\"step\":" + (rep0 * 100000 + i) + "}";
                return "POST /api/2.0/mlflow/runs/log-metric HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body; }, 3000);
            rep0++;
            }
        }
    }
    static int rep0 = 0;
}
