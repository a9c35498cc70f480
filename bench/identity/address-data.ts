/**
 * Street and postal-code pools for the identity bench generator, written from general knowledge of how
 * addresses look in each country — not from the matcher's normalisation tables.
 */
import type { Country } from './people-data.ts';

/** Street names without their type; combined with STREET_TYPES per city (every US city has a Main Street). */
export const STREET_NAMES: Readonly<Record<Country, readonly string[]>> = {
  US: [
    'Main', 'Oak', 'Maple', 'Pine', 'Cedar', 'Elm', 'Washington', 'Lake', 'Hill', 'Park', 'Sunset', 'Mission', 'Market',
    'Lincoln', 'Jefferson', 'Madison', 'Franklin', 'Highland', 'Church', 'River', 'Spring', 'Valley', 'Walnut', 'Willow',
    'Chestnut', 'Jackson', 'Adams', 'Hillside', 'Forest', 'Center', 'Union', 'Grant', 'Broad', 'Sherman', 'Harrison',
  ],
  GB: [
    'High', 'Station', 'Church', 'Victoria', 'Park', 'Queen', 'King', 'Mill', 'Green', 'Manor', 'Albert', 'George',
    'Grange', 'Springfield', 'York', 'London', 'Windsor', 'Chapel', 'Stanley', 'Richmond', 'Alexandra', 'North', 'Hillside',
    'Kingsway', 'Cromwell', 'Marlborough', 'Belgrave', 'Cavendish', 'Elm', 'Beech', 'Oakfield', 'Woodland', 'Orchard',
  ],
  DE: [
    'Haupt', 'Bahnhof', 'Garten', 'Schiller', 'Goethe', 'Friedrich', 'Kirch', 'Linden', 'Mozart', 'Schul', 'Post', 'Wald',
    'Berg', 'Wilhelm', 'Kaiser', 'Markt', 'Rosen', 'Blumen', 'Beethoven', 'Uhland', 'Lessing', 'Heine', 'Körner', 'Luisen',
    'Marien', 'Sonnen', 'Feld', 'Wiesen', 'Birken', 'Eichen', 'Dorf', 'Mühlen', 'Brunnen', 'Industrie', 'Königs',
  ],
};

/** Street types as the street sign writes them; German ones are written onto the name ('Hauptstraße'). */
export const STREET_TYPES: Readonly<Record<Country, ReadonlyArray<readonly [string, number]>>> = {
  US: [['Street', 35], ['Avenue', 20], ['Road', 10], ['Boulevard', 5], ['Drive', 10], ['Lane', 6], ['Way', 5], ['Place', 4], ['Court', 5]],
  GB: [['Street', 25], ['Road', 30], ['Lane', 12], ['Avenue', 10], ['Close', 6], ['Gardens', 5], ['Crescent', 5], ['Terrace', 4], ['Place', 3]],
  DE: [['straße', 65], ['weg', 15], ['allee', 7], ['platz', 5], ['ring', 8]],
};

/** How people and forms abbreviate a street type: 'St', 'St.', 'Str.', 'Strasse'. */
export const STREET_TYPE_SPELLINGS: Readonly<Record<string, readonly string[]>> = {
  Street: ['St', 'St.', 'Str'], Avenue: ['Ave', 'Ave.', 'Av'], Road: ['Rd', 'Rd.'], Boulevard: ['Blvd', 'Blvd.'],
  Drive: ['Dr', 'Dr.'], Lane: ['Ln', 'Ln.'], Way: ['Wy'], Place: ['Pl', 'Pl.'], Court: ['Ct', 'Ct.'], Close: ['Cl'],
  Gardens: ['Gdns'], Crescent: ['Cres', 'Cresc.'], Terrace: ['Ter', 'Terr.'],
  straße: ['str.', 'strasse', 'str', 'Str.'], platz: ['pl.'],
};

/**
 * Postal codes by city: US ZIP ranges, UK outward codes (the inward part is drawn), German PLZ ranges.
 * Boston's ZIPs start with 0, which spreadsheets like to drop.
 */
export const POSTAL_CODES: Readonly<Record<string, { range?: readonly [number, number]; outward?: readonly string[] }>> = {
  'San Francisco': { range: [94102, 94134] }, 'New York': { range: [10001, 10282] }, Chicago: { range: [60601, 60661] },
  Austin: { range: [78701, 78759] }, Seattle: { range: [98101, 98199] }, Boston: { range: [2108, 2137] },
  Denver: { range: [80202, 80239] }, Atlanta: { range: [30303, 30363] }, 'Los Angeles': { range: [90001, 90068] },
  Miami: { range: [33125, 33199] },
  London: { outward: ['SW1A', 'SW3', 'SW11', 'SE1', 'SE15', 'E1', 'E2', 'E14', 'N1', 'N7', 'NW1', 'NW3', 'W1D', 'W2', 'WC1N', 'EC1V', 'EC2A'] },
  Manchester: { outward: ['M1', 'M2', 'M3', 'M4', 'M13', 'M14', 'M15', 'M20'] },
  Edinburgh: { outward: ['EH1', 'EH2', 'EH3', 'EH6', 'EH7', 'EH9', 'EH10', 'EH12'] },
  Bristol: { outward: ['BS1', 'BS2', 'BS3', 'BS5', 'BS6', 'BS7', 'BS8'] },
  Berlin: { range: [10115, 14199] }, München: { range: [80331, 81929] }, Hamburg: { range: [20095, 22769] },
  Köln: { range: [50667, 51149] }, 'Frankfurt am Main': { range: [60306, 60599] },
};

/** Letters used in the inward part of UK postcodes (C, I, K, M, O and V are never used there). */
export const UK_INWARD_LETTERS = 'ABDEFGHJLNPQRSTUWXYZ';
