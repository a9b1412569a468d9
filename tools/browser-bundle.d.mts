export function browserBundle(
  entry: string,
): Promise<{ inputs: string[]; nodeOnly: string[]; nodeImports: string[] }>;
