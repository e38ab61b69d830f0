/**
 * From policy YAML texts to a validated policy: parse each file, merge their top-level sections
 * (a section in two files is an error), validate, and point every problem at the file and line
 * it comes from. Pure: the caller reads the files.
 */

import { LineCounter, parseDocument, type Document } from 'yaml';
import type { ProblemDetail } from '../errors.ts';
import type { Policy } from '../domain/policy.ts';
import { isObject, policyProblem } from './document.ts';
import { parsePath } from './paths.ts';
import { validatePolicyDocument } from './validate-policy.ts';

export interface PolicyFile {
  /** The file name shown in problems, e.g. `lists.yaml`. */
  readonly name: string;
  readonly text: string;
}

export interface ParsedPolicy {
  /** The merged document, when every file parsed and merged. */
  readonly document?: Readonly<Record<string, unknown>>;
  /** The policy, when there are no problems at all. */
  readonly policy?: Policy;
  readonly problems: readonly ProblemDetail[];
}

interface SourceFile {
  readonly name: string;
  readonly yaml: Document.Parsed;
  readonly lines: LineCounter;
}

/** Parses, merges and validates policy files; problems name the file and line where known. */
export function parsePolicyText(files: readonly PolicyFile[]): ParsedPolicy {
  const sources = files.map(parseSource);
  const syntaxProblems = sources.flatMap(syntaxProblemsOf);
  if (syntaxProblems.length > 0) return { problems: syntaxProblems };
  const { document, sectionFiles, problems: mergeProblems } = mergeSources(sources);
  if (mergeProblems.length > 0) return { document, problems: mergeProblems };
  const { policy, problems } = validatePolicyDocument(document);
  return { document, policy, problems: problems.map((problem) => locate(problem, sectionFiles)) };
}

function parseSource(file: PolicyFile): SourceFile {
  const lines = new LineCounter();
  const yaml = parseDocument(file.text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  return { name: file.name, yaml, lines };
}

function syntaxProblemsOf(source: SourceFile): ProblemDetail[] {
  return source.yaml.errors.map((error) => {
    const { line, col } = source.lines.linePos(error.pos[0]);
    const at = `${source.name}:${line}:${col}`;
    return policyProblem([], `${at}: YAML syntax error: ${error.message}`);
  });
}

function mergeSources(sources: readonly SourceFile[]): {
  document: Record<string, unknown>;
  sectionFiles: Map<string, SourceFile>;
  problems: ProblemDetail[];
} {
  const document: Record<string, unknown> = {};
  const sectionFiles = new Map<string, SourceFile>();
  const problems: ProblemDetail[] = [];
  for (const source of sources) {
    const content: unknown = source.yaml.toJS();
    if (content === null || content === undefined) continue; // an empty file adds nothing
    if (!isObject(content)) {
      problems.push(policyProblem([], `${source.name}: the top level must be a mapping of sections`));
      continue;
    }
    for (const [section, value] of Object.entries(content)) {
      const earlier = sectionFiles.get(section);
      if (earlier !== undefined) {
        problems.push(
          policyProblem([section], `section "${section}" is defined in both ${earlier.name} and ${source.name}`),
        );
        continue;
      }
      sectionFiles.set(section, source);
      document[section] = value;
    }
  }
  return { document, sectionFiles, problems };
}

/** Adds `(file:line)` to a problem's message, from the deepest node of its path that exists. */
function locate(problem: ProblemDetail, sectionFiles: ReadonlyMap<string, SourceFile>): ProblemDetail {
  const segments = parsePath(problem.path);
  const section = segments?.[0];
  const source = typeof section === 'string' ? sectionFiles.get(section) : undefined;
  if (segments === null || source === undefined) return problem;
  for (let depth = segments.length; depth > 0; depth--) {
    const node: unknown = source.yaml.getIn(segments.slice(0, depth), true);
    const offset = rangeStart(node);
    if (offset === undefined) continue;
    const { line } = source.lines.linePos(offset);
    return { ...problem, message: `${problem.message} (${source.name}:${line})` };
  }
  return { ...problem, message: `${problem.message} (${source.name})` };
}

function rangeStart(node: unknown): number | undefined {
  if (node === null || typeof node !== 'object' || !('range' in node)) return undefined;
  const range = (node as { range?: readonly number[] }).range;
  return range?.[0];
}
