/**
 * Common given names (lower case, no accents), plus every name of the nickname table. Two DIFFERENT names
 * that are both known are two names, not a typo of one: Daniel and Danielle, Christina and Christine, Jane
 * and Janet look alike to string similarity but belong to different people — often to a couple sharing an
 * address. An unknown spelling close to a known name is still read as a typo ('Bredna' → Brenda).
 */
import { NICKNAME_GROUPS } from './nicknames.ts';

const COMMON = `
aaron adam adrian ahmed aidan aisha alan albert alice alicia alison allison amber amelia amy ana andre andrea
andreas angelica ann anna anne annette anton antonia april arjun ashley astrid audrey austin ava barry ben
benedikt bernd beth bettina beverly bianca bjorn blake brandon brenda brent brett brian brianna brittany bruce
bruno bryan caleb calvin cameron camila carl carla carlos carmen carol carolyn carsten casey cassandra catalina
cecilia chad charlene charlotte chelsea cheryl chiara chloe christa christoph claire clara claudia clemens colin
connor craig crystal curtis dale damian dana dane danny darren dean denise dennis derek diana diane diego dieter
dirk dolores dominic donna doris dylan eduardo eileen elaine elena elias elif elisa ella ellen elliot emil emilia
emma eric erica erik erika erin ernst esther ethan eva evan fabian fatima felix fernando finn fiona florian frank
franz frida gail gary gavin georg george georgia gerhard gert gina giulia giuseppe gloria gordon grace greta guido
gunter hailey hanna hannah harald heather heidi heinz helen helena helga hiroshi holly hugo ian ida ines ingrid
irene iris isaac isabel isabelle ivan jack jaden jake jan jana jane janice jared jasmine jason javier jay jean
jeanette jens jeremy jerome jesse jesus jill jo joan joanna joanne jodie joel johanna jolanta jonas jordan jorg
jorge jose joyce juan julia julian juliana julie julius justin kai karen karin karina karl kate katja kayla keith
kelly kendra kevin kim klaus kristen kristin kurt kyle lana lara lars laura lauren lea leah leila lena leon leonie
leslie liam lily linda lindsay lisa logan lorenzo lori louise luca lucas lucia lucy luis luisa luke lukas luz lydia
madison maja manfred manuel marc marcel marco marcus maria marie marina mario marion marisa marius mark markus marta
martha martin martina marvin mary mason mateo mathias matthias maurice maya megan mei melanie mia miguel mila milan
miles miriam mohammed molly monica monika moritz muhammad nadine nadia naomi natalia natalie nathan neil nils nina
noah noel nora norbert norman olga omar oscar otto owen pablo paige paola pascal paul paula pauline pedro petra
philipp pia pierre priya rachel rafael raj ralf ralph ramona randy rebekka regina reinhard renate rene renee rhonda
rita roberta robin rodney roger roland rolf rosa rose roxanne roy ruben ruth ryan sabine sabrina sally sandra sara
sarah scott sean sergio seth shane shannon sharon shawn sheila shirley silke simon simone sonia sonja soren stacy
stefan stefanie stella sven svenja sylvia tamara tanja tara taylor thea tobias todd tom tommy tony tracy travis
trevor troy tyler ulrich ursula uwe vanessa vera veronica victor viktor vivian walter wayne wei wendy werner
whitney wolfgang xavier yasmin yuki yvonne zoe francois francoise jurgen soren bjorn andre jose renee celine
helene agnes rene joelle mathilde ines ingrid kai luc
`;

let known: Set<string> | null = null;

export function isKnownGivenName(normalisedName: string): boolean {
  known ??= new Set([...COMMON.split(/\s+/).filter((n) => n !== ''), ...NICKNAME_GROUPS.flat()]);
  return known.has(normalisedName);
}
