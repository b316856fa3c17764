import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatCell, intervalChart, renderHtmlReport, writeHtmlReport } from "../../offline/report.js";

describe("HTML report", () => {
  const chart = intervalChart({
    title: "estimates",
    labels: ["IPS", "DM"],
    series: [{ name: "estimate", points: [{ label: "IPS", value: 0.5, low: 0.4, high: 0.6 }, { label: "DM", value: null, low: null, high: null }] }],
    reference: { name: "truth", value: 0.55, low: 0.5, high: 0.6 },
  });

  it("intervalChart: floating bars for intervals, points for values, a reference line with a band kept out of the legend", () => {
    const datasets = chart.config.data.datasets as unknown as Record<string, unknown>[];
    expect(datasets.map((d) => d["type"])).toEqual(["line", "line", "line", "bar", "line"]);
    expect(datasets.filter((d) => d["hideInLegend"] === true)).toHaveLength(2);
    expect(datasets[3]!["data"]).toEqual([[0.4, 0.6], null]);
    expect(datasets[4]!["data"]).toEqual([0.5, null]);
    expect(datasets[2]!["data"]).toEqual([0.55, 0.55]);
  });

  it("is self-contained: Chart.js inlined, nothing fetched, text escaped, specs safe inside <script>", () => {
    const html = renderHtmlReport("A <b> title", [{
      heading: "Section & more",
      paragraphs: ["x < y"],
      tables: [{ columns: ["name", "value"], rows: [["</script><script>alert(1)</script>", 0.123456789], ["n", null]] }],
      charts: [chart, { config: { type: "bar", data: { labels: ["</script>"], datasets: [{ label: "d", data: [1] }] } } }],
    }]);
    expect(html).toContain("Chart.js v4");
    expect(html).not.toMatch(/<script[^>]+src=/);
    expect(html).not.toMatch(/<link[^>]+href=/);
    expect(html).toContain("A &lt;b&gt; title");
    expect(html).toContain("Section &amp; more");
    expect(html).toContain("&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).toContain("<td class=\"num\">0.1235</td>");
    expect(html).toContain('<canvas id="chart-0">');
    expect(html).toContain('<canvas id="chart-1">');
    // Exactly the two script elements of the page close: the library and the specs.
    expect(html.match(/<\/script>/g)).toHaveLength(2);
  });

  it("writeHtmlReport writes the file, creating its folder", () => {
    const dir = mkdtempSync(join(tmpdir(), "serendip-report-"));
    try {
      const file = join(dir, "nested", "report.html");
      writeHtmlReport(file, "t", [{ heading: "h", paragraphs: ["p"] }]);
      expect(readFileSync(file, "utf8")).toMatch(/^<!doctype html>/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("formats cells", () => {
    expect(formatCell(null)).toBe("–");
    expect(formatCell(12)).toBe("12");
    expect(formatCell(0.000123456)).toBe("0.0001235");
    expect(formatCell(Infinity)).toBe("Infinity");
  });
});
