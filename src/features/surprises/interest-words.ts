// Where interests are in what people type: the phrases that introduce them ("they love…",
// "a keen…", "… fans"), where such a phrase ends, the words that never are interests, and the
// other forms people use for an activity ("a keen sailor" → sailing).
/** Phrases that introduce an interest: "they love sailing", "a keen golfer", "fans of opera". */
const CUE =
  /\b(?:loves?|loved|loving|adores?|adored|enjoys?|enjoyed|likes?|liked|(?:is|are|'re|’re|was|were|got|gets) (?:really |very |big )?into|passionate about|crazy about|mad about|obsessed with|keen on|fans? of|lovers? of|readers? of|does|do|doing|hobby is|hobbies are|hobbies include|(?:weekends|evenings|free time|spare time) (?:are for|on|doing)|plays?|played|collects?|collected|practi[cs]es|(?:goes|go|went|going)(?=\s+(?:[a-z]+\s+)?[a-z]+ing\b))\s+([^.;:!?,()\n]{2,80})/giu;
/** "a keen sailor", "an avid reader of crime novels", "big opera fan". */
const CUE_BEFORE = /\b(?:keen|avid|passionate|dedicated|enthusiastic|big|huge|serious)\s+([a-z][a-z -]{1,40})/giu;
const FAN_AFTER =
  /\b([a-z][a-z-]{2,30}(?: [a-z][a-z-]{2,30})?)\s+(?:fans?|lovers?|enthusiasts?|buffs?|nuts?|addicts?)\b/giu;

/** Where an interest phrase ends. */
const PHRASE_END =
  /\s(?:and|or|but|with|when|while|because|every|each|on|at|in|since|so|as|from|for|after|before|too|also|especially|than|which|who|that|if|though|although|until|during|all|this|last|next)\s.*$/i;
const LEADING =
  /^(?:(?:the|their|his|her|its|our|a|an|to|some|any|good|great|all|very|really|most|much|lots of|a lot of|watching|doing|playing|going|reading about|anything to do with|everything about|all things)\s+)+/i;

/** Words that are never interests on their own, whatever WordNet says. */
export const NOT_INTERESTS = new Set(
  "thing things stuff it them time times day days week weeks work job people team staff customer customers order orders service way ways lot lots one ones idea ideas something anything everything nothing place places home office company business money bit call calls meeting meetings hour hours month months year years morning evening weekend weekends product products".split(
    " ",
  ),
);
/** Words that name an interest only when something introduces them ("loves music"), not in passing. */
export const NOT_IN_PASSING = new Set(
  "fun play game games sport sports art music match show party event club round race set point goal score track course field ball card cards board record records piece note notes key bar pitch net court draw tie run drive swing shot stroke book books film films play plays drawing painting walk walks trip trips city country".split(
    " ",
  ),
);

/** The phrase after a cue, cut where the interest ends ("sailing and opera" → two). */
export function cuePhrases(text: string): string[] {
  const phrases: string[] = [];
  const add = (raw: string) => {
    const cut = raw.replace(PHRASE_END, "").trim();
    for (const part of cut.split(/\s*(?:,|\band\b|\bor\b|&|\/)\s*/i)) {
      const phrase = part
        .replace(LEADING, "")
        .replace(/[’']s$/, "")
        .trim();
      if (phrase.length >= 2 && phrase.split(/\s+/).length <= 4) phrases.push(phrase);
    }
  };
  for (const match of text.matchAll(CUE)) add(match[1] ?? "");
  for (const match of text.matchAll(CUE_BEFORE)) add((match[1] ?? "").split(/\s+/).slice(0, 3).join(" "));
  for (const match of text.matchAll(FAN_AFTER)) add(match[1] ?? "");
  return phrases;
}

export function tokens(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[’']s\b/g, "")
    .split(/[^a-z-]+/)
    .filter((w) => w.length >= 3);
}

/** "sailor" → sailing, "cyclist" → cycling, "golfer" → golf: the activity of a person noun. */
export function activityForms(word: string): string[] {
  const forms: string[] = [];
  for (const suffix of ["er", "or", "ist"]) {
    if (!word.endsWith(suffix) || word.length <= suffix.length + 2) continue;
    const stem = word.slice(0, -suffix.length);
    // sailor → sailing, photographer → photography, archaeologist → archaeology, golfer → golf.
    forms.push(`${stem}ing`, `${stem}y`, stem);
  }
  return forms;
}

/** Hobbies people name that WordNet 3.1 lists under another word. */
export const ALIASES: Record<string, string> = {
  birdwatching: "ornithology",
  "bird watching": "ornithology",
  "bird-watching": "ornithology",
  birding: "ornithology",
  stargazing: "astronomy",
  "paddle boarding": "surfing",
  paddleboarding: "surfing",
};

export const STOP = new Set(
  "the and for with that this they them their there then than from have has had was were are been being will would could should about after before again also just only into over under very more most some such what when where which while who whom why how all any both each few other our out own same too can did does doing done not now off once here yours your you she him her his its it's our ours we us one two three first second third week weeks today tomorrow yesterday".split(
    " ",
  ),
);
