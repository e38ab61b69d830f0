/**
 * The CJK font a PDF report embeds (issue 11, "a printable credit report"): PDF's standard fonts have no Chinese,
 * so every report embeds a subset of a font that has. Noto Sans SC comes from npm
 * (`@expo-google-fonts/noto-sans-sc`, static TrueType files from Google Fonts, OFL), so `npm install` is all a
 * machine needs; without it, a system font that Debian's `fonts-wqy-zenhei` or `fonts-noto-cjk` installs. With
 * neither, a report cannot be printed: CRD_PDF_FONT_MISSING (503) says what to install.
 */

import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { CredenceError } from '../../errors.ts';

/** A font file's bytes, and the face to take from it where the file is a collection (.ttc). */
export interface FontFace {
  readonly data: Buffer;
  readonly face?: string;
}

/** The regular and bold faces a report is set in. */
export interface ReportFonts {
  readonly regular: FontFace;
  readonly bold: FontFace;
}

/** Where a font's files are (and, in a collection, which face). */
export interface FontSource {
  readonly regular: string;
  readonly bold: string;
  readonly regularFace?: string;
  readonly boldFace?: string;
}

const PACKAGE = '@expo-google-fonts/noto-sans-sc';

/** The package's files, or undefined where it is not installed. */
function packageSource(): FontSource | undefined {
  try {
    return {
      regular: fileURLToPath(import.meta.resolve(`${PACKAGE}/400Regular/NotoSansSC_400Regular.ttf`)),
      bold: fileURLToPath(import.meta.resolve(`${PACKAGE}/700Bold/NotoSansSC_700Bold.ttf`)),
    };
  } catch {
    return undefined;
  }
}

/** Debian's CJK fonts, where the package is missing: WenQuanYi Zen Hei (one weight) and Noto Sans CJK. */
const SYSTEM_SOURCES: readonly FontSource[] = [
  {
    regular: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc',
    bold: '/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc',
    regularFace: 'NotoSansCJKsc-Regular',
    boldFace: 'NotoSansCJKsc-Bold',
  },
  {
    regular: '/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc',
    bold: '/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc',
    regularFace: 'WenQuanYiZenHei',
    boldFace: 'WenQuanYiZenHei',
  },
];

let loaded: Promise<ReportFonts> | undefined;

/**
 * The report's fonts, read once per process (the files are about 10 MB each; each PDF embeds only the glyphs it
 * uses): the package's, else a system font. Throws CRD_PDF_FONT_MISSING where there is none, and looks again on the
 * next call.
 */
export function reportFonts(): Promise<ReportFonts> {
  loaded ??= readReportFonts([packageSource(), ...SYSTEM_SOURCES]).catch((error: unknown) => {
    loaded = undefined;
    throw error;
  });
  return loaded;
}

/** The first of `sources` whose files exist, read; CRD_PDF_FONT_MISSING when none does. */
export async function readReportFonts(sources: readonly (FontSource | undefined)[]): Promise<ReportFonts> {
  const source = sources.find((s) => s !== undefined && existsSync(s.regular) && existsSync(s.bold));
  if (source === undefined)
    throw new CredenceError(
      'CRD_PDF_FONT_MISSING',
      `no CJK font to embed in the PDF: run \`npm install\` (it installs ${PACKAGE}) or install a system CJK font ` +
        '(Debian: apt-get install fonts-wqy-zenhei)',
    );
  const [regular, bold] = await Promise.all([readFile(source.regular), readFile(source.bold)]);
  return {
    regular: { data: regular, ...(source.regularFace === undefined ? {} : { face: source.regularFace }) },
    bold: { data: bold, ...(source.boldFace === undefined ? {} : { face: source.boldFace }) },
  };
}
