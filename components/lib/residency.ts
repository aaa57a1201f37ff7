/**
 * Where data and functions may live. Neon's only Australian region is `aws-ap-southeast-2`; Vercel's
 * is `syd1` (DESIGN.md, "Residency").
 */
export const AU_NEON_REGION = "aws-ap-southeast-2";
export const AU_VERCEL_REGION = "syd1";

/** Region or location values that are Australian, across the providers this project may use. */
const AU_REGION_PATTERNS: readonly RegExp[] = [
  /^aws-ap-southeast-(2|4)$/, // Neon (AWS Sydney; Melbourne if Neon adds it)
  /^ap-southeast-(2|4)$/, // AWS
  /^(syd|mel)\d$/, // Vercel
  /^australia(east|southeast|central|central2)$/, // Azure
  /^australia-southeast[12]$/, // GCP
];

export function isAustralianRegion(value: string): boolean {
  return AU_REGION_PATTERNS.some((pattern) => pattern.test(value.trim().toLowerCase()));
}
