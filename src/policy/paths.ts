/**
 * Problem paths: where in the merged policy document a problem is, written the way a
 * JavaScript reader would reach it: `record_types["court.judgment_default"].legal_basis`,
 * `measures["red-list.permits"].actions[0]`, `scoring.grades[2].min`. Keys that are plain
 * identifiers use a dot; any other key is quoted in brackets; array indices are bare.
 */

export type PathSegment = string | number;

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const TOKEN = /\.([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]|^([A-Za-z_][A-Za-z0-9_]*)/y;

/** Formats segments as a path; the empty list is the document itself (`""`). */
export function formatPath(segments: readonly PathSegment[]): string {
  let path = '';
  for (const segment of segments) {
    if (typeof segment === 'number') path += `[${segment}]`;
    else if (IDENTIFIER.test(segment)) path += path === '' ? segment : `.${segment}`;
    else path += `[${JSON.stringify(segment)}]`;
  }
  return path;
}

/** Parses a path `formatPath` wrote back into segments; `null` if it is not one. */
export function parsePath(path: string): PathSegment[] | null {
  const segments: PathSegment[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < path.length) {
    const match = TOKEN.exec(path);
    if (match === null) return null;
    const [, dotted, index, quoted, first] = match;
    if (index !== undefined) segments.push(Number(index));
    else if (quoted !== undefined) segments.push(JSON.parse(quoted) as string);
    else segments.push((dotted ?? first)!);
  }
  return segments;
}

/**
 * Converts an RFC 6901 JSON pointer (as Ajv reports it) into segments, reading `document` to
 * tell array indices from object keys that happen to be digits.
 */
export function pointerToSegments(document: unknown, pointer: string): PathSegment[] {
  if (pointer === '') return [];
  const segments: PathSegment[] = [];
  let node = document;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const segment: PathSegment = Array.isArray(node) ? Number(key) : key;
    segments.push(segment);
    node = node !== null && typeof node === 'object' ? (node as Record<PathSegment, unknown>)[segment] : undefined;
  }
  return segments;
}
