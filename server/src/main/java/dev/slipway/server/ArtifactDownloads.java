package dev.slipway.server;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLConnection;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * Sends artifact files the way MLflow does to keep them from running as pages on the server's origin: always as
 * an attachment, with {@code X-Content-Type-Options: nosniff} and a MIME type guessed from the file name.
 */
final class ArtifactDownloads {
    private static final int CHUNK_BYTES = 1024 * 1024;
    private static final String OCTET_STREAM = "application/octet-stream";
    private static final Map<String, String> TYPES_BY_EXTENSION = Map.ofEntries(
            Map.entry("txt", "text/plain"), Map.entry("log", "text/plain"), Map.entry("py", "text/plain"),
            Map.entry("md", "text/markdown"), Map.entry("csv", "text/csv"), Map.entry("tsv", "text/tab-separated-values"),
            Map.entry("json", "application/json"), Map.entry("yaml", "text/yaml"), Map.entry("yml", "text/yaml"),
            Map.entry("html", "text/html"), Map.entry("htm", "text/html"), Map.entry("xml", "application/xml"),
            Map.entry("png", "image/png"), Map.entry("jpg", "image/jpeg"), Map.entry("jpeg", "image/jpeg"),
            Map.entry("gif", "image/gif"), Map.entry("svg", "image/svg+xml"), Map.entry("pdf", "application/pdf"),
            Map.entry("zip", "application/zip"), Map.entry("gz", "application/gzip"),
            Map.entry("onnx", OCTET_STREAM), Map.entry("pkl", OCTET_STREAM), Map.entry("parquet", OCTET_STREAM));

    private ArtifactDownloads() {}

    /** Streams the file as an attachment named after the last segment of {@code path}, then closes it. */
    static void send(Context ctx, String path, InputStream content) throws IOException {
        try (InputStream in = content) {
            String fileName = baseName(path);
            ctx.status(200);
            ctx.contentType(guessMimeType(fileName));
            ctx.header("Content-Disposition", contentDisposition(fileName));
            ctx.header("X-Content-Type-Options", "nosniff");
            OutputStream out = ctx.outputStream();
            byte[] buffer = new byte[CHUNK_BYTES];
            for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                out.write(buffer, 0, read);
            }
            out.close();
        }
    }

    static String guessMimeType(String fileName) {
        String lower = fileName.toLowerCase(Locale.ROOT);
        if (lower.equals("mlmodel") || lower.equals("mlproject")) {
            return "text/plain";
        }
        int dot = lower.lastIndexOf('.');
        String type = dot < 0 ? null : TYPES_BY_EXTENSION.get(lower.substring(dot + 1));
        if (type == null) {
            type = URLConnection.guessContentTypeFromName(lower);
        }
        return type == null ? OCTET_STREAM : type;
    }

    /** {@code attachment} with an ASCII-only quoted name plus the exact UTF-8 name (RFC 6266). */
    static String contentDisposition(String fileName) {
        StringBuilder ascii = new StringBuilder(fileName.length());
        for (int index = 0; index < fileName.length(); index++) {
            char character = fileName.charAt(index);
            boolean plain = character >= 0x20 && character < 0x7f && character != '"' && character != '\\';
            ascii.append(plain ? character : '_');
        }
        String encoded = URLEncoder.encode(fileName, StandardCharsets.UTF_8).replace("+", "%20");
        return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
    }

    static String baseName(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? path : path.substring(slash + 1);
    }
}
