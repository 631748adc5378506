// Removes personal data from text before anything leaves the process (the model prompt):
// email addresses, IBANs, card-like numbers, phone numbers and street addresses. The
// customer's name may go; everything else a person typed is redacted first.

const PATTERNS: Array<{ label: string; pattern: RegExp }> = [
  { label: "email", pattern: /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/gu },
  // IBAN: two letters, two check digits, 11–30 capitals or digits, often in groups of four
  // (capitals only, so the words after it are not swallowed).
  { label: "IBAN", pattern: /\b[A-Z]{2}\d{2}(?:[ -]?[A-Z0-9]){11,30}\b/g },
  // Card-like: 13 to 19 digits, optionally grouped by spaces or dashes.
  { label: "card number", pattern: /(?<!\d)\d(?:[ -]?\d){12,18}(?!\d)/g },
  // Phone: an optional + or 00, then at least 7 digits with spaces, dots, dashes or brackets.
  { label: "phone", pattern: /(?<![\p{L}\p{N}])(?:\+|00)?\(?\d[\d\s().-]{5,}\d(?![\p{L}\p{N}])/gu },
  // Street addresses: "221B Baker Street", "12 rue de Rivoli", "Hauptstraße 5", "5 Main St".
  {
    label: "address",
    pattern:
      /\b\d{1,5}[a-z]?,?\s+(?:[\p{L}\p{N}'.-]+\s+){0,4}(?:street|st|road|rd|avenue|ave|boulevard|blvd|lane|ln|drive|dr|court|ct|way|place|pl|square|sq|terrace|close|crescent|highway|hwy|parkway|pkwy)\b\.?/giu,
  },
  {
    label: "address",
    pattern:
      /\b\d{1,5}[a-z]?,?\s+(?:rue|avenue|boulevard|chemin|via|viale|calle|avenida|rua|plaza|piazza)\s+[\p{L}' -]{2,40}/giu,
  },
  {
    label: "address",
    pattern: /\b(?:rue|via|viale|calle|avenida|rua|piazza)\s+[\p{L}' -]{2,40}?\s*,?\s*\d{1,5}[a-z]?\b/giu,
  },
  {
    label: "address",
    pattern: /\b[\p{L}-]+(?:straße|strasse|str\.|weg|gasse|platz|laan|straat|gatan|vej)\s*\d{1,5}[a-z]?\b/giu,
  },
];

/** Whether a digit run looks like a date, a year or a price rather than a phone number. */
function isHarmlessNumber(match: string): boolean {
  const digits = match.replace(/\D/g, "");
  if (digits.length < 7) return true;
  return /^\d{4}-\d{2}-\d{2}$/.test(match.trim()) || /^\d{1,2}[./-]\d{1,2}[./-]\d{2,4}$/.test(match.trim());
}

/** The text with every piece of personal data replaced by "[email removed]" and the like. */
export function redactPersonalData(text: string): string {
  let result = text;
  for (const { label, pattern } of PATTERNS) {
    result = result.replace(pattern, (match) => {
      if (label === "phone" && isHarmlessNumber(match)) return match;
      return `[${label} removed]`;
    });
  }
  return result;
}
