package dev.slipway.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A minimal HTTP/1.1 keep-alive client over one socket, so that the load generator costs little next to the
 * server it measures (java.net.http's client spends more CPU per request than the server does on this machine).
 * One instance per thread; handles Content-Length and chunked responses.
 */
final class RawHttpClient implements AutoCloseable {
    private final String host;
    private final int port;
    private Socket socket;
    private OutputStream out;
    private InputStream in;
    private String extraHeaders = "";

    RawHttpClient(String host, int port) {
        this.host = host;
        this.port = port;
    }

    /** Sends {@code name: value} with every later request (e.g. Authorization). */
    void header(String name, String value) {
        extraHeaders += name + ": " + value + "\r\n";
    }

    /** Sends a request and returns the status code; the body is read and handed to the sink (may be null). */
    int send(String method, String path, byte[] body, ByteArrayOutputStream sink) throws IOException {
        if (socket == null) {
            connect();
        }
        StringBuilder head = new StringBuilder(128);
        head.append(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: ").append(host).append(':').append(port)
                .append("\r\n").append(extraHeaders);
        if (body != null) {
            head.append("Content-Type: application/json\r\nContent-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        byte[] headBytes = head.toString().getBytes(StandardCharsets.US_ASCII);
        if (body != null && body.length < 8192) {
            byte[] whole = new byte[headBytes.length + body.length];
            System.arraycopy(headBytes, 0, whole, 0, headBytes.length);
            System.arraycopy(body, 0, whole, headBytes.length, body.length);
            out.write(whole);
        } else {
            out.write(headBytes);
            if (body != null) {
                out.write(body);
            }
        }
        out.flush();
        String statusLine = readLine();
        int status = Integer.parseInt(statusLine.substring(9, 12));
        long contentLength = -1;
        boolean chunked = false;
        boolean close = false;
        String line;
        while (!(line = readLine()).isEmpty()) {
            String lower = line.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                contentLength = Long.parseLong(line.substring(15).trim());
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            } else if (lower.startsWith("connection:") && lower.contains("close")) {
                close = true;
            }
        }
        if (chunked) {
            while (true) {
                String size = readLine();
                int semicolon = size.indexOf(';');
                long length = Long.parseLong((semicolon >= 0 ? size.substring(0, semicolon) : size).trim(), 16);
                if (length == 0) {
                    readLine();
                    break;
                }
                copy(length, sink);
                readLine();
            }
        } else if (contentLength >= 0) {
            copy(contentLength, sink);
        }
        if (close) {
            close();
        }
        return status;
    }

    private void copy(long length, ByteArrayOutputStream sink) throws IOException {
        byte[] buffer = new byte[8192];
        long remaining = length;
        while (remaining > 0) {
            int read = in.read(buffer, 0, (int) Math.min(buffer.length, remaining));
            if (read < 0) {
                throw new IOException("connection closed mid-body");
            }
            if (sink != null) {
                sink.write(buffer, 0, read);
            }
            remaining -= read;
        }
    }

    private String readLine() throws IOException {
        StringBuilder line = new StringBuilder(64);
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                int length = line.length();
                if (length > 0 && line.charAt(length - 1) == '\r') {
                    line.setLength(length - 1);
                }
                return line.toString();
            }
            line.append((char) c);
        }
        throw new IOException("connection closed");
    }

    private void connect() throws IOException {
        socket = new Socket(host, port);
        socket.setTcpNoDelay(true);
        out = socket.getOutputStream();
        in = new BufferedInputStream(socket.getInputStream(), 65536);
    }

    @Override
    public void close() throws IOException {
        if (socket != null) {
            socket.close();
            socket = null;
        }
    }
}
