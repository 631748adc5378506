// The evaluation set of the built-in suggester: contexts as people type them, with interests
// inside and outside the catalogue's tags, every occasion, customers with history (earlier
// recoveries, gestures given, liked and disliked), interests from the request, the form, the
// notes and the record, and several budgets and currencies. `interest` is the interest the
// context names, which at least two of the three ideas must build on (null: none named, or
// one the rules forbid building on, such as wine for someone who no longer drinks).
import type { SuggestionContext } from "../../../src/features/surprises/model.ts";

export interface EvalCase {
  name: string;
  context: Partial<SuggestionContext>;
  interest: string | null;
}

const given = (...titles: string[]) => titles.map((title) => ({ key: null, title }));

export const EVAL_SET: EvalCase[] = [
  // ——— the issue's own examples, outside the catalogue ———
  {
    name: "lost order twice, sailing",
    context: {
      customerName: "Wayne Enterprises",
      occasion: "recovery",
      text: "Their CFO's order was lost twice; they love sailing",
    },
    interest: "sailing",
  },
  {
    name: "referral, keen chess player",
    context: { occasion: "thank_you", text: "Thanks for the referral; the founder is a keen chess player" },
    interest: "chess",
  },
  {
    name: "tenth anniversary, opera",
    context: { occasion: "loyalty", text: "10 years as our customer; she adores opera" },
    interest: "opera",
  },
  {
    name: "wrong invoice again, knitting",
    context: {
      occasion: "recovery",
      text: "The invoice was wrong again. Their office manager is really into knitting",
    },
    interest: "knitting",
  },
  {
    name: "milestone, astronomy",
    context: { occasion: "milestone", text: "They opened their second clinic; the owner loves astronomy" },
    interest: "astronomy",
  },
  {
    name: "late shipment, fly fishing",
    context: {
      occasion: "recovery",
      text: "The spare parts shipped a week late. The plant manager goes fly fishing every Sunday",
    },
    interest: "fly fishing",
  },
  {
    name: "thank-you, skiing",
    context: { occasion: "thank_you", text: "Thanks for the glowing review; the whole team goes skiing in February" },
    interest: "skiing",
  },
  // ——— more interests outside the catalogue ———
  {
    name: "outage, pottery",
    context: {
      occasion: "recovery",
      text: "Our outage took their booking site down for a morning. Maria does pottery on weekends",
    },
    interest: "pottery",
  },
  {
    name: "loyalty, surfing",
    context: {
      occasion: "loyalty",
      text: "Customer since 2015, renewed for three more years; they are mad about surfing",
    },
    interest: "surfing",
  },
  {
    name: "thank-you, kayaking",
    context: { occasion: "thank_you", text: "They recommended us to two partners, and they love kayaking" },
    interest: "kayaking",
  },
  {
    name: "milestone, rowing",
    context: { occasion: "milestone", text: "Their 100th order this week; the COO enjoys rowing on the river" },
    interest: "rowing",
  },
  {
    name: "recovery, rock climbing",
    context: {
      occasion: "recovery",
      text: "We double-charged them in March. The founder is passionate about rock climbing",
    },
    interest: "rock climbing",
  },
  {
    name: "loyalty, poetry",
    context: { occasion: "loyalty", text: "Eight years with us; their CEO loves poetry" },
    interest: "poetry",
  },
  {
    name: "thank-you, crime novels",
    context: {
      occasion: "thank_you",
      text: "Thanks for the case study interview; she is an avid reader of crime novels",
    },
    interest: "crime novels",
  },
  {
    name: "recovery, vintage cars",
    context: { occasion: "recovery", text: "The invoice went to the wrong address; they collect vintage cars" },
    interest: "vintage cars",
  },
  {
    name: "milestone, stamp collecting",
    context: { occasion: "milestone", text: "Their shop turns 25 next month; the owner enjoys stamp collecting" },
    interest: "stamp collecting",
  },
  {
    name: "thank-you, Japan",
    context: { occasion: "thank_you", text: "Thanks for the feedback session; the team loves Japan" },
    interest: "Japan",
  },
  {
    name: "loyalty, bonsai",
    context: { occasion: "loyalty", text: "A loyal customer since 2011 who loves bonsai" },
    interest: "bonsai",
  },
  {
    name: "recovery, horses",
    context: { occasion: "recovery", text: "We sent the wrong saddle size twice; she adores horses" },
    interest: "horses",
  },
  {
    name: "milestone, ballet",
    context: { occasion: "milestone", text: "Their daughter graduated from dance school; the family loves ballet" },
    interest: "ballet",
  },
  {
    name: "thank-you, theatre",
    context: { occasion: "thank_you", text: "Thanks for the testimonial. They are big theatre fans" },
    interest: "theatre",
  },
  {
    name: "recovery, woodworking",
    context: { occasion: "recovery", text: "Our courier damaged the delivery; the buyer enjoys woodworking" },
    interest: "woodworking",
  },
  {
    name: "loyalty, sushi",
    context: { occasion: "loyalty", text: "Long-time customer, renewed again. The team loves sushi" },
    interest: "sushi",
  },
  {
    name: "thank-you, cheese",
    context: { occasion: "thank_you", text: "Thanks for recommending us; Paul is a cheese lover" },
    interest: "cheese",
  },
  {
    name: "milestone, video games",
    context: { occasion: "milestone", text: "Their studio launched its new app; the developers love video games" },
    interest: "video games",
  },
  {
    name: "thank-you, bridge",
    context: { occasion: "thank_you", text: "Thanks for the referral; Margaret plays bridge every Thursday" },
    interest: "bridge",
  },
  {
    name: "recovery, crosswords",
    context: {
      occasion: "recovery",
      text: "We missed their deadline on the report. Their finance lead loves crosswords",
    },
    interest: "crosswords",
  },
  {
    name: "loyalty, archaeology",
    context: { occasion: "loyalty", text: "Customer since 2009; the director is passionate about archaeology" },
    interest: "archaeology",
  },
  {
    name: "milestone, birdwatching (via ornithology-free words)",
    context: { occasion: "milestone", text: "Their new office opened; the team enjoys bird watching", named: [] },
    interest: "bird watching",
  },
  {
    name: "recovery, painting",
    context: { occasion: "recovery", text: "The order arrived broken. She enjoys painting watercolours" },
    interest: "watercolours",
  },
  {
    name: "thank-you, orchids",
    context: { occasion: "thank_you", text: "Thanks for the review; the owner grows orchids and loves orchids" },
    interest: "orchids",
  },
  {
    name: "hardship, sailing",
    context: { occasion: "hardship", text: "Their founder is in hospital after surgery; he loves sailing" },
    interest: "sailing",
  },
  {
    name: "hardship, chess",
    context: { occasion: "hardship", text: "Their office flooded last week; the team plays chess at lunch" },
    interest: "chess",
  },
  {
    name: "hardship, knitting",
    context: { occasion: "hardship", text: "Their CEO's mother passed away. She loves knitting" },
    interest: "knitting",
  },
  // ——— interests inside the catalogue's tags ———
  {
    name: "late coffee lovers",
    context: {
      occasion: "recovery",
      text: "Their order arrived a week late; the team lives on coffee",
      interests: ["coffee"],
    },
    interest: "coffee",
  },
  {
    name: "referral, cyclist in the notes",
    context: {
      occasion: "thank_you",
      text: "Referred two new clients to us",
      notes: ["Rides to work every day, loves cycling"],
    },
    interest: "cycling",
  },
  {
    name: "review, dog owner",
    context: {
      occasion: "thank_you",
      text: "Left us a glowing review; their dog Max comes to every meeting",
      interests: ["dogs"],
    },
    interest: "dogs",
  },
  {
    name: "loyal gardener",
    context: { occasion: "loyalty", text: "Customer since 2012, renewed again", interests: ["gardening"] },
    interest: "gardening",
  },
  {
    name: "golfer milestone",
    context: { occasion: "milestone", text: "Their 20th anniversary in business; the MD loves golf" },
    interest: "golf",
  },
  {
    name: "tennis, damaged chairs",
    context: {
      occasion: "recovery",
      text: "The shipment of chairs arrived damaged; the buyer plays tennis every weekend",
    },
    interest: "tennis",
  },
  {
    name: "jazz office",
    context: { occasion: "thank_you", text: "Thanks for the case study; they play jazz in the office" },
    interest: "jazz",
  },
  {
    name: "tea, hardship",
    context: {
      occasion: "hardship",
      text: "Their warehouse had a fire; the owner loves tea",
      budget: { amount: 30, currency: "GBP" },
    },
    interest: "tea",
  },
  {
    name: "baker's birthday",
    context: { occasion: "milestone", text: "Owner's birthday on Friday; she loves baking" },
    interest: "baking",
  },
  {
    name: "photography thank-you",
    context: { occasion: "thank_you", text: "Thanks for the photos of our launch; he is a keen photographer" },
    interest: "photography",
  },
  {
    name: "hiking loyalty",
    context: { occasion: "loyalty", text: "Customer since 2016; they love hiking in the Alps" },
    interest: "hiking",
  },
  {
    name: "yoga, stressful week",
    context: { occasion: "hardship", text: "A tough time: layoffs at their company; the account lead practises yoga" },
    interest: "yoga",
  },
  {
    name: "cat owner",
    context: {
      occasion: "thank_you",
      text: "Thanks for the testimonial; their cat is the office mascot",
      interests: ["cats"],
    },
    interest: "cats",
  },
  {
    name: "wine lover (alcohol allowed)",
    context: { occasion: "loyalty", text: "Long-time customer who enjoys red wine from Rioja", interests: ["wine"] },
    interest: "wine",
  },
  {
    name: "whisky, milestone",
    context: { occasion: "milestone", text: "Their 10th anniversary; the founder collects whisky" },
    interest: "whisky",
  },
  // ——— interests from the form, the notes and the record ———
  {
    name: "form interest: sailing",
    context: {
      occasion: "thank_you",
      text: "Thanks for the great quarter",
      interests: ["sailing"],
      named: ["sailing"],
    },
    interest: "sailing",
  },
  {
    name: "form interest: opera, record has coffee",
    context: { occasion: "loyalty", text: "Five years with us", interests: ["coffee", "opera"], named: ["opera"] },
    interest: "opera",
  },
  {
    name: "note: astronomy",
    context: {
      occasion: "milestone",
      text: "They hit 1,000 customers",
      notes: ["The CTO loves astronomy and has a telescope"],
    },
    interest: "astronomy",
  },
  {
    name: "record interest: fishing",
    context: { occasion: "recovery", text: "The replacement was sent to the wrong office", interests: ["fishing"] },
    interest: "fishing",
  },
  {
    name: "record interest: chess, with a note",
    context: {
      occasion: "thank_you",
      text: "Thanks for the testimonial",
      interests: ["chess"],
      notes: ["Prefers calls to email"],
    },
    interest: "chess",
  },
  // ——— customers with history ———
  {
    name: "third recovery, sailing, gestures given",
    context: {
      occasion: "recovery",
      text: "Their delivery was late again, the third time this year; they love sailing",
      pastRecoveries: ["OOPS-3: invoice sent twice", "OOPS-9: late delivery"],
      given: given(
        "A handwritten apology card signed by everyone who worked on the fix",
        "A tide-table print of their home harbour for someone who loves sailing, framed, with a note",
      ),
      worked: ["A box of pastries for their team"],
    },
    interest: "sailing",
  },
  {
    name: "chess, travel set given already",
    context: {
      occasion: "thank_you",
      text: "Thanks for the referral; they love chess",
      given: given("A weighted wooden travel chess set, with a note challenging them to a game"),
      worked: ["A weighted wooden travel chess set, with a note challenging them to a game"],
    },
    interest: "chess",
  },
  {
    name: "opera, disliked tickets",
    context: {
      occasion: "loyalty",
      text: "Customer since 2014; loves opera",
      disliked: ["Two tickets for an opera matinée or dress rehearsal near them, on a date they choose"],
    },
    interest: "opera",
  },
  {
    name: "knitting, liked yarn, feedback scores",
    context: {
      occasion: "milestone",
      text: "Their shop's 5th birthday; she loves knitting",
      worked: ["Skeins of yarn from an independent local dyer"],
      scores: { "idea:book": 3, "handwritten-thanks": -2 },
    },
    interest: "knitting",
  },
  {
    name: "coffee customer with two recoveries",
    context: {
      occasion: "recovery",
      text: "Wrong item shipped, again",
      interests: ["coffee"],
      pastRecoveries: ["OOPS-1: wrong size", "OOPS-4: missing item"],
      given: given("Their team's usual coffee order, from the café next to their office, delivered mid-morning"),
    },
    interest: "coffee",
  },
  // ——— budgets and currencies ———
  {
    name: "tiny budget, fishing",
    context: {
      occasion: "thank_you",
      text: "Thanks for the referral; loves fishing",
      budget: { amount: 15, currency: "EUR" },
    },
    interest: "fishing",
  },
  {
    name: "yen budget, astronomy",
    context: {
      occasion: "milestone",
      text: "Their first year with us; the team enjoys astronomy",
      budget: { amount: 5000, currency: "JPY" },
    },
    interest: "astronomy",
  },
  {
    name: "no budget, skiing",
    context: { occasion: "loyalty", text: "Loyal for twelve years; loves skiing", budget: null },
    interest: "skiing",
  },
  // ——— no interest named (or one the rules forbid) ———
  {
    name: "wrong item shipped",
    context: { occasion: "recovery", text: "We shipped the wrong size of earmuffs twice" },
    interest: null,
  },
  {
    name: "piano delivery (the piano is what went wrong, not an interest)",
    context: { occasion: "recovery", text: "The piano delivery was late and the driver was rude" },
    interest: null,
  },
  {
    name: "hospital stay",
    context: { occasion: "hardship", text: "The founder is in hospital after surgery" },
    interest: null,
  },
  {
    name: "bereavement, tiny budget",
    context: { occasion: "hardship", text: "Their CEO's father passed away", budget: { amount: 10, currency: "EUR" } },
    interest: null,
  },
  {
    name: "wine lover who is now sober",
    context: { occasion: "loyalty", text: "Loved wine tasting trips, but is now sober", interests: ["wine"] },
    interest: null,
  },
  {
    name: "new baby",
    context: { occasion: "milestone", text: "Their account manager just had a baby" },
    interest: null,
  },
  {
    name: "gold tier outage",
    context: { occasion: "recovery", text: "Our outage took their booking system down for a morning", tier: "Gold" },
    interest: null,
  },
];
