import type { BenchRow } from './matcher.js';

/** Three significant-ish digits: enough to compare runs, few enough to read. */
function formatValue(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  const magnitude = Math.abs(value);
  return value.toFixed(magnitude >= 100 ? 0 : magnitude >= 10 ? 1 : 2);
}

const escapeCell = (text: string): string => text.replaceAll('|', '\\|');

export function markdownTable(rows: readonly BenchRow[]): string {
  const lines = ['| measurement | value | unit | detail |', '| --- | ---: | --- | --- |'];
  for (const row of rows) {
    lines.push(
      `| ${escapeCell(row.name)} | ${formatValue(row.value)} | ${escapeCell(row.unit)} | ${escapeCell(row.detail)} |`,
    );
  }
  return lines.join('\n');
}
