/**
 * Nickname table, as data: each row is a formal first name followed by the short forms people go by.
 * A short form may belong to several formal names (Alex → Alexander, Alexandra), so lookups return sets.
 * Names are lower-case and without accents, as normaliseName produces them.
 */
export const NICKNAME_GROUPS: readonly (readonly string[])[] = [
  ['abigail', 'abby', 'abbie', 'gail'],
  ['abraham', 'abe', 'bram'],
  ['albert', 'al', 'bert', 'bertie'],
  ['alexander', 'alex', 'al', 'sandy', 'xander', 'lex', 'sasha', 'alec', 'alek'],
  ['alexandra', 'alex', 'alexa', 'sandra', 'sandy', 'sasha', 'lexi'],
  ['alfred', 'al', 'alf', 'fred', 'freddie'],
  ['andrew', 'andy', 'drew'],
  ['anthony', 'tony', 'ant'],
  ['barbara', 'barb', 'babs', 'barbie'],
  ['benjamin', 'ben', 'benny', 'benji'],
  ['bernard', 'bernie'],
  ['catherine', 'cathy', 'cath', 'kate', 'katie', 'cat'],
  ['charles', 'charlie', 'chuck', 'chas', 'chaz'],
  ['charlotte', 'charlie', 'lottie', 'lotte'],
  ['christina', 'chris', 'tina', 'chrissy'],
  ['christine', 'chris', 'chrissy', 'tina'],
  ['christopher', 'chris', 'kit', 'topher'],
  ['daniel', 'dan', 'danny'],
  ['david', 'dave', 'davey'],
  ['deborah', 'deb', 'debbie', 'debby'],
  ['donald', 'don', 'donnie'],
  ['dorothy', 'dot', 'dottie', 'dolly'],
  ['douglas', 'doug'],
  ['edward', 'ed', 'eddie', 'ted', 'teddy', 'ned'],
  ['elizabeth', 'liz', 'beth', 'lizzie', 'eliza', 'betty', 'betsy', 'libby', 'bess', 'lisa', 'elise'],
  ['eleanor', 'ellie', 'nora', 'elle', 'nell'],
  ['emily', 'em', 'emmy', 'millie'],
  ['frances', 'fran', 'frankie'],
  ['francis', 'frank', 'fran'],
  ['frederick', 'fred', 'freddie', 'fritz'],
  ['gabriel', 'gabe'],
  ['gerald', 'gerry', 'jerry'],
  ['gregory', 'greg'],
  ['harold', 'harry', 'hal'],
  ['henry', 'hank', 'harry', 'hal'],
  ['isabella', 'bella', 'izzy', 'isabel'],
  ['isabelle', 'izzy', 'belle', 'bella', 'isabel'],
  ['jacob', 'jake', 'jack'],
  ['james', 'jim', 'jimmy', 'jamie'],
  ['janet', 'jan'],
  ['jeffrey', 'jeff'],
  ['jennifer', 'jen', 'jenny', 'jenn'],
  ['jessica', 'jess', 'jessie'],
  ['john', 'johnny', 'jack', 'jon'],
  ['jonathan', 'jon', 'jonny', 'nathan'],
  ['joseph', 'joe', 'joey', 'jos'],
  ['joshua', 'josh'],
  ['judith', 'judy', 'jude'],
  ['katherine', 'kate', 'katie', 'kathy', 'kat', 'kay', 'kit'],
  ['kathleen', 'kathy', 'kate', 'katie'],
  ['kenneth', 'ken', 'kenny'],
  ['lawrence', 'larry', 'laurie'],
  ['leonard', 'leo', 'len', 'lenny'],
  ['margaret', 'maggie', 'meg', 'peggy', 'marge', 'margie', 'greta', 'daisy'],
  ['matthew', 'matt', 'matty'],
  ['michael', 'mike', 'mikey', 'mick', 'mickey'],
  ['nathaniel', 'nate', 'nat', 'nathan'],
  ['natalie', 'nat', 'nattie', 'talia'],
  ['natasha', 'nat', 'tasha', 'tash'],
  ['nicholas', 'nick', 'nicky', 'nico'],
  ['patricia', 'pat', 'patty', 'trish', 'tricia'],
  ['patrick', 'pat', 'paddy', 'rick'],
  ['peter', 'pete'],
  ['philip', 'phil', 'pip'],
  ['rebecca', 'becky', 'becca', 'bex'],
  ['richard', 'rick', 'ricky', 'dick', 'rich', 'richie'],
  ['robert', 'bob', 'bobby', 'rob', 'robbie', 'bert'],
  ['ronald', 'ron', 'ronnie'],
  ['samantha', 'sam', 'sammy'],
  ['samuel', 'sam', 'sammy'],
  ['stephen', 'steve', 'stevie'],
  ['steven', 'steve', 'stevie'],
  ['susan', 'sue', 'susie', 'suzy'],
  ['theodore', 'theo', 'ted', 'teddy'],
  ['thomas', 'tom', 'tommy'],
  ['timothy', 'tim', 'timmy'],
  ['victoria', 'vicky', 'vicki', 'tori'],
  ['vincent', 'vince', 'vinny'],
  ['walter', 'walt', 'wally'],
  ['william', 'bill', 'billy', 'will', 'willie', 'liam'],
  ['zachary', 'zach', 'zack'],
  // Common short forms found missing when measured on generated CRM data (bench/identity).
  ['amanda', 'mandy', 'manda'],
  ['angela', 'angie', 'angel'],
  ['arthur', 'art', 'artie'],
  ['bradley', 'brad'],
  ['caroline', 'carrie', 'caro'],
  ['christian', 'chris', 'kris'],
  ['cynthia', 'cindy', 'cyndi'],
  ['danielle', 'dani', 'elle'],
  ['eugene', 'gene'],
  ['evelyn', 'evie', 'eve'],
  ['gabrielle', 'gabby', 'gabi', 'elle'],
  ['jacqueline', 'jackie', 'jacqui'],
  ['josephine', 'jo', 'josie'],
  ['kimberly', 'kim', 'kimmy'],
  ['louis', 'lou', 'louie'],
  ['maximilian', 'max', 'maxi'],
  ['maxwell', 'max'],
  ['melissa', 'mel', 'missy', 'lissa'],
  ['michelle', 'shelly', 'shelley', 'chelle'],
  ['mitchell', 'mitch'],
  ['nicole', 'nikki', 'nicky', 'nic'],
  ['oliver', 'ollie', 'olly'],
  ['olivia', 'liv', 'livvy', 'ollie'],
  ['pamela', 'pam', 'pammy'],
  ['raymond', 'ray'],
  ['russell', 'russ'],
  ['sebastian', 'seb', 'bastian'],
  ['sophia', 'sophie', 'sofia'],
  ['stephanie', 'steph', 'stephie'],
  ['terrence', 'terry'],
  ['teresa', 'terri', 'terry', 'tess', 'tessa'],
  ['theresa', 'terri', 'terry', 'tess', 'tessa'],
  ['valerie', 'val'],
  ['virginia', 'ginny', 'ginger'],
  ['johannes', 'hans', 'jo'],
  ['giovanni', 'gianni', 'nanni'],
];

let index: Map<string, Set<string>> | null = null;

/** name → the formal names it may stand for (itself included when it is a formal name). */
function nicknameIndex(): Map<string, Set<string>> {
  if (index) return index;
  index = new Map();
  for (const [formal, ...short] of NICKNAME_GROUPS) {
    for (const name of [formal!, ...short]) {
      if (!index.has(name)) index.set(name, new Set());
      index.get(name)!.add(formal!);
    }
  }
  return index;
}

/** The formal names a first name may stand for; a name not in the table stands for itself. */
export function formalNames(normalisedFirstName: string): Set<string> {
  return nicknameIndex().get(normalisedFirstName) ?? new Set([normalisedFirstName]);
}

/** Whether two normalised first names may be the same person's: equal, or sharing a formal name. */
export function areNicknameVariants(a: string, b: string): boolean {
  if (a === b) return true;
  const formalA = formalNames(a);
  for (const formal of formalNames(b)) if (formalA.has(formal)) return true;
  return false;
}
