export function canonicalText(text: string): string;
export function verifyVaultProof(
  proof: unknown,
  originalText?: string,
): Promise<{ valid: boolean; problems: string[]; head: { height: number; hash: string } | null }>;
