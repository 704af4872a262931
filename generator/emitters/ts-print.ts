/**
 * Printing generated TypeScript/JavaScript from ts-morph structures.
 *
 * One in-memory project, no type checking, and each file is created from a complete structure in
 * a single call (no node-by-node manipulation), so printing stays linear in the catalog size.
 */
import { IndentationText, NewLineKind, Project, QuoteKind, type StatementStructures, type WriterFunction } from 'ts-morph';

let project: Project | undefined;

function shared(): Project {
  project ??= new Project({
    useInMemoryFileSystem: true,
    skipAddingFilesFromTsConfig: true,
    compilerOptions: { allowJs: true },
    manipulationSettings: {
      indentationText: IndentationText.TwoSpaces,
      newLineKind: NewLineKind.LineFeed,
      quoteKind: QuoteKind.Single,
      useTrailingCommas: true,
    },
  });
  return project;
}

/** Print `statements` as the text of a file named `fileName` (`.ts`, `.d.ts` or `.js`). */
export function printFile(fileName: string, statements: (string | WriterFunction | StatementStructures)[]): string {
  const p = shared();
  const sf = p.createSourceFile(`/${fileName.replace(/\//g, '__')}`, { statements }, { overwrite: true });
  const text = sf.getFullText();
  p.removeSourceFile(sf);
  return text.endsWith('\n') ? text : text + '\n';
}
