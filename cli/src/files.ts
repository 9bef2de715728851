import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, extname } from 'node:path';
import type { DocumentScenario, JourneyDocument } from '@itinera/schemas';
import { isMap, parse, parseDocument } from 'yaml';
import { CliError, EXIT } from './api.ts';

export interface DocumentFile {
  path: string;
  text: string;
  /** What the import route is sent as. */
  type: 'application/json' | 'application/yaml';
  document: JourneyDocument;
}

export async function readDocumentFile(path: string): Promise<DocumentFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new CliError(`Cannot read ${path}: ${(error as Error).message}`);
  }
  const json = extname(path).toLowerCase() === '.json';
  try {
    const document = (json ? JSON.parse(text) : parse(text)) as JourneyDocument;
    if (!document || typeof document !== 'object' || !document.journey)
      throw new Error('it has no `journey` section');
    return { path, text, type: json ? 'application/json' : 'application/yaml', document };
  } catch (error) {
    throw new CliError(`${path} is not a journey document: ${(error as Error).message}`, EXIT.finding);
  }
}

/** Adds saved scenarios to an exported YAML document, before its `layout` so positions stay last. */
export function withScenarios(yamlText: string, scenarios: DocumentScenario[]): string {
  if (scenarios.length === 0) return yamlText;
  const document = parseDocument(yamlText);
  const root = document.contents;
  if (!isMap(root)) return yamlText;
  const pair = document.createPair('scenarios', scenarios, { aliasDuplicateObjects: false });
  const layoutAt = root.items.findIndex(
    (item) => String((item.key as { value?: unknown })?.value) === 'layout',
  );
  root.items.splice(layoutAt === -1 ? root.items.length : layoutAt, 0, pair as (typeof root.items)[number]);
  return document.toString({ lineWidth: 0 });
}

export async function writeDocumentFile(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text.endsWith('\n') ? text : `${text}\n`);
}

/** A file name for a journey: its name in lower case with dashes, or its id when that leaves nothing. */
export function fileNameFor(name: string, id: string): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  return `${slug || id}.yaml`;
}
