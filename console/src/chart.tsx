// Chart.js (bundled, tree-shaken to line charts) wrapped as a component. Each chart is a canvas with role="img"
// and a text label; the views also give the same numbers as a table, so nothing depends on seeing the canvas.
import {
  CategoryScale, Chart, Filler, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip,
  type ChartConfiguration,
} from "chart.js";
import { useEffect, useRef } from "preact/hooks";

Chart.register(LineController, LineElement, PointElement, LinearScale, CategoryScale, Legend, Tooltip, Filler);
Chart.defaults.font.family = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
Chart.defaults.color = "#30343b";

/** Colour-blind-safe palette (Okabe–Ito); series also differ by dash and point style, not by colour alone. */
export const SERIES_STYLES = [
  { color: "#0072B2", dash: [] as number[], point: "circle" as const },
  { color: "#D55E00", dash: [6, 4], point: "rect" as const },
  { color: "#009E73", dash: [2, 3], point: "triangle" as const },
  { color: "#CC79A7", dash: [10, 3, 2, 3], point: "rectRot" as const },
  { color: "#E69F00", dash: [12, 4], point: "star" as const },
  { color: "#56B4E9", dash: [4, 2], point: "crossRot" as const },
];

export function LineChart({ config, label, id }: { config: ChartConfiguration<"line">; label: string; id: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const chart = useRef<Chart<"line"> | null>(null);
  useEffect(() => {
    if (canvas.current === null) return;
    chart.current?.destroy();
    chart.current = new Chart(canvas.current, {
      ...config,
      options: { animation: false, responsive: true, maintainAspectRatio: false, ...config.options },
    });
    return () => {
      chart.current?.destroy();
      chart.current = null;
    };
  }, [config]);
  return (
    <div class="chart-box">
      <canvas id={id} ref={canvas} role="img" aria-label={label}>
        {label}
      </canvas>
    </div>
  );
}
