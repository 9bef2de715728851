import type { SegmentImportResult } from '@itinera/schemas';
import { useState } from 'react';
import { errorMessage, post } from '../api/client.ts';

/** The cells of a CSV's first line (quoted cells may hold commas and quotes), to offer as columns. */
export function firstRowCells(csv: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < csv.length; i++) {
    const c = csv[i];
    if (quoted) {
      if (c === '"' && csv[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      cells.push(cell.trim());
      cell = '';
    } else if (c === '\n' || c === '\r') break;
    else cell += c;
  }
  cells.push(cell.trim());
  return cells;
}

/** Pick a CSV, map the customer-id column, preview it, then import: bad rows listed by line, good ones kept. */
export function CsvImport({ segmentId }: { segmentId: string }) {
  const [csv, setCsv] = useState<string | null>(null);
  const [fileName, setFileName] = useState('');
  const [header, setHeader] = useState(true);
  const [column, setColumn] = useState('');
  const [result, setResult] = useState<SegmentImportResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const cells = csv ? firstRowCells(csv) : [];
  const columns = header ? cells : cells.map((_, i) => String(i + 1));

  const send = async (dryRun: boolean) => {
    setBusy(true);
    setError(null);
    try {
      const path = `/v1/segments/${encodeURIComponent(segmentId)}/members/import`;
      const named = fileName ? { fileName: fileName.slice(0, 200) } : {};
      setResult(
        await post<SegmentImportResult>(path, { csv, customerIdColumn: column, header, dryRun, ...named }),
      );
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  const pick = async (file: File | undefined) => {
    setResult(null);
    if (!file) return setCsv(null);
    const text = await file.text();
    setFileName(file.name);
    setCsv(text);
    const first = firstRowCells(text);
    setColumn(first.find((c) => /customer|user|id/i.test(c)) ?? first[0] ?? '');
  };

  return (
    <section className="card csv-import" data-testid="csv-import">
      <h2>Import members from CSV</h2>
      <input
        type="file"
        accept=".csv,text/csv"
        data-testid="csv-file"
        onChange={(e) => pick(e.target.files?.[0])}
      />
      {csv !== null && (
        <div className="inline-form">
          <label className="field-check">
            <input
              type="checkbox"
              data-testid="csv-header"
              checked={header}
              onChange={(e) => {
                setHeader(e.target.checked);
                setColumn(e.target.checked ? (cells[0] ?? '') : '1');
                setResult(null);
              }}
            />
            First row is a header
          </label>
          <label>
            Customer id column{' '}
            <select
              data-testid="csv-column"
              value={column}
              onChange={(e) => {
                setColumn(e.target.value);
                setResult(null);
              }}
            >
              {columns.map((c) => (
                <option key={c} value={c}>
                  {header ? c : `column ${c}`}
                </option>
              ))}
            </select>
          </label>
          <button
            type="button"
            data-testid="csv-preview"
            disabled={busy || !column}
            onClick={() => send(true)}
          >
            Preview
          </button>
          {result?.dryRun && (
            <button
              type="button"
              className="primary"
              data-testid="csv-import-run"
              disabled={busy}
              onClick={() => send(false)}
            >
              Import {result.valid} customers
            </button>
          )}
        </div>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {result && <ImportResult result={result} fileName={fileName} />}
    </section>
  );
}

function ImportResult({ result, fileName }: { result: SegmentImportResult; fileName: string }) {
  return (
    <div data-testid="csv-result">
      <p data-testid="csv-summary">
        {result.dryRun
          ? `${fileName}: ${result.valid} good rows, ${result.errors.length} bad rows. Nothing imported yet.`
          : `Imported: ${result.added} added, ${result.alreadyMembers} already members, ${result.errors.length} bad rows skipped.`}
      </p>
      {result.dryRun && result.preview.length > 0 && (
        <table className="table" data-testid="csv-preview-rows">
          <thead>
            <tr>
              <th>Line</th>
              <th>Customer id</th>
            </tr>
          </thead>
          <tbody>
            {result.preview.map((row) => (
              <tr key={row.line}>
                <td>{row.line}</td>
                <td>{row.customerId}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {result.errors.length > 0 && (
        <ul className="rows csv-errors" data-testid="csv-errors">
          {result.errors.map((e) => (
            <li key={`${e.line}:${e.message}`}>
              line {e.line}: {e.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
