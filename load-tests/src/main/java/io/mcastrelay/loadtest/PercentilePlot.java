package io.mcastrelay.loadtest;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import javax.imageio.ImageIO;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * Draws a scenario's latency-by-percentile plot, the way HdrHistogram's plotter does: percentiles on a log scale of
 * "nines" (90 %, 99 %, 99.9 %, ...) across, latency in microseconds on a log scale up, one line per forwarder.
 * Plain java.awt in headless mode. Stateless.
 */
final class PercentilePlot {
    /**
     * One forwarder's line.
     *
     * @param label           the forwarder.
     * @param latency         its latency, ns; the runs of a repeated scenario pooled.
     * @param framesPerSecond its frames/s, the median over the pooled runs.
     * @param runs            how many runs are pooled in it.
     */
    record Line(String label, Histogram latency, double framesPerSecond, int runs) {
    }

    private static final int WIDTH = 960;
    private static final int HEIGHT = 600;
    private static final int LEFT = 90;
    private static final int RIGHT = 50;
    private static final int TOP = 60;
    private static final int BOTTOM = 70;
    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
        new Color(0x9467bd), new Color(0xff7f0e)};

    private PercentilePlot() {
    }

    static void write(final Path file, final Scenario scenario, final List<Line> runs) throws IOException {
        System.setProperty("java.awt.headless", "true");
        long maxCount = 10;
        double minUs = Double.MAX_VALUE;
        double maxUs = 1;
        for (final Line run : runs) {
            final Histogram h = run.latency();
            if (h.getTotalCount() > 0) {
                maxCount = Math.max(maxCount, h.getTotalCount());
                minUs = Math.min(minUs, Math.max(1, h.getMinValue() / 1e3));
                maxUs = Math.max(maxUs, h.getMaxValue() / 1e3);
            }
        }
        final double maxNines = Math.min(7, Math.ceil(Math.log10(maxCount)));
        final double yLow = Math.floor(Math.log10(minUs == Double.MAX_VALUE ? 1 : minUs));
        final double yHigh = Math.max(yLow + 1, Math.ceil(Math.log10(maxUs)));
        final BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        final Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            axes(g, maxNines, yLow, yHigh, scenario);
            for (int i = 0; i < runs.size(); i++) {
                curve(g, runs.get(i).latency(), maxNines, yLow, yHigh, COLORS[i % COLORS.length]);
            }
            legend(g, runs);
        } finally {
            g.dispose();
        }
        ImageIO.write(image, "png", file.toFile());
    }

    private static int x(final double nines, final double maxNines) {
        return LEFT + (int)Math.round(nines / maxNines * (WIDTH - LEFT - RIGHT));
    }

    private static int y(final double log10Us, final double yLow, final double yHigh) {
        return HEIGHT - BOTTOM - (int)Math.round((log10Us - yLow) / (yHigh - yLow) * (HEIGHT - TOP - BOTTOM));
    }

    private static void axes(
        final Graphics2D g, final double maxNines, final double yLow, final double yHigh, final Scenario scenario) {
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.setColor(Color.BLACK);
        g.drawString(scenario.name() + ": " + scenario.description(), LEFT, 28);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawString("one-way latency by percentile, " + (scenario.rate().scheduled()
            ? "from each frame's scheduled send time (coordinated omission corrected)"
            : "from the time each frame was written"), LEFT, 46);
        for (int n = 0; n <= maxNines; n++) {
            final int px = x(n, maxNines);
            g.setColor(new Color(0xdddddd));
            g.drawLine(px, TOP, px, HEIGHT - BOTTOM);
            g.setColor(Color.BLACK);
            final String label = n == 0 ? "0%" : trimPercent(100 - 100 / Math.pow(10, n));
            g.drawString(label, px - g.getFontMetrics().stringWidth(label) / 2, HEIGHT - BOTTOM + 18);
        }
        for (int e = (int)yLow; e <= yHigh; e++) {
            for (final int m : new int[] {1, 2, 5}) {
                final double value = Math.log10(m) + e;
                if (value > yHigh) {
                    break;
                }
                final int py = y(value, yLow, yHigh);
                g.setColor(m == 1 ? new Color(0xcccccc) : new Color(0xeeeeee));
                g.drawLine(LEFT, py, WIDTH - RIGHT, py);
                g.setColor(Color.BLACK);
                final String label = microsLabel(m * Math.pow(10, e));
                g.drawString(label, LEFT - 8 - g.getFontMetrics().stringWidth(label), py + 4);
            }
        }
        g.drawRect(LEFT, TOP, WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM);
        g.drawString("percentile", WIDTH / 2 - 30, HEIGHT - 25);
        final Graphics2D rotated = (Graphics2D)g.create();
        rotated.rotate(-Math.PI / 2);
        rotated.drawString("latency", -(HEIGHT / 2) - 20, 20);
        rotated.dispose();
    }

    private static String trimPercent(final double percent) {
        String text = String.format(Locale.ROOT, "%.5f", percent);
        text = text.replaceAll("0+$", "").replaceAll("\\.$", "");
        return text + "%";
    }

    private static String microsLabel(final double us) {
        if (us >= 1000) {
            return String.format(Locale.ROOT, "%.0f ms", us / 1000);
        }
        return String.format(Locale.ROOT, "%.0f us", us);
    }

    private static void curve(
        final Graphics2D g, final Histogram h, final double maxNines, final double yLow, final double yHigh,
        final Color color) {
        if (h.getTotalCount() == 0) {
            return;
        }
        final Path2D.Double path = new Path2D.Double();
        boolean first = true;
        for (final HistogramIterationValue value : h.percentiles(5)) {
            final double percentile = value.getPercentileLevelIteratedTo();
            final double nines =
                percentile >= 100 ? maxNines : Math.min(maxNines, Math.log10(100 / (100 - percentile)));
            final double us = Math.max(Math.pow(10, yLow), h.highestEquivalentValue(value.getValueIteratedTo()) / 1e3);
            final double px = x(nines, maxNines);
            final double py = y(Math.log10(us), yLow, yHigh);
            if (first) {
                path.moveTo(px, py);
                first = false;
            } else {
                path.lineTo(px, py);
            }
        }
        g.setColor(color);
        g.setStroke(new BasicStroke(2.2f));
        g.draw(path);
        g.setStroke(new BasicStroke(1f));
    }

    private static void legend(final Graphics2D g, final List<Line> runs) {
        g.setColor(new Color(255, 255, 255, 220));
        g.fillRect(LEFT + 8, TOP + 6, 520, 18 * runs.size() + 8);
        int py = TOP + 20;
        for (int i = 0; i < runs.size(); i++) {
            final Line run = runs.get(i);
            final Histogram h = run.latency();
            g.setColor(COLORS[i % COLORS.length]);
            g.fillRect(LEFT + 15, py - 9, 18, 4);
            g.setColor(Color.BLACK);
            g.drawString(String.format(Locale.ROOT, "%s  (%s%s frames/s; p50 %s, p99 %s, max %s)", run.label(),
                run.runs() > 1 ? run.runs() + " runs pooled; " : "", Report.count(run.framesPerSecond()),
                Report.micros(h.getValueAtPercentile(50)),
                Report.micros(h.getValueAtPercentile(99)), Report.micros(h.getMaxValue())), LEFT + 40, py - 3);
            py += 18;
        }
    }
}
