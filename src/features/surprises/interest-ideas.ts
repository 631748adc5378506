// Ideas shaped by an interest, for when no catalogue gesture fits it: written out with the
// customer's own words ({interest}: "sailing", "vintage cars"), never "a gift". Each family of
// interests (water, games, music…) has its own; a few interests have their own specials; any
// interest at all gets the general ones (a book, a booked class or club evening, a card that
// asks about it). Costs are rough US dollars, converted like the catalogue's.
import type { Effort, GestureKind, Occasion } from "./model.ts";
import type { Family } from "./interest-families.ts";

export interface InterestIdea {
  /** Stable id; the suggestion's key is `idea:<id>:<interest>`. */
  id: string;
  kind: GestureKind;
  title: string;
  details: string;
  /** Why it fits, in one sentence. */
  why: string;
  costUsd: number;
  effort: Effort;
  timing: string;
  /** Occasions it suits; absent = every occasion. */
  occasions?: Occasion[];
}

const NOT_HARDSHIP: Occasion[] = ["recovery", "milestone", "thank_you", "loyalty"];

// One idea per line reads best as a table; Prettier would spread each over a dozen lines.
// prettier-ignore
/** For any interest. */
export const GENERAL_IDEAS: InterestIdea[] = [
  { id: "book", kind: "give", title: "A well-chosen book about {interest}, with a note from the person who picked it", details: "Ask someone on the team who knows {interest} (or a good independent bookshop) for the one book they would recommend, and write on the first page why {customer} came to mind.", why: "A book on {interest}, chosen by a person rather than a shop, shows {customer} you listened to what they love.", costUsd: 20, effort: "low", timing: "This week" },
  { id: "print", kind: "give", title: "A vintage print or postcard about {interest} from a second-hand shop, with a line on the back", details: "Something small and found rather than bought online: an old map, poster or postcard on {interest}, posted in an envelope with your note.", why: "A small find about {interest} says you thought of {customer} when you saw it, and it costs almost nothing.", costUsd: 8, effort: "low", timing: "This week" },
  { id: "magazine", kind: "give", title: "A year of the best magazine on {interest}, the first issue sent with a card", details: "Pick the title people who love {interest} actually read, and have the first issue arrive with a handwritten card from the team.", why: "Twelve issues on {interest} keep arriving long after the gesture, each one a small reminder of {customer}'s team.", costUsd: 45, effort: "low", timing: "Start it this month" },
  { id: "session", kind: "do", title: "A place booked for them at a local class, club evening or talk on {interest}, on a date they choose", details: "Find a well-reviewed local club, school or venue for {interest}, book the place itself and send {customer} the details with a short note.", why: "Time spent on {interest} is the gift; booking it means {customer} only has to turn up.", costUsd: 45, effort: "medium", timing: "A date they choose in the next two months", occasions: NOT_HARDSHIP },
  { id: "coffee-chat", kind: "do", title: "A coffee with the person who serves them, to hear about their love of {interest}", details: "Invite {customer}'s contact out for a coffee near their office; ask about {interest}, not the account, and pay for it.", why: "Half an hour listening to {customer} talk about {interest} builds more goodwill than any parcel.", costUsd: 10, effort: "low", timing: "Within two weeks", occasions: NOT_HARDSHIP },
  { id: "card", kind: "say", title: "A handwritten card that mentions their love of {interest}, from the person who works with them most", details: "Two or three lines: the occasion in plain words, then a real question about {interest} (what they have seen, done or made lately). No sales content.", why: "Asking about {interest} shows {customer} you see people, not an account.", costUsd: 5, effort: "low", timing: "This week", occasions: ["milestone", "thank_you", "loyalty"] },
  { id: "apology", kind: "say", title: "A handwritten apology that owns the mistake and ends with a warm line about their love of {interest}", details: "Say what went wrong and what you changed so it will not happen again, then one warm line about {interest}. Signed by everyone who worked on the fix.", why: "An apology that knows about their love of {interest} cannot be a template, and {customer} will notice.", costUsd: 5, effort: "low", timing: "Today, once the fix is confirmed", occasions: ["recovery"] },
  { id: "kind-words", kind: "say", title: "A short, warm card with nothing to sell, wishing them time soon for {interest}", details: "A few sincere lines; say who is covering their account meanwhile and that nothing needs their attention.", why: "Wishing them back to {interest} is kind without asking anything of {customer}.", costUsd: 5, effort: "low", timing: "As soon as you hear", occasions: ["hardship"] },
];

// prettier-ignore
/** For one family of interests: more specific than the general ideas. */
export const FAMILY_IDEAS: Partial<Record<Family, InterestIdea[]>> = {
  water: [
    { id: "water-chart", kind: "give", title: "A framed chart of the water they love for {interest}, with their home harbour or lake marked", details: "Order a nautical or lake chart of their home waters (with the season's tide table if it is the sea) and mark the spot {customer} talks about.", why: "A chart of their own waters is a {interest} lover's kind of wall art, and it tells {customer} you listened.", costUsd: 35, effort: "medium", timing: "Within two weeks" },
    { id: "water-outing", kind: "do", title: "A morning on the water booked for them: a {interest} outing with a local club or school", details: "Book a guided outing or a taster session with a well-reviewed local club, on a date {customer} chooses; send the booking with a note.", why: "A morning of {interest} with a local club is an experience {customer} will tell their team about.", costUsd: 45, effort: "medium", timing: "A date they choose this season", occasions: NOT_HARDSHIP },
  ],
  game: [
    { id: "game-set", kind: "give", title: "A handsome edition for {interest} (a wooden set, a fine deck, a puzzle book), with a note challenging them to a game", details: "Choose the edition a keen player of {interest} would be proud to bring out, and add a card that proposes a friendly game with the team.", why: "A set they will use for years, with your challenge inside, makes {interest} something you share with {customer}.", costUsd: 30, effort: "low", timing: "Before the weekend" },
    { id: "game-club", kind: "do", title: "A place at a local {interest} club night or tournament, booked on a date they choose", details: "Find the friendliest club or café night for {interest} near {customer} and book their place, or enter them in a casual tournament.", why: "An evening of {interest} with good opponents is the kind of thanks {customer} will actually enjoy.", costUsd: 20, effort: "medium", timing: "A club night in the next month", occasions: NOT_HARDSHIP },
  ],
  music: [
    { id: "music-recording", kind: "give", title: "A fine recording of {interest} on vinyl or CD, chosen by someone who knows it, with a note", details: "Ask a specialist record shop for a recording of {interest} that {customer} is unlikely to own, and say in the note why it was chosen.", why: "Music they can play again keeps the gesture alive, and choosing {interest} shows {customer} you know their taste.", costUsd: 30, effort: "low", timing: "This week" },
    { id: "music-evening", kind: "do", title: "Two tickets for an evening of {interest} near them, on a date they choose", details: "Pick a concert, recital or performance of {interest} at a venue near {customer}; send the tickets with a handwritten card.", why: "An evening of {interest} is a memory {customer} will connect with you for a long time.", costUsd: 90, effort: "medium", timing: "For a performance in the next two months", occasions: NOT_HARDSHIP },
    { id: "music-lunchtime", kind: "do", title: "A lunchtime recital or open rehearsal of {interest} booked for them", details: "Many venues and schools have short daytime performances; book two places near {customer}'s office.", why: "An hour of {interest} in the middle of a working day is a small, surprising pleasure for {customer}.", costUsd: 25, effort: "low", timing: "In the next few weeks", occasions: NOT_HARDSHIP },
  ],
  stage: [
    { id: "stage-tickets", kind: "do", title: "Two tickets for {interest} near them, on a night they choose", details: "Choose a well-reviewed production of {interest} at a venue near {customer}; send the tickets with a card saying why you picked it.", why: "A night out for {interest} gives {customer} something to look forward to and to remember you by.", costUsd: 50, effort: "medium", timing: "For a night in the next two months", occasions: NOT_HARDSHIP },
    { id: "stage-matinee", kind: "do", title: "Two tickets for a matinée of {interest} near them, on a day they choose", details: "Matinées cost less than evenings; pick a production of {interest} {customer} has talked about, or a new one with good reviews.", why: "An afternoon of {interest} is the treat {customer} would choose for themselves.", costUsd: 30, effort: "medium", timing: "In the next two months", occasions: NOT_HARDSHIP },
    { id: "stage-programme", kind: "give", title: "A framed poster or programme from a classic production of {interest}, with a note", details: "Find an original poster or programme from a celebrated production of {interest} (a dealer or the venue's shop) and have it framed.", why: "A piece of {interest} history on their wall shows {customer} you know what moves them.", costUsd: 35, effort: "medium", timing: "Within two weeks" },
  ],
  art: [
    { id: "art-print", kind: "give", title: "A framed print by a local artist, for someone who loves {interest}", details: "Choose an affordable limited print from an artist near {customer}; frame it and add a card about the artist.", why: "Original work by a local artist suits a love of {interest} and supports {customer}'s own town.", costUsd: 40, effort: "medium", timing: "Within two weeks" },
    { id: "art-exhibition", kind: "do", title: "Tickets to an exhibition of {interest} near them, with a coffee booked afterwards", details: "Find a current exhibition of {interest} near {customer} and book two tickets and the café table.", why: "An afternoon of {interest} is time {customer} would choose for themselves.", costUsd: 30, effort: "medium", timing: "While the exhibition is on", occasions: NOT_HARDSHIP },
  ],
  craft: [
    { id: "craft-materials", kind: "give", title: "Materials for their {interest} from an independent local maker, with a note", details: "Good yarn, wood, clay or tools for {interest}, chosen with the maker's help; a note says what you hope {customer} makes with it.", why: "Good materials for {interest} become something {customer} makes, so your thanks turns into their work.", costUsd: 30, effort: "low", timing: "This week" },
    { id: "craft-workshop", kind: "do", title: "A place at a {interest} workshop with a local maker, on a date they choose", details: "Book a half-day session with a maker who teaches {interest} near {customer}; send the date options with a card.", why: "Learning from a maker is a treat for anyone who loves {interest}, and {customer} gets the day for themselves.", costUsd: 60, effort: "medium", timing: "A date they choose in the next two months", occasions: NOT_HARDSHIP },
  ],
  science: [
    { id: "science-talk", kind: "do", title: "Tickets to a museum, planetarium or public talk on {interest} near them", details: "Look for a current exhibition or evening lecture on {interest} near {customer} and book two places.", why: "An evening feeding their curiosity about {interest} is a gift {customer} would choose for themselves.", costUsd: 25, effort: "medium", timing: "In the next month", occasions: NOT_HARDSHIP },
  ],
  reading: [
    { id: "reading-signed", kind: "give", title: "A signed book from the world of {interest}, found at an independent bookshop", details: "Ask a good independent bookshop for a signed copy {customer} would love, and tuck in a note on why you chose it.", why: "A signed copy is a small treasure for someone who loves {interest}, and {customer} will keep it.", costUsd: 25, effort: "low", timing: "This week" },
    { id: "reading-evening", kind: "do", title: "Two places at an author evening or literary festival on {interest} near them", details: "Find an author event or festival session on {interest} near {customer} and book two places.", why: "Meeting the people behind {interest} is an evening {customer} will talk about.", costUsd: 25, effort: "medium", timing: "In the next two months", occasions: NOT_HARDSHIP },
  ],
  outdoors: [
    { id: "outdoors-map", kind: "give", title: "A detailed walking map of a trail near them for {interest}, with a café or viewpoint marked", details: "Choose a route {customer} may not know, mark your favourite stop on it and add a card wishing them good weather.", why: "A new trail for {interest}, marked by someone who knows it, invites {customer} to a good weekend.", costUsd: 15, effort: "low", timing: "Before the weekend" },
    { id: "outdoors-guided", kind: "do", title: "A guided day out for {interest} with a local guide, on a date they choose", details: "Book a small-group day with a well-reviewed local guide near {customer}; send the booking with a note.", why: "A day of {interest} with an expert guide is an experience {customer} will remember you by.", costUsd: 50, effort: "medium", timing: "A date they choose this season", occasions: NOT_HARDSHIP },
  ],
  garden: [
    { id: "garden-plant", kind: "give", title: "A plant or seeds chosen for their love of {interest}, from a local nursery", details: "Ask the nursery what would delight someone who loves {interest} this season and have it delivered with a card.", why: "Something living keeps growing, and reminds {customer} of you each time it flowers.", costUsd: 20, effort: "low", timing: "This week" },
    { id: "garden-visit", kind: "do", title: "Tickets to a garden, greenhouse or flower show near them, for someone who loves {interest}", details: "Pick a garden or show near {customer} in season and book two tickets.", why: "A day among plants is time {customer} would choose for themselves, and it suits their love of {interest}.", costUsd: 25, effort: "medium", timing: "While it is in season", occasions: NOT_HARDSHIP },
  ],
  animals: [
    { id: "animal-treats", kind: "give", title: "Treats and a toy for their {interest}, addressed by name if you know it", details: "A small parcel for the animal rather than the person; name it on the label if {customer} has mentioned the name.", why: "A parcel for their {interest} is the kind of detail {customer} will tell friends about.", costUsd: 20, effort: "low", timing: "This week" },
    { id: "animal-sanctuary", kind: "do", title: "An animal sponsored in their name at a local sanctuary, for someone who loves {interest}", details: "Choose a sanctuary near {customer}; send the certificate and the animal's photo with a card.", why: "Caring for an animal in their name honours what {customer} loves about {interest}.", costUsd: 25, effort: "low", timing: "This week" },
  ],
  food: [
    { id: "food-tasting-box", kind: "give", title: "A tasting box of {interest} from an independent local maker, with a card", details: "Choose three or four of the maker's best; check your notes for allergies or dietary needs first.", why: "Tasting the best of {interest} from a local maker is a treat that shows you know {customer}'s taste.", costUsd: 30, effort: "low", timing: "Within a week" },
    { id: "food-tasting", kind: "do", title: "A tasting of {interest} for two at a local specialist, on a date they choose", details: "Book a guided tasting near {customer} with someone who knows {interest} well; send the booking with a note.", why: "A guided tasting turns their love of {interest} into an hour {customer} will remember.", costUsd: 40, effort: "medium", timing: "A date they choose this month", occasions: NOT_HARDSHIP },
  ],
  cooking: [
    { id: "cooking-kit", kind: "give", title: "A kitchen essential for {interest} from an independent cookshop, with the team's favourite recipe", details: "Ask the shop for the one tool people who love {interest} swear by (a proper tin, a knife, a pan) and add a handwritten recipe card.", why: "A tool they will reach for every time they cook reminds {customer} that you listened to their love of {interest}.", costUsd: 30, effort: "low", timing: "This week" },
    { id: "cooking-class", kind: "do", title: "A place at a {interest} class with a local chef, on a date they choose", details: "Book a hands-on session on {interest} near {customer}; send the dates with a note.", why: "An evening learning {interest} from a chef is something {customer} takes home and keeps using.", costUsd: 60, effort: "medium", timing: "A date they choose in the next two months", occasions: NOT_HARDSHIP },
  ],
  drink: [
    { id: "drink-bottle", kind: "give", title: "A bottle chosen for their love of {interest} from a small producer, with a tasting note", details: "Only because the context says {customer} enjoys it: pick a producer they are unlikely to know and write why.", why: "A bottle in the style they enjoy shows you know {customer}'s taste in {interest}.", costUsd: 35, effort: "low", timing: "This week" },
    { id: "drink-tasting", kind: "do", title: "A {interest} tasting for two at a local specialist, on a date they choose", details: "Only because the context says {customer} enjoys it: book a guided tasting at a specialist near them.", why: "A guided tasting turns their love of {interest} into an evening {customer} will remember.", costUsd: 50, effort: "medium", timing: "A date they choose this month", occasions: NOT_HARDSHIP },
  ],
  sport: [
    { id: "sport-kit", kind: "give", title: "Quality kit for {interest} they will actually use, in a small parcel with a note", details: "Something small and good (socks, a cap, a towel, a water bottle) for {interest}, and a card wishing {customer} a good season.", why: "Kit they will use again and again for {interest} keeps you in {customer}'s good books.", costUsd: 25, effort: "low", timing: "This week" },
    { id: "sport-session", kind: "do", title: "A session booked for them with a local {interest} club or coach, on a date they choose", details: "Book a taster or coached session for {interest} near {customer} and send the details with a note.", why: "A session with a good coach is a treat for anyone keen on {interest}, and {customer} just turns up.", costUsd: 40, effort: "medium", timing: "A date they choose this season", occasions: NOT_HARDSHIP },
  ],
  travel: [
    { id: "travel-guide", kind: "give", title: "A beautifully made guide to {interest}, with the team's own tips written in the margins", details: "Choose a guide a traveller would keep, and have people on the team who know {interest} add their favourite café, walk or view.", why: "Your team's own tips about {interest} are personal to {customer} in a way no guidebook is.", costUsd: 25, effort: "medium", timing: "Before their next trip" },
  ],
  vehicles: [
    { id: "vehicle-print", kind: "give", title: "A framed print of a classic from the world of {interest}, with a note", details: "An archive photo or poster of a classic of {interest}, framed, with a card about why you picked it.", why: "A classic from the world of {interest} on their wall is a daily reminder that someone at your company listened to {customer}.", costUsd: 35, effort: "medium", timing: "Within two weeks" },
    { id: "vehicle-museum", kind: "do", title: "Tickets to a museum or show about {interest} near them", details: "Find a museum, rally or show on {interest} near {customer} and book two tickets.", why: "A day out for {interest} is time {customer} would choose for themselves.", costUsd: 30, effort: "medium", timing: "In the next two months", occasions: NOT_HARDSHIP },
  ],
  collecting: [
    { id: "collect-find", kind: "give", title: "A small find for their collection from a specialist in {interest}", details: "Ask a specialist dealer for an affordable piece a collector of {interest} would enjoy; add a note on its story.", why: "A piece for the collection shows {customer} you know what {interest} means to them.", costUsd: 30, effort: "medium", timing: "Within two weeks" },
    { id: "collect-fair", kind: "do", title: "A day at a fair or show for {interest} near them, with the tickets booked", details: "Find the next fair for {interest} near {customer} and book two tickets.", why: "A day browsing {interest} with other enthusiasts is a treat {customer} will enjoy.", costUsd: 20, effort: "low", timing: "For the next fair", occasions: NOT_HARDSHIP },
  ],
  tech: [
    { id: "tech-kit", kind: "give", title: "A well-made accessory or kit for {interest}, from a small maker", details: "Something useful and a little delightful for {interest}, chosen with a maker's help, with a note.", why: "A thoughtful kit for {interest} shows {customer} you know what they tinker with.", costUsd: 30, effort: "low", timing: "This week" },
    { id: "tech-meetup", kind: "do", title: "A place at a hands-on workshop or meetup on {interest}, booked for them", details: "Find a well-reviewed local workshop or meetup on {interest} near {customer} and book the place.", why: "An evening of {interest} with people who love it too is time {customer} would choose.", costUsd: 25, effort: "medium", timing: "In the next month", occasions: NOT_HARDSHIP },
  ],
};

// prettier-ignore
/** For a few interests people name often, keyed by their WordNet lemma. */
export const SPECIAL_IDEAS: Record<string, InterestIdea[]> = {
  sailing: [
    { id: "tide-table", kind: "give", title: "A tide-table print of their home harbour for someone who loves {interest}, framed, with a note", details: "Have the season's tide table and a chart of their harbour printed and framed; mark the mooring {customer} sails from if you know it.", why: "A tide table of their own harbour is useful on every outing, and shows {customer} you remember their love of {interest}.", costUsd: 30, effort: "medium", timing: "Before the sailing season" },
  ],
  chess: [
    { id: "travel-chess", kind: "give", title: "A weighted wooden travel chess set, with a note challenging them to a game", details: "A compact, well-made set for {customer} to take anywhere; the card proposes a friendly game with someone from the team.", why: "A chess set they will carry for years makes the game something you share with {customer}.", costUsd: 35, effort: "low", timing: "Before the weekend" },
  ],
  astronomy: [
    { id: "star-map", kind: "give", title: "A star map of the night sky over their town on the day they became your customer", details: "Have the map printed for that date and place, framed, with a note on what was overhead that night.", why: "Their own sky on your first day together joins {customer}'s love of {interest} to your story.", costUsd: 35, effort: "medium", timing: "Within two weeks" },
    { id: "stargazing", kind: "do", title: "Two places at a planetarium show or public stargazing night near them", details: "Book a clear-sky evening with a local astronomy society or a planetarium near {customer}.", why: "A night under the stars with experts is the treat for a lover of {interest}, and {customer} only has to turn up.", costUsd: 25, effort: "medium", timing: "The next clear-sky evening", occasions: NOT_HARDSHIP },
  ],
  fishing: [
    { id: "flies", kind: "give", title: "A box of hand-tied flies from a local tackle maker, with a note wishing them tight lines", details: "Ask the tackle maker what works on {customer}'s local waters this season.", why: "Flies for their own waters are a {interest} lover's treasure, and they show {customer} you listened.", costUsd: 25, effort: "low", timing: "Before the season opens" },
  ],
  skiing: [
    { id: "ski-wax", kind: "give", title: "A ski wax and tuning kit in a small bag, with a card wishing them fresh snow", details: "A good-quality kit from a local ski shop, and a card for {customer}'s next trip to the mountains.", why: "A kit they will use every season of {interest} keeps {customer}'s thank-you going all winter.", costUsd: 30, effort: "low", timing: "Before their next ski trip" },
  ],
  opera: [
    { id: "opera-matinee", kind: "do", title: "Two tickets for an opera matinée or dress rehearsal near them, on a date they choose", details: "Dress rehearsals and matinées cost far less than an evening; pick a production {customer} has talked about.", why: "An afternoon at the opera is the treat {customer} would choose for themselves.", costUsd: 45, effort: "medium", timing: "For a performance in the next two months", occasions: NOT_HARDSHIP },
  ],
  knitting: [
    { id: "yarn", kind: "give", title: "Skeins of yarn from an independent local dyer, in colours picked for them, with a pattern", details: "Ask the dyer for a colourway that suits {customer}, and add a pattern someone on the team would love to see made.", why: "Yarn from a local dyer becomes something {customer} makes, and it honours their love of {interest}.", costUsd: 30, effort: "low", timing: "This week" },
  ],
};

/** Every idea for an interest of this family and lemma, most specific first. */
export function ideasFor(
  family: Family | null,
  lemma: string | null,
): Array<{ idea: InterestIdea; specificity: number }> {
  return [
    ...(lemma ? (SPECIAL_IDEAS[lemma] ?? []) : []).map((idea) => ({ idea, specificity: 2 })),
    ...(family ? (FAMILY_IDEAS[family] ?? []) : []).map((idea) => ({ idea, specificity: 1 })),
    ...GENERAL_IDEAS.map((idea) => ({ idea, specificity: 0 })),
  ];
}
