package dev.slipway.ui;

/**
 * The page shell every UI page shares: the header with the navigation, the main region and the scripts (htmx for
 * partial updates, {@code slipway.js} for charts and small behaviours; uPlot only on pages that chart).
 *
 * <p>Pages are whole HTML documents, also for htmx requests: htmx picks the part it swaps with {@code hx-select}, so
 * every URL a user sees is a page that can be shared, reloaded and reached with back and forward.
 */
public final class Layout {
    /** The top navigation's sections. */
    public enum Section {
        EXPERIMENTS("Experiments", "/"),
        MODELS("Models", "/models"),
        DATA("Data", "/datasets"),
        DEPLOYMENTS("Deployments", "/deployments"),
        MONITORING("Monitoring", "/monitoring");

        private final String label;
        private final String href;

        Section(String label, String href) {
            this.label = label;
            this.href = href;
        }

        public String label() {
            return label;
        }

        public String href() {
            return href;
        }
    }

    public static final String HTMX = "/webjars/htmx.org/2.0.4/dist/htmx.min.js";
    public static final String UPLOT_JS = "/webjars/uplot/1.6.30/dist/uPlot.iife.min.js";
    public static final String UPLOT_CSS = "/webjars/uplot/1.6.30/dist/uPlot.min.css";

    private Layout() {}

    /**
     * A whole page.
     *
     * @param title the page's title (escaped here), also its first heading unless the content has its own
     * @param section the highlighted navigation entry
     * @param content the main region's HTML, already escaped
     * @param charts whether the page draws charts (loads uPlot)
     */
    public static String page(String title, Section section, String content, boolean charts) {
        return page(title, section, content, charts, java.util.List.of());
    }

    /**
     * A whole page that loads extra scripts of its own (such as {@code /static/charts.js}), deferred, after
     * {@code slipway.js}.
     */
    public static String page(String title, Section section, String content, boolean charts,
            java.util.List<String> scripts) {
        StringBuilder html = new StringBuilder(content.length() + 2048);
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>").append(Html.text(title)).append(" \u00b7 Slipway</title>\n")
                .append("<link rel=\"icon\" href=\"/static/favicon.svg\" type=\"image/svg+xml\">\n")
                .append("<link rel=\"stylesheet\" href=\"/static/slipway.css\">\n");
        if (charts) {
            html.append("<link rel=\"stylesheet\" href=\"").append(UPLOT_CSS).append("\">\n")
                    .append("<script src=\"").append(UPLOT_JS).append("\"></script>\n");
        }
        html.append("<script src=\"").append(HTMX).append("\"></script>\n")
                .append("<script src=\"/static/slipway.js\" defer></script>\n");
        for (String script : scripts) {
            html.append("<script src=\"").append(Html.attr(script)).append("\" defer></script>\n");
        }
        html.append("</head>\n<body hx-boost=\"false\">\n")
                .append("<a class=\"skip\" href=\"#main\">Skip to content</a>\n")
                .append("<header class=\"top\"><a class=\"brand\" href=\"/\">Slipway</a><nav aria-label=\"Main\">");
        for (Section entry : Section.values()) {
            html.append("<a href=\"").append(entry.href()).append('"');
            if (entry == section) {
                html.append(" aria-current=\"page\"");
            }
            html.append('>').append(entry.label()).append("</a>");
        }
        html.append("</nav><span id=\"loading\" class=\"htmx-indicator\" role=\"status\">Loading\u2026</span></header>\n")
                .append("<main id=\"main\" tabindex=\"-1\">\n").append(content).append("\n</main>\n")
                .append("<div id=\"toast\" role=\"alert\" aria-live=\"assertive\" hidden></div>\n")
                .append("</body>\n</html>\n");
        return html.toString();
    }

    /** An error message box, for a page or a fragment: {@code role="alert"} so screen readers announce it. */
    public static String error(String message) {
        return "<div class=\"error\" role=\"alert\">" + Html.text(message) + "</div>";
    }

    /** An empty-state box: what is missing and, as HTML, what to do about it. */
    public static String empty(String message, String hintHtml) {
        return "<div class=\"empty\"><p>" + Html.text(message) + "</p>" + hintHtml + "</div>";
    }
}
