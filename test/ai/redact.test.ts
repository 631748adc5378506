// The one redactor in front of every model: a corpus of personal data that must go (emails,
// phones, cards, IBANs, addresses and postcodes in several countries' forms, look-alike and
// non-Latin digits) and of ordinary text that must survive (amounts, dates, times, order
// numbers). And model text shown to people never holds a link.
import { describe, expect, it } from "vitest";
import { normaliseForRedaction, redactPersonalData, withoutLinks } from "../../src/ai/redact.ts";

/** [text, the personal data in it (each must be gone, in its typed and its normalised form)] */
const PERSONAL: Array<[string, ...string[]]> = [
  // emails
  ["write to jane.doe+vip@acme.co.uk today", "jane.doe+vip@acme.co.uk"],
  ["her address is jane＠gmail.com", "jane＠gmail.com", "jane@gmail"],
  ["mail jane@gmail when you can", "jane@gmail"],
  ["reach him at josé@exämple.de please", "josé@exämple.de"],
  ["jane dot doe at gmail dot com is best", "jane dot doe", "gmail dot com"],
  ["jane [at] gmail [dot] com", "jane [at]", "gmail [dot] com"],
  ["jane(at)gmail(dot)com", "jane(at)gmail"],
  ["jane (at) acme.com", "jane (at) acme"],
  ["contact: jane.doe at acme.com", "jane.doe at acme"],
  ["j.smith @ example.org for returns", "j.smith @ example"],
  ["JANE@ACME.COM", "JANE@ACME"],
  ["ｍａｒｙ＠ｅｘａｍｐｌｅ．ｃｏｍ is on file", "ｍａｒｙ", "mary@example"],
  ["mrs.chen@example.com called", "mrs.chen@example.com"],
  ["write to 王伟@例子.中国", "王伟@例子"],
  ["o'brien_k@mail-host.ie", "mail-host.ie", "o'brien"],
  ["email me at me at jane dot doe at gmail dot com", "jane dot doe", "gmail dot com"],
  // phones
  ["call +44 20 7946 0958", "7946 0958"],
  ["(555) 123-4567 after six", "123-4567"],
  ["mobile 0612345678", "0612345678"],
  ["+33 6 12 34 56 78 is her number", "12 34 56 78"],
  ["06 12 34 56 78", "12 34 56 78"],
  ["06.12.34.56.78", "06.12.34.56.78"],
  ["tel. +49 30 1234567", "1234567"],
  ["Telefon 030 12345678", "12345678"],
  ["bel +31 20 123 4567", "123 4567"],
  ["020-123 4567 (kantoor)", "123 4567"],
  ["+1-212-555-0199 ext 3", "555-0199"],
  ["212.555.0199", "555.0199"],
  ["0044 7700 900123", "900123"],
  ["07700 900123", "07700 900123"],
  ["+91 98765 43210", "98765 43210"],
  ["+81 3-1234-5678", "1234-5678"],
  ["+966 50 123 4567", "123 4567"],
  ["رقمه +٩٦٦ ٥٠ ١٢٣ ٤٥٦٧", "١٢٣ ٤٥٦٧", "123 4567"],
  ["اتصل على ٠٥٠١٢٣٤٥٦٧", "٠٥٠١٢٣٤٥٦٧", "0501234567"],
  ["شماره ۰۹۱۲۳۴۵۶۷۸۹", "۰۹۱۲۳۴۵۶۷۸۹", "09123456789"],
  ["phone ０６１２３４５６７８", "０６１２３４５６７８", "0612345678"],
  ["+61 2 9876 5432 (Sydney)", "9876 5432"],
  ["+34 612 34 56 78", "612 34 56 78"],
  ["+39 06 1234 5678", "1234 5678"],
  ["+41 44 668 18 00", "668 18 00"],
  ["+55 11 91234-5678", "91234-5678"],
  ["0 800 123 4567", "123 4567"],
  ["call 555 0199 123", "555 0199 123"],
  ["0612\u200B345\u200B678", "345", "0612345678"],
  // cards
  ["card 4111 1111 1111 1111", "4111 1111 1111 1111"],
  ["4111-1111-1111-1111 was charged", "4111-1111-1111-1111"],
  ["4111/1111/1111/1111", "4111/1111/1111/1111"],
  ["4111.1111.1111.1111", "4111.1111.1111.1111"],
  ["4111_1111_1111_1111", "4111_1111_1111_1111"],
  ["4111111111111111", "4111111111111111"],
  ["４１１１ ４１１１ ４１１１ ４１１１", "４１１１", "4111 1111 1111 1111"],
  ["amex 3782 822463 10005", "822463"],
  ["5500 0000 0000 0004 charged twice", "5500 0000 0000 0004"],
  ["card: 4111 - 1111 - 1111 - 1111", "1111 - 1111"],
  ["6011\u00A01111\u00A01111\u00A01117", "1117"],
  ["4111 1111 1111 1111 123", "1111 1111"],
  // IBANs
  ["IBAN DE89 3704 0044 0532 0130 00 please", "3704 0044", "DE89"],
  ["GB82WEST12345698765432", "GB82WEST"],
  ["GB82 WEST 1234 5698 7654 32", "WEST 1234"],
  ["FR14 2004 1010 0505 0001 3M02 606", "FR14", "3M02"],
  ["NL91 ABNA 0417 1643 00", "NL91", "0417 1643"],
  ["nl91abna0417164300", "nl91abna"],
  ["iban: BE68-5390-0754-7034", "BE68-5390"],
  ["ES91 2100 0418 4502 0005 1332", "ES91", "0418 4502"],
  ["CH93 0076 2011 6238 5295 7", "CH93"],
  ["ＤＥ８９３７０４００４４０５３２０１３０００", "ＤＥ８９", "DE89"],
  // UK
  ["14 Kingsway, London WC2B 6UN", "14 Kingsway", "WC2B 6UN"],
  ["lives at 221B Baker Street, London", "221B Baker Street"],
  ["10 Downing Street", "10 Downing Street"],
  ["postcode SW1A 1AA", "SW1A 1AA"],
  ["M1 1AE", "M1 1AE"],
  ["Flat 3, 45 Queen's Road, Bristol BS8 1QU", "45 Queen's Road", "BS8 1QU"],
  ["14 Kingsway", "14 Kingsway"],
  // US
  ["office at 129 West 81st Street", "129 West 81st Street"],
  ["1600 Pennsylvania Avenue NW, Washington, DC 20500", "1600 Pennsylvania Avenue", "20500"],
  ["350 Fifth Ave, New York, NY 10118", "350 Fifth Ave", "10118"],
  ["5 Main St. in Springfield", "5 Main St"],
  ["742 Evergreen Terrace", "742 Evergreen Terrace"],
  ["PO box, Austin TX 78701-1234", "78701"],
  ["1 INFINITE LOOP DRIVE", "1 INFINITE LOOP"],
  // Germany
  ["Hauptstraße 5 in Berlin", "Hauptstraße 5"],
  ["Unter den Linden 77, 10117 Berlin", "Linden 77", "10117"],
  ["Schillerstr. 12a, 80336 München", "Schillerstr. 12a", "80336"],
  ["Am Rosenweg 3", "Rosenweg 3"],
  ["Königsallee 92, 40212 Düsseldorf", "Königsallee 92", "40212"],
  // France
  ["12 rue de Rivoli", "12 rue de Rivoli"],
  ["12 rue de Rivoli, 75001 Paris", "rue de Rivoli", "75001"],
  ["5 avenue Anatole France, 75007 Paris", "Anatole France", "75007"],
  ["3 bis boulevard Saint-Michel", "boulevard Saint-Michel"],
  ["8 place de la Concorde", "place de la Concorde"],
  // Netherlands
  ["Damrak 1, 1012 LG Amsterdam", "Damrak 1", "1012 LG"],
  ["Keizersgracht 123", "Keizersgracht 123"],
  ["postcode 3511 AB", "3511 AB"],
  ["Coolsingel 40, 3011 AD Rotterdam", "Coolsingel 40", "3011 AD"],
  // elsewhere
  ["via Roma 10, Milano", "via Roma 10"],
  ["Calle Mayor 5", "Calle Mayor 5"],
  ["Drottninggatan 12", "Drottninggatan 12"],
];

/** Ordinary text that must reach the model as it was typed. */
const ORDINARY = [
  "Budget 50 USD for the gesture",
  "order #12345 arrived late",
  "order no. 123456789 was lost",
  "Order 98765432 shipped twice",
  "invoice INV-2026-000123 is wrong",
  "ticket 4455667788 reopened",
  "tracking 1Z999AA10123456784",
  "OOPS-42 was fixed in time",
  "ORD-2026-001234",
  "ref: AB12345678",
  "on 2026-11-23 at 14:30",
  "2026-11-23T14:30:00Z",
  "23/11/2026",
  "11/23/2026",
  "23.11.2026",
  "23-11-26",
  "from 09:00 to 17:30",
  "at 9.30am",
  "at 5 pm sharp",
  "14h30 le lundi",
  "customer since 2012",
  "2019-2024 contract",
  "the 2023/24 season",
  "100th order",
  "3 years with us",
  "$1,299.99 refund",
  "€ 1.250,00 paid",
  "1 250 € de remise",
  "£20 voucher",
  "USD 12,000 contract",
  "12000 EUR a year",
  "¥100000 order",
  "₹1,00,000 spent",
  "49.90 EUR per month",
  "costs 7 500 000 dollars",
  "1 234 567 customers",
  "1,000,000 users",
  "15% off last time",
  "2.5 kg of coffee",
  "a 1024 MB file",
  "the 1080 HD screen",
  "in 2024 US sales grew",
  "3 Large Boxes of biscuits",
  "It took 2 days to drive there",
  "order 3 items from the place",
  "She ordered 2 coffees",
  "Look at example.com for the menu",
  "We met at noon",
  "5 apples and 3 pears",
  "rated 4.5 out of 5",
  "Room 101",
  "table 12 by the window",
  "Chapter 3",
  "version 2.4.1",
  "5 stars",
  "call back within 24 hours",
  "2 hours late",
  "20 minutes on hold",
  "the 3rd time this month",
  "12 items returned",
  "We shipped 48 boxes",
  "Top 10 tips",
  "in 30 days",
  "Mrs Chen loves oat-milk flat whites",
  "Acme Corp: the invoice went to the wrong address twice",
  "the team loves the café downstairs",
  "cycling, coffee and jazz",
  "gold tier since March",
  "her dog is called Biscuit",
  "birthday on 14 March",
  "Nov 23, 2026",
  "23 November 2026",
  "week 47",
  "Q3 2026",
  "between 9 and 5",
  "a 4-star review",
  "0 complaints since",
  "1-2 days",
  "size 42 shoes",
  "7 days a week",
  "3x faster",
  "50/50 split",
  "age 34",
  "2 x 250 ml",
  "Terminal 5",
  "gate 22",
  "flight BA 117",
  "seat 14C",
  "the 8:15 train",
  "#recovery #delight",
  "@alice said thanks",
  "We sold 3 Large Coffees at the Main Street shop",
  "2 Dr Martens boots",
  "in 1998",
  "pages 12-15",
  "ISBN 978-3-16-148410-0",
  "12.5% of 400",
  "from 1 to 10",
  "opened 5 tickets today",
  "batch 2026/11",
  "1.5 million views",
  "3-4 weeks delivery",
  "the 2026 budget: 40,000",
  "score 9/10",
  "aisle 7, shelf 3",
  "Kingsway shop",
  "at 10.45 am",
  "PIN was reset",
  "free shipping over 50 €",
];

describe("redactPersonalData: personal data never reaches a model", () => {
  it(`covers at least 80 cases of personal data (${PERSONAL.length}) and as many of ordinary text (${ORDINARY.length})`, () => {
    expect(PERSONAL.length).toBeGreaterThanOrEqual(80);
    expect(ORDINARY.length).toBeGreaterThanOrEqual(PERSONAL.length);
  });

  it.each(PERSONAL)("removes the personal data in %j", (text, ...secrets) => {
    const redacted = redactPersonalData(text);
    expect(redacted).toMatch(/\[(?:email|phone|card number|IBAN|address) removed\]/);
    for (const secret of secrets) {
      expect(redacted).not.toContain(secret);
      expect(redacted).not.toContain(normaliseForRedaction(secret));
    }
  });

  it.each(ORDINARY)("keeps %j", (text) => {
    expect(redactPersonalData(text)).toBe(text);
  });

  it("labels what it removed, and keeps the words around it", () => {
    expect(redactPersonalData("write to jane.doe+vip@acme.co.uk today")).toBe("write to [email removed] today");
    expect(redactPersonalData("call +44 20 7946 0958 or (555) 123-4567")).toBe(
      "call [phone removed] or [phone removed]",
    );
    expect(redactPersonalData("card 4111/1111/1111/1111, thanks")).toBe("card [card number removed], thanks");
    expect(redactPersonalData("IBAN DE89 3704 0044 0532 0130 00 please")).toBe("IBAN [IBAN removed] please");
    expect(redactPersonalData("lives at 221B Baker Street, London")).toBe("lives at [address removed], London");
    expect(redactPersonalData("paid £20, call 0612345678 on 2026-11-23")).toBe(
      "paid £20, call [phone removed] on 2026-11-23",
    );
  });

  it("reads look-alike characters as what they look like, and drops private-use marks", () => {
    expect(normaliseForRedaction("４１１１ ٠٥٠ ۰۹ ＠")).toBe("4111 050 09 @");
    expect(redactPersonalData("a\uE000b \uE100")).toBe("ab ");
  });

  it("stays fast on long and hostile input", () => {
    const long = `${"jane dot doe dot x ".repeat(400)} ${"1 2 3 ".repeat(500)} ${"Aa ".repeat(1000)}`;
    const started = performance.now();
    redactPersonalData(long);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});

describe("withoutLinks: model text shown to people", () => {
  it.each([
    ["See https://example.com/gift?id=1 for ideas.", "See for ideas."],
    ["Order from www.etsy.com/shop/x today", "Order from today"],
    ["Try <https://evil.example|the bakery> next door", "Try the bakery next door"],
    ["Try <https://evil.example> next door", "Try next door"],
    ["Read [this guide](https://evil.example/guide).", "Read this guide."],
    ["Flowers from bloom-and-wild.co.uk arrive fast", "Flowers from arrive fast"],
    ["Write to boss@acme.com or mailto:boss@acme.com", "Write to or"],
    ["Visit ｈｔｔｐｓ://evil.example now", "Visit now"],
    ["A handwritten card (shop.example.com) with coffee", "A handwritten card with coffee"],
  ])("%j → %j", (text, expected) => {
    const shown = withoutLinks(text);
    expect(shown).toBe(expected);
    expect(shown).not.toMatch(/https?:|www\.|\.com|\.uk|\.example|mailto|@/i);
  });

  it("keeps text that holds no link", () => {
    const text = "Send the oat-milk flat whites they love, with a note from the team. Cost: about 25 EUR.";
    expect(withoutLinks(text)).toBe(text);
  });
});
