import * as echarts from 'echarts';
import type { StatChart } from '../../../usecases/statistics/statistics-page.js';

/**
 * A chart drawn on the server as SVG by Apache ECharts' server-side renderer: it shows without
 * JavaScript and prints. The SVG is a picture (role="img") named by its title; the figures
 * themselves are in the table right under it, the accessible alternative (RGAA 1.3).
 */

/** DSFR colours: blue France, then the illustrative palette of the design system. */
const COLOURS = [
  '#000091',
  '#6a6af4',
  '#009081',
  '#c9191e',
  '#c3992a',
  '#a558a0',
  '#417dc4',
  '#716043',
  '#ce614a',
];

const integer = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 });

const WIDTH = 720;
/** Most bars in a horizontal chart; the table under it holds every row. */
const MAX_HBARS = 30;

function escapeAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Text properties ECharts writes in style attributes, all of which SVG also takes as attributes. */
const TEXT_PROPERTIES = new Set(['font-size', 'font-family', 'font-weight', 'font-style']);

/**
 * The page's Content-Security-Policy refuses inline styles (style-src 'self'): ECharts' style
 * attributes become SVG presentation attributes, and its <style> block (hover effects only) goes.
 */
function withoutInlineStyles(svg: string): string {
  return svg
    .replace(/<style[^>]*>[\s\S]*?<\/style>/g, '')
    .replace(/ style="([^"]*)"/g, (_, declarations: string) =>
      declarations
        .split(';')
        .map((d) => {
          const at = d.indexOf(':');
          const property = d.slice(0, at).trim();
          return at > 0 && TEXT_PROPERTIES.has(property) ? ` ${property}="${d.slice(at + 1).trim()}"` : '';
        })
        .join(''),
    );
}

/**
 * Drawing a chart is most of the page's server time, and the same figures always give the same
 * picture: the last pictures drawn are kept by their figures (a closed period's charts never
 * change; the current month's are drawn again when a figure moves).
 */
const drawn = new Map<string, string>();
const DRAWN_KEPT = 200;

/** Forgets the pictures kept (the benchmark measures drawing itself with it). */
export function forgetDrawnCharts(): void {
  drawn.clear();
}

export function renderChartSvg(chart: StatChart): string {
  const key = JSON.stringify(chart);
  const kept = drawn.get(key);
  if (kept !== undefined) {
    // Most recently used last: the first key is the one to forget.
    drawn.delete(key);
    drawn.set(key, kept);
    return kept;
  }
  const svg = drawChartSvg(chart);
  drawn.set(key, svg);
  if (drawn.size > DRAWN_KEPT) drawn.delete(drawn.keys().next().value!);
  return svg;
}

function drawChartSvg(chart: StatChart): string {
  const horizontal = chart.kind === 'hbar';
  const categories = horizontal ? chart.categories.slice(0, MAX_HBARS) : chart.categories;
  const series = chart.series.map((s) => ({ ...s, data: horizontal ? s.data.slice(0, MAX_HBARS) : s.data }));
  const height = horizontal ? Math.max(200, 60 + categories.length * 26) : 320;
  const format = (v: number) => (chart.days ? decimal : integer).format(v);
  const instance = echarts.init(null, null, { renderer: 'svg', ssr: true, width: WIDTH, height });
  const categoryAxis = {
    type: 'category' as const,
    data: categories,
    name: horizontal ? undefined : chart.xLabel,
    nameLocation: 'middle' as const,
    nameGap: 28,
    axisLabel: horizontal ? { width: 150, overflow: 'truncate' as const } : { hideOverlap: true },
    inverse: horizontal,
  };
  const valueAxis = {
    type: 'value' as const,
    name: horizontal ? chart.xLabel : chart.yLabel,
    nameLocation: 'middle' as const,
    nameGap: horizontal ? 28 : 48,
    minInterval: chart.days ? undefined : 1,
    axisLabel: { formatter: (v: number) => format(v) },
  };
  instance.setOption({
    animation: false,
    color: COLOURS,
    textStyle: { fontFamily: 'Marianne, arial, sans-serif', color: '#161616' },
    legend: series.length > 1 ? { top: 0, type: 'plain' } : undefined,
    grid: {
      left: horizontal ? 170 : 64,
      right: 24,
      top: series.length > 1 ? 28 + Math.ceil(series.length / 3) * 22 : 16,
      bottom: 48,
    },
    xAxis: horizontal ? valueAxis : categoryAxis,
    yAxis: horizontal ? categoryAxis : valueAxis,
    series: series.map((s) => ({
      name: s.name,
      type: chart.kind === 'line' ? 'line' : 'bar',
      stack: chart.kind === 'stacked' ? 'total' : undefined,
      data: s.data,
      connectNulls: false,
      label: horizontal
        ? { show: true, position: 'right', formatter: (p: { value: number }) => format(p.value) }
        : undefined,
    })),
  });
  const svg = withoutInlineStyles(instance.renderToSVGString());
  instance.dispose();
  // A picture with a name, scaled to its box: never wider than the page, whatever the screen.
  return svg.replace(
    /^<svg width="\d+" height="\d+"/,
    `<svg role="img" aria-label="${escapeAttribute(`${chart.title} (figures dans le tableau ci-dessous)`)}" focusable="false" class="sesame-chart__svg" preserveAspectRatio="xMidYMid meet"`,
  );
}

export function Chart({ chart }: { chart: StatChart }) {
  return (
    <figure class="sesame-chart fr-mb-2w">
      <figcaption class="fr-text--bold fr-mb-1w">{chart.title}</figcaption>
      {/* ECharts' SVG string: the texts in it are escaped by its renderer (see the stored-XSS test). */}
      <div class="sesame-chart__box" dangerouslySetInnerHTML={{ __html: renderChartSvg(chart) }} />
    </figure>
  );
}
