// A grouped horizontal bar chart of ops/s per scenario and server, on a log scale (flows run at
// tens per second, discovery at thousands), as a standalone SVG.
export interface ChartSeries {
  label: string;
  values: number[];
}

const colours = ['#1f6feb', '#d29922', '#2da44e', '#8250df'];

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function format(value: number): string {
  if (!Number.isFinite(value) || value <= 0) return 'n/a';
  return value >= 100 ? Math.round(value).toLocaleString('en-US') : value.toFixed(1);
}

export function barChart({ title, categories, series }: { title: string; categories: string[]; series: ChartSeries[] }): string {
  const left = 130;
  const plotWidth = 560;
  const barHeight = 14;
  const groupGap = 12;
  const top = 48;
  const groupHeight = series.length * barHeight + groupGap;
  const height = top + categories.length * groupHeight + 40;
  const width = left + plotWidth + 90;
  const positive = series.flatMap((s) => s.values).filter((v) => Number.isFinite(v) && v > 0);
  const minExp = Math.floor(Math.log10(Math.min(...positive, 10)));
  const maxExp = Math.ceil(Math.log10(Math.max(...positive, 10)));
  const x = (value: number) => left + ((Math.log10(value) - minExp) / Math.max(1, maxExp - minExp)) * plotWidth;

  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${left}" y="20" font-size="14" font-weight="600">${escape(title)}</text>`,
  ];
  let lx = left;
  series.forEach((s, i) => {
    parts.push(`<rect x="${lx}" y="30" width="10" height="10" fill="${colours[i % colours.length]}"/>`, `<text x="${lx + 14}" y="39">${escape(s.label)}</text>`);
    // About 7 px per character at 12 px, plus the swatch and a gap.
    lx += 14 + s.label.length * 7 + 24;
  });
  const bottom = top + categories.length * groupHeight;
  for (let e = minExp; e <= maxExp; e++) {
    const gx = x(10 ** e);
    parts.push(`<line x1="${gx}" y1="${top - 4}" x2="${gx}" y2="${bottom}" stroke="#d0d7de"/>`, `<text x="${gx}" y="${bottom + 16}" text-anchor="middle" fill="#57606a">${(10 ** e).toLocaleString('en-US')}</text>`);
  }
  parts.push(`<text x="${left + plotWidth / 2}" y="${bottom + 32}" text-anchor="middle" fill="#57606a">operations per second (log scale)</text>`);
  categories.forEach((category, c) => {
    const gy = top + c * groupHeight;
    parts.push(`<text x="${left - 8}" y="${gy + (series.length * barHeight) / 2 + 4}" text-anchor="end">${escape(category)}</text>`);
    series.forEach((s, i) => {
      const value = s.values[c] ?? NaN;
      const y = gy + i * barHeight;
      const end = Number.isFinite(value) && value > 0 ? x(value) : left;
      parts.push(
        `<rect x="${left}" y="${y}" width="${Math.max(0, end - left)}" height="${barHeight - 2}" fill="${colours[i % colours.length]}"/>`,
        `<text x="${end + 4}" y="${y + barHeight - 4}" font-size="11">${format(value)}</text>`,
      );
    });
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}
