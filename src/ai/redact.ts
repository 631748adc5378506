// The one redactor for every path to a model (surprise gestures, the digest intro, anything
// later): email addresses, phone numbers, card numbers, IBANs, street addresses and postcodes
// are replaced by "[… removed]" before a prompt is built. And the one filter for what a model
// wrote before people see it: no links, bare addresses included.
//
// The text is NFKC-normalised first, so full-width and other look-alike forms (＠, ４１１１)
// are read as what they look like; digits of every script (Arabic-Indic ٠١٢…, Devanagari…)
// are read as 0–9; invisible format characters are dropped. Dates, times, amounts and order
// numbers are set aside before the number patterns run, so they reach the model intact.

const LABEL = {
  email: "[email removed]",
  phone: "[phone removed]",
  card: "[card number removed]",
  iban: "[IBAN removed]",
  address: "[address removed]",
} as const;

/** Unicode assigns decimal digits in runs of ten, 0 to 9: a digit's value is its place in its run. */
function asciiDigits(text: string): string {
  return text.replace(/[^\P{Nd}0-9]/gu, (digit) => {
    let zero = digit.codePointAt(0) ?? 0;
    let value = 0;
    while (value < 60 && /\p{Nd}/u.test(String.fromCodePoint(zero - 1))) {
      zero -= 1;
      value += 1;
    }
    return String(value % 10);
  });
}

/** What the patterns read: NFKC, ASCII digits, no invisible format characters (zero-width spaces…). */
export function normaliseForRedaction(text: string): string {
  return asciiDigits(text.normalize("NFKC")).replace(/\p{Cf}/gu, "");
}

// ——— emails ———

const LOCAL = String.raw`[\p{L}\p{N}_%+-]+`;
const DOMAIN = String.raw`[\p{L}\p{N}-]+`;
const AT = String.raw`(?:\s*[\[({<]\s*(?:at|@)\s*[\])}>]\s*|\s+at\s+|\s*@\s*)`;
const DOT = String.raw`(?:\s*[\[({<]\s*(?:dot|\.)\s*[\])}>]\s*|\s+dot\s+|\.)`;
/** jane@gmail, josé@exämple.de, jane.doe+vip@acme.co.uk */
const EMAIL = /(?<![\p{L}\p{N}._%+-])[\p{L}\p{N}][\p{L}\p{N}._%+-]*@\p{L}[\p{L}\p{N}-]*(?:\.[\p{L}\p{N}-]+)*/gu;
/** "jane dot doe at gmail dot com", "jane [at] gmail [dot] com", "jane(at)gmail.com", "jane @ gmail.com" */
const SPELLED_EMAIL = new RegExp(
  String.raw`(?<![\p{L}\p{N}_%+.-])${LOCAL}(?:${DOT}${LOCAL}){0,3}${AT}${DOMAIN}(?:${DOT}${DOMAIN}){0,3}${DOT}\p{L}{2,24}(?![\p{L}\p{N}])`,
  "giu",
);

const EMAIL_TAIL = new RegExp(
  String.raw`\[email removed\]${AT}${DOMAIN}(?:${DOT}${DOMAIN}){0,3}${DOT}\p{L}{2,24}(?![\p{L}\p{N}])`,
  "giu",
);

/** "Look at example.com" is not an address; "jane at gmail dot com" and "jane.doe at acme.com" are. */
function isSpelledEmail(match: string): boolean {
  if (/@|[[({<]\s*at\s*[\])}>]/i.test(match)) return true;
  if (/\sdot\s|[[({<]\s*(?:dot|\.)\s*[\])}>]/i.test(match)) return true;
  const local = match.split(/\s+at\s+/i)[0] ?? "";
  return local.includes(".");
}

// ——— IBANs ———

const IBAN_COUNTRIES =
  "AD|AE|AL|AT|AZ|BA|BE|BG|BH|BR|BY|CH|CR|CY|CZ|DE|DK|DO|EE|EG|ES|FI|FO|FR|GB|GE|GI|GL|GR|GT|HR|HU|IE|IL|IQ|IS|IT|JO|KW|KZ|LB|LC|LI|LT|LU|LV|MC|MD|ME|MK|MR|MT|MU|NL|NO|PK|PL|PS|PT|QA|RO|RS|SA|SC|SE|SI|SK|SM|ST|SV|TL|TN|TR|UA|VA|VG|XK";
/**
 * Two letters of a country, two check digits, then the account: 11–30 letters and digits in
 * one run, or in groups of up to four (only the first group may be letters alone, the bank
 * code of GB82 WEST…, so a word after the IBAN is never swallowed).
 */
const IBAN = new RegExp(
  String.raw`\b(?:${IBAN_COUNTRIES})\d{2}(?:[A-Z0-9]{11,30}|[ -]?[A-Z0-9]{4}(?:[ -]?(?=[A-Z]{0,3}\d)[A-Z0-9]{1,4}){2,7})\b`,
  "gi",
);

// ——— set aside: dates, times, amounts, order numbers ———

const CURRENCY_SYMBOL = "[$€£¥₹₩₽¢₺₪]";
const CURRENCY_WORD =
  "USD|EUR|GBP|CHF|JPY|CNY|INR|CAD|AUD|NZD|SEK|NOK|DKK|PLN|CZK|HUF|BRL|MXN|ZAR|AED|SAR|dollars?|euros?|pounds?|bucks|francs?|kr|zł|yen|rupees?|cents?";
// 1,299.99 · 1.250,00 · 1 250 · 12000 · 20 (thousands groups only where they really are groups)
const AMOUNT_NUMBER = String.raw`\d{1,3}(?:[ ,.’']\d{3})+(?![\d])(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?`;
const PROTECTED: RegExp[] = [
  // ISO dates and date-times: 2026-11-23, 2026-11-23T14:30:00Z
  /(?<![\d])\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?(?![\d])/g,
  // 23/11/2026, 11/23/26, 23.11.2026 (not a longer run of groups: 06.12.34.56.78 is a phone)
  /(?<![\d./-])(?:0?[1-9]|[12]\d|3[01])([./-])(?:0?[1-9]|[12]\d|3[01])\1(?:\d{4}|\d{2})(?![\d]|[./-]\d)/g,
  // year ranges: 2019-2024, 2023/24
  /(?<![\d])(?:19|20)\d{2}\s?[-–/]\s?(?:(?:19|20)\d{2}|\d{2})(?![\d]|[./-]\d)/g,
  // times: 14:30, 9:05:59, 14h30, 9.30am, 9 pm
  /(?<![\d])\d{1,2}[:h]\d{2}(?::\d{2})?(?:\s?[ap]\.?m\.?)?(?![\d])/gi,
  /(?<![\d])\d{1,2}(?:[.]\d{2})?\s?[ap]\.?m\.?(?![\p{L}])/giu,
  // amounts with a currency before or after
  new RegExp(String.raw`${CURRENCY_SYMBOL}\s?(?:${AMOUNT_NUMBER})`, "g"),
  new RegExp(String.raw`\b(?:${CURRENCY_WORD})\s?(?:${AMOUNT_NUMBER})`, "gi"),
  new RegExp(String.raw`(?<![\d])(?:${AMOUNT_NUMBER})\s?(?:${CURRENCY_SYMBOL}|(?:${CURRENCY_WORD})\b)`, "giu"),
  // order, invoice, ticket numbers: #12345, order no. 123456789, ORD-2026-000123, OOPS-42
  /#\s?\d[\d-]*/g,
  /\bISBN(?:-1[03])?:?\s?[\d-]{9,16}[\dX]\b/g,
  /\b(?:order|invoice|ticket|booking|reservation|ref(?:erence)?|case|po|tracking|confirmation|receipt|item|sku|article|art\.|bestellung|rechnung|commande|facture|bestelling|factuur)\s*(?:no\.?|number|nr\.?|n°|nº|#|id)?\s*[:#]?\s*[A-Z0-9]*\d[A-Z0-9-]*/gi,
  /\b[A-Z]{2,6}-\d[\d-]*\b/g,
  // percentages and measures
  /\d+(?:[.,]\d+)?\s?(?:%|percent|kg|km|cm|mm|ml|gb|mb|tb|kb|px|°c|°f)(?![\p{L}])/giu,
];

// ——— cards and phones ———

/** 13–19 digits, any separator between them: 4111 1111 1111 1111, 4111/1111/1111/1111, 4111.1111… */
const CARD = /(?<![\d])\d(?:[ \-./_*]{0,2}\d){12,18}(?![\d])/g;
/** An optional + or 00, then at least 7 digits with spaces, dots, dashes, slashes or brackets. */
const PHONE = /(?<![\p{L}\p{N}])(?:(?:\+|00)\s?)?\(?\d[\d\s()./-]{5,}\d(?![\p{L}\p{N}])/gu;

/** 1 234 567 (a count or an amount in thousands) rather than a phone number. */
function isThousandsNumber(match: string): boolean {
  const trimmed = match.trim();
  return /^[1-9]\d{0,2}(?:[ ,.]\d{3})+$/.test(trimmed);
}

// ——— street addresses and postcodes ———

const NAME_WORD = String.raw`[\p{Lu}\d][\p{L}\p{N}'’.-]*`;
const EN_STREET =
  "Street|St|Road|Rd|Avenue|Ave|Av|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|Square|Sq|Terrace|Close|Crescent|Highway|Hwy|Parkway|Pkwy|Row|Mews|Gardens|Grove|Hill|Walk|Parade|Circle|Cir|Trail|Plaza";
const FR_ETC_STREET =
  "rue|avenue|av\\.|boulevard|bd|chemin|allée|allee|impasse|place|quai|cours|route|via|viale|calle|avenida|rua|plaza|piazza|corso|carrer|paseo";
const PARTICLE = "de|du|des|la|le|les|d'|l'|del|della|di|da|do|dos|das|von|van|der|den|y|e";
const NAME_AFTER_TYPE = String.raw`(?:\s+(?:${PARTICLE})|\s+(?:${PARTICLE})?\p{Lu}[\p{L}'’-]*){1,5}`;
const CONTINENTAL_SUFFIX =
  "straße|strasse|str\\.|weg|gasse|platz|allee|ring|damm|ufer|chaussee|steig|laan|straat|gracht|kade|plein|singel|dijk|steeg|gatan|vägen|vej|gade";
const UK_POSTCODE = String.raw`(?:[A-Z]{1,2}\d[A-Z\d]?|GIR)\s?\d[A-Z]{2}`;
const US_STATES =
  "AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY";
/** Two capitals after a Dutch postcode's four digits that are units or eras, never postcodes. */
const NOT_NL_POSTCODE = "KB|MB|GB|TB|PB|HD|SD|AM|PM|AD|BC|CE|UK|US|EU|PC|TV|CD|DJ|OK|SA|SS";
const STREET_THEN_NUMBER = String.raw`\p{Lu}[\p{L}'’.-]*(?:\s+[\p{L}'’.-]+){0,3}\s+\d{1,4}[a-zA-Z]?`;
const NUMBER_THEN_STREET = String.raw`\d{1,4}[a-zA-Z]?(?:\s?(?:bis|ter))?,?\s+(?:[\p{L}'’.-]+\s+){0,4}[\p{L}'’.-]+`;

const ADDRESSES: RegExp[] = [
  // UK: "14 Kingsway, London WC2B 6UN" (the street and town before a postcode go with it)
  new RegExp(
    String.raw`(?:\b\d{1,5}[A-Za-z]?,?\s+(?:${NAME_WORD}\s+){0,3}${NAME_WORD},\s*(?:\p{Lu}[\p{L}'’-]*\s+){0,3})?\b${UK_POSTCODE}\b`,
    "gu",
  ),
  // Germany, France, the Netherlands…: "Unter den Linden 77, 10117 Berlin", "12 rue de Rivoli, 75001 Paris", "Damrak 1, 1012 LG Amsterdam"
  new RegExp(
    String.raw`(?:${STREET_THEN_NUMBER}|${NUMBER_THEN_STREET}),\s*(?:[A-Z]-)?(?:\d{5}|\d{4}\s?[A-Z]{2})\s+\p{Lu}[\p{L}'’-]*(?:[ -]\p{Lu}[\p{L}'’-]*)?`,
    "gu",
  ),
  // US: "…, Washington, DC 20500", "NY 10118-0110"
  new RegExp(String.raw`\b(?:${US_STATES})\s+\d{5}(?:-\d{4})?\b`, "g"),
  // A Dutch postcode on its own: "1012 LG"
  new RegExp(String.raw`(?<![\d])[1-9]\d{3}\s?(?!(?:${NOT_NL_POSTCODE})\b)[A-Z]{2}\b`, "g"),
  // English: "221B Baker Street", "129 West 81st Street", "5 Main St.", "14 Kingsway", in Title Case or CAPITALS
  new RegExp(String.raw`\b\d{1,5}[A-Za-z]?,?\s+(?:${NAME_WORD}\s+){1,4}(?:${EN_STREET})\b\.?`, "gu"),
  new RegExp(String.raw`\b\d{1,5}[A-Za-z]?,?\s+(?:${NAME_WORD}\s+){1,4}(?:${EN_STREET.toUpperCase()})\b\.?`, "gu"),
  new RegExp(String.raw`\b\d{1,5}[A-Za-z]?\s+\p{Lu}\p{Ll}+(?:way|gate)\b`, "gu"),
  // French, Italian, Spanish, Portuguese: "12 rue de Rivoli", "5 avenue Anatole France", "via Roma 10"
  new RegExp(String.raw`\b\d{1,5}(?:\s?(?:bis|ter))?[a-z]?,?\s+(?:${FR_ETC_STREET})${NAME_AFTER_TYPE}`, "giu"),
  new RegExp(
    String.raw`\b(?:via|viale|calle|avenida|rua|piazza|corso|carrer)${NAME_AFTER_TYPE}\s*,?\s*\d{1,5}[a-z]?\b`,
    "giu",
  ),
  // German, Dutch, Scandinavian: "Hauptstraße 5", "Schillerstr. 12a", "Keizersgracht 123"
  new RegExp(String.raw`\b[\p{L}-]*(?:${CONTINENTAL_SUFFIX})\s*\d{1,5}[a-z]?\b`, "giu"),
];

// What was set aside waits behind a private-use mark and its index (a private-use character
// too): no pattern reads them, and any such characters in the input are removed first.
const HOLD = "\uE000";
const HOLD_INDEX = 0xe100;
const HOLD_MAX = 0xf8ff - HOLD_INDEX;
const HELD = /\uE000([\uE100-\uF8FF])/g;

/** The text, normalised, with every piece of personal data replaced by "[email removed]" and the like. */
export function redactPersonalData(text: string): string {
  let result = normaliseForRedaction(text).replace(/[\uE000-\uF8FF]/g, "");
  result = result.replace(EMAIL, LABEL.email);
  result = result.replace(SPELLED_EMAIL, (match) => (isSpelledEmail(match) ? LABEL.email : match));
  // "me at jane dot doe at gmail dot com" is taken from its first "at": the rest goes with it.
  result = result.replace(EMAIL_TAIL, LABEL.email);
  result = result.replace(IBAN, LABEL.iban);
  // Addresses next, while their postcodes and house numbers are still whole.
  for (const pattern of ADDRESSES) result = result.replace(pattern, LABEL.address);

  const held: string[] = [];
  for (const pattern of PROTECTED) {
    result = result.replace(pattern, (match) => {
      if (held.length >= HOLD_MAX) return match;
      held.push(match);
      return `${HOLD}${String.fromCharCode(HOLD_INDEX + held.length - 1)}`;
    });
  }
  result = result.replace(CARD, LABEL.card);
  result = result.replace(PHONE, (match) => {
    const digits = match.replace(/\D/g, "").length;
    return digits < 7 || isThousandsNumber(match) ? match : LABEL.phone;
  });
  return result.replace(HELD, (_whole, index: string) => held[index.charCodeAt(0) - HOLD_INDEX] ?? "");
}

// ——— what a model wrote, before people see it ———

const TLDS =
  "com|org|net|io|co|ai|app|dev|shop|store|info|biz|me|uk|de|fr|nl|es|it|eu|us|ca|au|nz|ch|be|at|se|no|dk|fi|pl|pt|ie|jp|cn|in|br|mx|ru|ly|gl|to|tv|site|online|xyz|link|page|live|club|cafe|gift|gifts|coffee|travel";
const MODEL_LINKS: Array<[RegExp, string]> = [
  // Slack links <https://…|label> and <mailto:…>: the label stays, the address goes.
  [/<(?:https?|mailto|ftp):[^<>|]*\|([^<>]*)>/gi, "$1"],
  [/<(?:https?|mailto|ftp):[^<>]*>/gi, ""],
  // Markdown links [label](https://…)
  [/\[([^\]]*)\]\(\s*[^()\s]*\s*\)/g, "$1"],
  // Bare addresses: https://…, www.…, mailto:…, shop.example.com/path, an email address.
  [/\b(?:https?|ftp):\/\/[^\s<>"]+/gi, ""],
  [/\bmailto:[^\s<>"]+/gi, ""],
  [/\bwww\.[^\s<>"]+/gi, ""],
  [/[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/gu, ""],
  [new RegExp(String.raw`\b(?:[\p{L}\p{N}-]+\.)+(?:${TLDS})\b(?:/[^\s<>"]*)?`, "giu"), ""],
];

/** What a model wrote, without any link (a Slack link keeps its label), tidied where one was cut out. */
export function withoutLinks(modelText: string): string {
  let text = modelText.normalize("NFKC");
  for (const [pattern, replacement] of MODEL_LINKS) text = text.replace(pattern, replacement);
  return text
    .replace(/\(\s*\)|\[\s*\]/g, "")
    .replace(/[ \t]+([,.;:!?)])/g, "$1")
    .replace(/[ \t]{2,}/g, " ")
    .trim();
}
