package dev.slipway.ui;

import dev.slipway.core.SlipwayException;
import dev.slipway.server.ServerExtension;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HttpResponseException;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wraps page and action handlers: HTML answers with the UI's security headers, errors as pages (or, for htmx
 * requests, as a message fragment) with the error code's status, never a stack trace, and the cross-site checks of
 * form actions.
 *
 * <p>Actions (POST) are accepted only from htmx on a page of this server: they must carry {@code HX-Request: true}
 * (a header a cross-site form cannot send without a CORS preflight this server never grants) and, when the browser
 * sends one, an {@code Origin} whose host is the request's Host ({@code Origin: null} is refused). An action that
 * refuses its input and answers the form again with the message marks the request
 * ({@link dev.slipway.server.ServerExtension#CHANGE_REFUSED_ATTRIBUTE}) so that the audit log records no change.
 */
public final class Pages {
    private static final Logger LOG = LoggerFactory.getLogger(Pages.class);
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; img-src 'self' data: blob:; "
            + "style-src 'self' 'unsafe-inline'; script-src 'self'; frame-src 'self'; object-src 'none'; "
            + "base-uri 'self'; form-action 'self'; frame-ancestors 'self'";

    private static final int PAYLOAD_TOO_LARGE = 413;

    private Pages() {}

    /** Renders a page; its handler returns the whole document (usually from {@link Layout#page}). */
    @FunctionalInterface
    public interface Renderer {
        String render(Context ctx) throws Exception;
    }

    /** A GET page. */
    public static Handler page(Layout.Section section, Renderer renderer) {
        return ctx -> {
            headers(ctx);
            try {
                ctx.html(renderer.render(ctx));
            } catch (SlipwayException e) {
                fail(ctx, section, e.errorCode().httpStatus(), e.getMessage());
            } catch (IllegalArgumentException e) {
                fail(ctx, section, 400, e.getMessage());
            } catch (HttpResponseException e) {
                // refused by Javalin while reading the request, such as a form over its size limit (413)
                fail(ctx, section, e.getStatus(), e.getStatus() == PAYLOAD_TOO_LARGE
                        ? "This form is larger than the server accepts." : "The request could not be read.");
            } catch (RuntimeException e) {
                LOG.error("UI page {} failed", ctx.path(), e);
                fail(ctx, section, 500, "Something went wrong on the server: " + e.getClass().getSimpleName()
                        + ". The server log has the details.");
            }
        };
    }

    /**
     * A form action (POST from htmx): checked as the class says, then run; its renderer returns the HTML fragment
     * htmx swaps in, or sets {@code HX-Redirect}/{@code HX-Location} itself.
     */
    public static Handler action(Layout.Section section, Renderer renderer) {
        return ctx -> {
            headers(ctx);
            if (!"true".equals(ctx.header("HX-Request"))) {
                fail(ctx, section, 403, "This action is only accepted from Slipway's own pages.");
                return;
            }
            // "null" (a sandboxed frame, a page opened from a file) is another origin too
            Optional<String> origin = Optional.ofNullable(ctx.header("Origin"));
            String host = Optional.ofNullable(ctx.header("Host")).orElse("");
            if (origin.isPresent() && !sameHost(origin.get(), host)) {
                fail(ctx, section, 403, "Cross-site request refused.");
                return;
            }
            page(section, renderer).handle(ctx);
        };
    }

    private static boolean sameHost(String origin, String host) {
        int scheme = origin.indexOf("://");
        String authority = scheme < 0 ? origin : origin.substring(scheme + 3);
        return authority.toLowerCase(Locale.ROOT).equals(host.toLowerCase(Locale.ROOT));
    }

    /** Tells the server's audit log that this action answered without making its change. */
    static void refused(Context ctx) {
        ctx.attribute(ServerExtension.CHANGE_REFUSED_ATTRIBUTE, true);
    }

    private static void headers(Context ctx) {
        ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        ctx.header("Referrer-Policy", "same-origin");
        ctx.header("Cache-Control", "no-store");
    }

    private static void fail(Context ctx, Layout.Section section, int status, String message) {
        ctx.status(status);
        if ("true".equals(ctx.header("HX-Request"))) {
            // htmx swaps 4xx/5xx answers only when told to; slipway.js shows this fragment as a message
            ctx.html(Layout.error(message));
            return;
        }
        String title = status == 404 ? "Not found" : status < 500 ? "Cannot show this page" : "Server error";
        ctx.html(Layout.page(title, section, "<h1>" + Html.text(title) + "</h1>" + Layout.error(message)
                + "<p><a href=\"" + section.href() + "\">Back to " + section.label() + "</a></p>", false));
    }
}
