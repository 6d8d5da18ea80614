package io.github.mubench.experiment.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code report.html}: one self-contained page (inline SVG and a few lines of script, nothing fetched) with the
 * views a reader would rather look at than read: the trilemma (safety against utility, over-safety as colour, the
 * Pareto front marked), per-column bars with interval whiskers, an attack-success heat map (setting × attack), the
 * training curves, and the full table, sortable by any column.
 */
final class HtmlReport {
    private static final String[] PALETTE = {"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
            "#9c755f", "#bab0ac"};

    private HtmlReport() {
    }

    static String render(Report r) {
        StringBuilder b = new StringBuilder();
        b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").append(esc(r.name())).append(" — mubench report</title>\n");
        b.append("<style>body{font-family:system-ui,sans-serif;margin:24px;color:#222;max-width:1400px}h2{margin-top:36px}"
                + "table{border-collapse:collapse;font-size:13px}th,td{border:1px solid #ccc;padding:4px 6px;text-align:right}"
                + "th{background:#f3f3f3;cursor:pointer}td:first-child,td:nth-child(2),th:first-child,th:nth-child(2){text-align:left}"
                + ".charts{display:flex;flex-wrap:wrap;gap:16px}.note{color:#555;font-size:13px;max-width:900px}"
                + "svg text{font-family:system-ui,sans-serif}</style></head><body>\n");
        b.append("<h1>").append(esc(r.name())).append("</h1>\n<p class=\"note\">Safety: attack success rate on harmful prompts "
                + "(lower is safer). Over-safety: refusal of safe prompts (lower is better). Utility: benchmark scores relative to "
                + "the base model. Intervals are 95%; with several seeds, bars show the mean and whiskers ±1 SD over seeds. "
                + "<b>*</b> marks a difference from the base that a paired test on the same items finds significant (p &lt; 0.05) in every seed.</p>\n");
        b.append("<h2>Trilemma</h2>\n").append(trilemma(r));
        b.append("<h2>Per metric</h2>\n<div class=\"charts\">");
        for (int i = 0; i < r.columns().size(); i++) {
            b.append(bars(r, i));
        }
        b.append("</div>\n");
        String heat = heatMap(r);
        if (!heat.isEmpty()) {
            b.append("<h2>Attack success by setting and attack</h2>\n").append(heat);
        }
        String curves = curves(r);
        if (!curves.isEmpty()) {
            b.append("<h2>Training curves</h2>\n").append(curves);
        }
        b.append("<h2>Table</h2>\n<p class=\"note\">Click a heading to sort.</p>\n").append("<div style=\"overflow-x:auto\">").append(table(r)).append("</div>\n");
        b.append("<script>\n"
                + "document.querySelectorAll('table.sortable th').forEach(function(th, col){\n"
                + "  th.addEventListener('click', function(){\n"
                + "    var body = th.closest('table').tBodies[0], rows = Array.from(body.rows), asc = th.dataset.asc !== 'true';\n"
                + "    th.dataset.asc = asc;\n"
                + "    rows.sort(function(a, b){\n"
                + "      var x = a.cells[col].dataset.v || a.cells[col].textContent, y = b.cells[col].dataset.v || b.cells[col].textContent;\n"
                + "      var nx = parseFloat(x), ny = parseFloat(y);\n"
                + "      var c = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);\n"
                + "      return asc ? c : -c;\n"
                + "    });\n"
                + "    rows.forEach(function(row){ body.appendChild(row); });\n"
                + "  });\n"
                + "});\n"
                + "document.body.dataset.ready = 'true';\n" // the page's script ran to its end (the browser test reads it)
                + "</script>\n</body></html>\n");
        return b.toString();
    }

    /**
     * Safety (y) against utility (x); colour: over-safety; a ring: Pareto-optimal on all three axes (no line joins
     * them: a front in three dimensions is not a curve in this plane).
     */
    private static String trilemma(Report r) {
        int w = 640, h = 420, left = 60, right = 180, top = 20, bottom = 50;
        List<double[]> points = new ArrayList<>();
        for (Report.Row row : r.rows()) {
            points.add(r.axes(row));
        }
        double xmin = 1, xmax = 1;
        for (double[] p : points) {
            if (!Double.isNaN(p[2])) {
                xmin = Math.min(xmin, p[2]);
                xmax = Math.max(xmax, p[2]);
            }
        }
        double pad = Math.max(0.05, (xmax - xmin) * 0.1);
        xmin -= pad;
        xmax += pad;
        StringBuilder s = svgOpen("trilemma", w, h);
        int pw = w - left - right, ph = h - top - bottom;
        axes(s, left, top, pw, ph, String.format(Locale.ROOT, "%.2f", xmin), String.format(Locale.ROOT, "%.2f", xmax), "0", "1",
                "utility relative to the base (→ better)", "safety = 1 − ASR (↑ safer)");
        List<double[]> labels = new ArrayList<>();
        for (int i = 0; i < r.rows().size(); i++) {
            double[] p = points.get(i);
            if (Double.isNaN(p[0]) || Double.isNaN(p[2])) {
                continue;
            }
            double x = left + (p[2] - xmin) / (xmax - xmin) * pw, y = top + (1 - p[0]) * ph;
            Report.Row row = r.rows().get(i);
            String colour = Double.isNaN(p[1]) ? "#888" : heat(p[1]);
            if (r.paretoOptimal(row)) {
                s.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"11\" fill=\"none\" stroke=\"#222\" stroke-width=\"1.5\"/>", x, y));
            }
            s.append(String.format(Locale.ROOT, "<circle class=\"point\" cx=\"%.1f\" cy=\"%.1f\" r=\"7\" fill=\"%s\" stroke=\"#333\"><title>%s: safety %.3f, "
                    + "over-safety %.3f, utility %.3f</title></circle>", x, y, colour, esc(row.label()), p[0], p[1], p[2]));
            double ly = y - 8;
            for (double[] l : labels) { // points close together: their labels stack instead of overlapping
                if (Math.abs(l[0] - x) < 45 && Math.abs(l[1] - ly) < 12) {
                    ly = l[1] + 12;
                }
            }
            labels.add(new double[]{x, ly});
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\">%s</text>", x + 10, ly, esc(abbreviate(row.label()))));
        }
        int lx = w - right + 20;
        s.append(String.format("<text x=\"%d\" y=\"%d\" font-size=\"12\">over-safety</text>", lx, top + 12));
        for (int i = 0; i <= 4; i++) {
            double v = i / 4.0;
            s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"14\" height=\"14\" fill=\"%s\"/><text x=\"%d\" y=\"%d\" font-size=\"11\">%.0f%%</text>",
                    lx, top + 22 + i * 18, heat(v), lx + 20, top + 33 + i * 18, 100 * v));
        }
        s.append(String.format("<circle cx=\"%d\" cy=\"%d\" r=\"7\" fill=\"none\" stroke=\"#222\"/><text x=\"%d\" y=\"%d\" font-size=\"11\">Pareto-optimal</text>",
                lx + 7, top + 130, lx + 20, top + 134));
        return s.append("</svg>\n").toString();
    }

    /** One column: a bar per row with its whisker (interval, or ±1 SD over seeds). */
    private static String bars(Report r, int col) {
        Column c = r.columns().get(col);
        int rowH = 20, left = 170, w = 430, top = 28;
        int h = top + r.rows().size() * rowH + 30;
        double max = 0;
        for (Report.Row row : r.rows()) {
            Report.Cell cell = row.cells().get(col);
            max = Math.max(max, finiteOr(hi(cell), cell.value()));
        }
        if (Report.isRate(c)) {
            max = Math.max(max, 1);
        }
        max = max <= 0 ? 1 : max;
        StringBuilder s = svgOpen("bars-" + col, w, h);
        s.append(String.format("<text x=\"0\" y=\"16\" font-size=\"13\" font-weight=\"bold\">%s%s</text>", esc(c.label()),
                c.lowerIsBetter() ? " (lower is better)" : ""));
        int pw = w - left - 60;
        for (int i = 0; i < r.rows().size(); i++) {
            Report.Row row = r.rows().get(i);
            Report.Cell cell = row.cells().get(col);
            int y = top + i * rowH;
            s.append(String.format("<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\">%s</text>", left - 6, y + 13, esc(abbreviate(row.label()))));
            if (Double.isNaN(cell.value())) {
                continue;
            }
            double bw = cell.value() / max * pw;
            s.append(String.format(Locale.ROOT, "<rect class=\"bar\" x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"14\" fill=\"%s\"><title>%s</title></rect>",
                    left, y + 2, Math.max(0, bw), row.base() ? "#999" : PALETTE[i % PALETTE.length], esc(Report.cellText(c, cell))));
            double lo = lo(cell), hi = hi(cell);
            if (!Double.isNaN(lo) && !Double.isNaN(hi)) {
                double x1 = left + lo / max * pw, x2 = left + hi / max * pw;
                s.append(String.format(Locale.ROOT, "<path d=\"M%.1f %d H%.1f M%.1f %d V%d M%.1f %d V%d\" stroke=\"#222\"/>", x1, y + 9, x2, x1, y + 5, y + 13, x2, y + 5, y + 13));
            }
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"10\">%s%s</text>", left + Math.max(bw, Double.isNaN(hi) ? 0 : hi / max * pw) + 4,
                    y + 13, esc(Report.format(c, cell.value())), cell.significant() ? " *" : ""));
        }
        return s.append("</svg>\n").toString();
    }

    private static double lo(Report.Cell c) {
        return !Double.isNaN(c.seedSd()) ? Math.max(0, c.value() - c.seedSd()) : c.lower();
    }

    private static double hi(Report.Cell c) {
        return !Double.isNaN(c.seedSd()) ? c.value() + c.seedSd() : c.upper();
    }

    private static double finiteOr(double a, double b) {
        return Double.isFinite(a) ? Math.max(a, Double.isFinite(b) ? b : 0) : Double.isFinite(b) ? b : 0;
    }

    /** Rows × safety columns, coloured by attack success. */
    private static String heatMap(Report r) {
        List<Integer> cols = new ArrayList<>();
        for (int i = 0; i < r.columns().size(); i++) {
            if (r.columns().get(i).axis().equals("safety")) {
                cols.add(i);
            }
        }
        if (cols.isEmpty()) {
            return "";
        }
        int cw = 90, rh = 24, left = 180, top = 110;
        int w = left + cols.size() * cw + 10, h = top + r.rows().size() * rh + 10;
        StringBuilder s = svgOpen("heatmap", w, h);
        for (int j = 0; j < cols.size(); j++) {
            String label = r.columns().get(cols.get(j)).label();
            s.append(String.format("<text transform=\"translate(%d,%d) rotate(-40)\" font-size=\"11\">%s</text>", left + j * cw + cw / 2, top - 6, esc(label)));
        }
        for (int i = 0; i < r.rows().size(); i++) {
            Report.Row row = r.rows().get(i);
            int y = top + i * rh;
            s.append(String.format("<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\">%s</text>", left - 6, y + 16, esc(abbreviate(row.label()))));
            for (int j = 0; j < cols.size(); j++) {
                Column c = r.columns().get(cols.get(j));
                Report.Cell cell = row.cells().get(cols.get(j));
                double v = cell.value();
                s.append(String.format(Locale.ROOT, "<rect class=\"cell\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\" stroke=\"#fff\"/>",
                        left + j * cw, y, cw, rh, Double.isNaN(v) ? "#eee" : heat(v)));
                s.append(String.format("<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%s</text>", left + j * cw + cw / 2, y + 16,
                        esc(Report.format(c, v) + (cell.significant() ? "*" : ""))));
            }
        }
        return s.append("</svg>\n").toString();
    }

    /** Forget NLL (solid) and retain NLL (dashed) over steps, one colour per setting (its first seed). */
    private static String curves(Report r) {
        List<Report.Row> rows = r.rows().stream().filter(x -> !x.base() && !x.curves().isEmpty() && !x.curves().get(0).isEmpty()).toList();
        if (rows.isEmpty()) {
            return "";
        }
        double maxStep = 1, maxY = 0;
        for (Report.Row row : rows) {
            for (double[] p : row.curves().get(0)) {
                maxStep = Math.max(maxStep, p[0]);
                for (int k = 1; k <= 2; k++) {
                    if (Double.isFinite(p[k])) {
                        maxY = Math.max(maxY, p[k]);
                    }
                }
            }
        }
        maxY = maxY <= 0 ? 1 : maxY * 1.05;
        int w = 760, h = 360, left = 60, right = 200, top = 20, bottom = 50, pw = w - left - right, ph = h - top - bottom;
        StringBuilder s = svgOpen("curves", w, h);
        axes(s, left, top, pw, ph, "0", String.format(Locale.ROOT, "%.0f", maxStep), "0", String.format(Locale.ROOT, "%.3g", maxY),
                "step", "NLL (solid: forget, dashed: retain)");
        for (int i = 0; i < rows.size(); i++) {
            String colour = PALETTE[i % PALETTE.length];
            for (int k = 1; k <= 2; k++) {
                StringBuilder d = new StringBuilder();
                for (double[] p : rows.get(i).curves().get(0)) {
                    if (!Double.isFinite(p[k])) {
                        continue;
                    }
                    double x = left + p[0] / maxStep * pw, y = top + ph - Math.min(p[k], maxY) / maxY * ph;
                    d.append(d.length() == 0 ? "M" : " L").append(String.format(Locale.ROOT, "%.1f %.1f", x, y));
                }
                if (d.length() > 0) {
                    s.append("<path class=\"curve\" d=\"").append(d).append("\" fill=\"none\" stroke=\"").append(colour).append('"')
                            .append(k == 2 ? " stroke-dasharray=\"5 3\"" : "").append(" stroke-width=\"1.6\"/>");
                }
            }
            s.append(String.format("<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/><text x=\"%d\" y=\"%d\" font-size=\"11\">%s</text>",
                    w - right + 16, top + i * 18, colour, w - right + 34, top + 10 + i * 18, esc(abbreviate(rows.get(i).label()))));
        }
        return s.append("</svg>\n").toString();
    }

    private static String table(Report r) {
        StringBuilder b = new StringBuilder("<table class=\"sortable\" id=\"results\"><thead><tr><th>model</th><th>setting</th>");
        r.columns().forEach(c -> b.append("<th>").append(esc(c.label())).append("</th>"));
        b.append("<th>safety</th><th>over-safety</th><th>utility</th><th>Pareto</th><th>steps</th><th>time (s)</th><th>peak RSS (MiB)</th></tr></thead><tbody>\n");
        for (Report.Row row : r.rows()) {
            b.append("<tr><td>").append(esc(row.model())).append("</td><td>").append(esc(row.label())).append("</td>");
            for (int i = 0; i < r.columns().size(); i++) {
                Report.Cell cell = row.cells().get(i);
                b.append(String.format(Locale.ROOT, "<td data-v=\"%s\">%s</td>", num(cell.value()), esc(Report.cellText(r.columns().get(i), cell))));
            }
            double[] a = r.axes(row);
            for (double v : a) {
                b.append(String.format(Locale.ROOT, "<td data-v=\"%s\">%s</td>", num(v), Double.isNaN(v) ? "—" : String.format(Locale.ROOT, "%.3f", v)));
            }
            b.append("<td>").append(r.paretoOptimal(row) ? "yes" : "").append("</td>");
            b.append("<td>").append(row.base() ? "" : row.steps()).append("</td>");
            b.append("<td>").append(row.base() ? "" : String.format(Locale.ROOT, "%.1f", row.seconds())).append("</td>");
            b.append("<td>").append(row.base() || Double.isNaN(row.peakRss()) ? "" : String.format(Locale.ROOT, "%.0f", row.peakRss())).append("</td></tr>\n");
        }
        return b.append("</tbody></table>\n").toString();
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.6g", v);
    }

    private static StringBuilder svgOpen(String id, int w, int h) {
        return new StringBuilder(String.format("<svg id=\"%s\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">", id, w, h, w, h));
    }

    private static void axes(StringBuilder s, int left, int top, int pw, int ph, String x0, String x1, String y0, String y1, String xLabel, String yLabel) {
        s.append(String.format("<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#fafafa\" stroke=\"#bbb\"/>", left, top, pw, ph));
        s.append(String.format("<text x=\"%d\" y=\"%d\" font-size=\"11\">%s</text>", left, top + ph + 16, esc(x0)));
        s.append(String.format("<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\">%s</text>", left + pw, top + ph + 16, esc(x1)));
        s.append(String.format("<text x=\"%d\" y=\"%d\" font-size=\"12\" text-anchor=\"middle\">%s</text>", left + pw / 2, top + ph + 36, esc(xLabel)));
        s.append(String.format("<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\">%s</text>", left - 6, top + ph, esc(y0)));
        s.append(String.format("<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\">%s</text>", left - 6, top + 10, esc(y1)));
        s.append(String.format("<text transform=\"translate(%d,%d) rotate(-90)\" font-size=\"12\" text-anchor=\"middle\">%s</text>", left - 40, top + ph / 2, esc(yLabel)));
    }

    /** White → red for a value in [0, 1]. */
    private static String heat(double v) {
        double t = Math.max(0, Math.min(1, v));
        int g = (int) Math.round(255 - 170 * t), bl = (int) Math.round(255 - 190 * t);
        return String.format("#%02x%02x%02x", 255, g, bl);
    }

    private static String abbreviate(String s) {
        return s.length() > 28 ? s.substring(0, 27) + "…" : s;
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
