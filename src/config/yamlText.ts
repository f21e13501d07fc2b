// YAML text → plain data, with syntax errors reported as
//   node-a.yaml:3:7: YAML syntax error: Implicit keys need to be on a single line
// YAML 1.2 (the `yaml` package's default) is used on purpose: in YAML 1.1
// `action: off` would be the boolean false.

import { LineCounter, parseDocument, visit, type Document, type YAMLError } from 'yaml';

/** Aliases can expand exponentially ("billion laughs"); a config file needs few. */
const MAX_ALIAS_COUNT = 100;
/** Past this many, further syntax errors are mostly echoes of the first ones. */
const MAX_REPORTED = 20;

export type YamlResult = { ok: true; data: unknown; warnings: string[] } | { ok: false; errors: string[] };

export function parseYamlText(text: string, fileName: string): YamlResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true, lineCounter });
  if (doc.errors.length > 0) {
    const errors = doc.errors.slice(0, MAX_REPORTED).map((e) => formatYamlError(e, fileName, 'YAML syntax error'));
    if (doc.errors.length > MAX_REPORTED) {
      errors.push(`${fileName}: ${doc.errors.length - MAX_REPORTED} more YAML syntax errors not shown`);
    }
    return { ok: false, errors };
  }
  const aliasErrors = unresolvedAliases(doc, lineCounter, fileName);
  if (aliasErrors.length > 0) return { ok: false, errors: aliasErrors };
  const warnings = doc.warnings.slice(0, MAX_REPORTED).map((w) => formatYamlError(w, fileName, 'YAML warning'));
  try {
    return { ok: true, data: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }), warnings };
  } catch (err) {
    // toJS throws (ReferenceError) on alias expansion past maxAliasCount.
    const message = err instanceof Error ? err.message : String(err);
    return { ok: false, errors: [`${fileName}: YAML error: ${message}`] };
  }
}

function formatYamlError(e: YAMLError, fileName: string, kind: string): string {
  // With prettyErrors the message is "<text> at line L, column C:\n\n<code frame>"; keep only <text>.
  const text = e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
  const pos = e.linePos?.[0];
  const where = pos === undefined ? fileName : `${fileName}:${pos.line}:${pos.col}`;
  return `${where}: ${kind}: ${text}`;
}

/** The parser accepts `*name` without an anchor `&name`; find those before toJS would throw on them. */
function unresolvedAliases(doc: Document, lineCounter: LineCounter, fileName: string): string[] {
  const errors: string[] = [];
  visit(doc, {
    Alias(_key, alias) {
      if (errors.length >= MAX_REPORTED || alias.resolve(doc) !== undefined) return;
      const pos = alias.range === undefined || alias.range === null ? undefined : lineCounter.linePos(alias.range[0]);
      const where = pos === undefined ? fileName : `${fileName}:${pos.line}:${pos.col}`;
      errors.push(`${where}: YAML syntax error: alias *${alias.source} has no anchor &${alias.source} before it`);
    },
  });
  return errors;
}
