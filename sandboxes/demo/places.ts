/**
 * Places and companies for the demo set: US cities (most customers), some UK and German ones, so addresses,
 * phone numbers and street abbreviations differ the way they do in real multi-country CRMs.
 * US numbers use the fictional 555-01xx range; UK numbers use Ofcom's drama ranges.
 */

export type CountryCode = 'US' | 'GB' | 'DE';

export interface City {
  country: CountryCode;
  name: string;
  /** The English exonym some systems store instead (München → Munich). */
  exonym?: string;
  /** State or region code as CRMs usually store it ('CA'); for UK/DE the region name or code. */
  state: string;
  stateName: string;
  postalCodes: readonly string[];
  /** National dialling groups without the trunk prefix: area code, then the fixed part of the local number. */
  areaCode: string;
  exchange: string;
}

export const CITIES: readonly City[] = [
  { country: 'US', name: 'San Francisco', state: 'CA', stateName: 'California', postalCodes: ['94103', '94105', '94107', '94110'], areaCode: '415', exchange: '555' },
  { country: 'US', name: 'New York', state: 'NY', stateName: 'New York', postalCodes: ['10001', '10013', '10016', '10022'], areaCode: '212', exchange: '555' },
  { country: 'US', name: 'Boston', state: 'MA', stateName: 'Massachusetts', postalCodes: ['02108', '02110', '02116'], areaCode: '617', exchange: '555' },
  { country: 'US', name: 'Chicago', state: 'IL', stateName: 'Illinois', postalCodes: ['60601', '60606', '60611'], areaCode: '312', exchange: '555' },
  { country: 'US', name: 'Austin', state: 'TX', stateName: 'Texas', postalCodes: ['78701', '78702', '78704'], areaCode: '512', exchange: '555' },
  { country: 'US', name: 'Seattle', state: 'WA', stateName: 'Washington', postalCodes: ['98101', '98104', '98109'], areaCode: '206', exchange: '555' },
  { country: 'US', name: 'Denver', state: 'CO', stateName: 'Colorado', postalCodes: ['80202', '80205'], areaCode: '303', exchange: '555' },
  { country: 'US', name: 'Atlanta', state: 'GA', stateName: 'Georgia', postalCodes: ['30303', '30308', '30309'], areaCode: '404', exchange: '555' },
  { country: 'US', name: 'Los Angeles', state: 'CA', stateName: 'California', postalCodes: ['90012', '90017', '90028'], areaCode: '213', exchange: '555' },
  { country: 'US', name: 'Miami', state: 'FL', stateName: 'Florida', postalCodes: ['33130', '33131', '33132'], areaCode: '305', exchange: '555' },
  { country: 'US', name: 'Portland', state: 'OR', stateName: 'Oregon', postalCodes: ['97204', '97205', '97209'], areaCode: '503', exchange: '555' },
  { country: 'US', name: 'Minneapolis', state: 'MN', stateName: 'Minnesota', postalCodes: ['55401', '55402'], areaCode: '612', exchange: '555' },
  { country: 'US', name: 'Philadelphia', state: 'PA', stateName: 'Pennsylvania', postalCodes: ['19103', '19106', '19107'], areaCode: '215', exchange: '555' },
  { country: 'US', name: 'Nashville', state: 'TN', stateName: 'Tennessee', postalCodes: ['37203', '37219'], areaCode: '615', exchange: '555' },
  { country: 'GB', name: 'London', state: 'Greater London', stateName: 'Greater London', postalCodes: ['EC1A 1BB', 'EC2A 4NE', 'W1D 3QF', 'N1 9GU', 'SE1 7PB'], areaCode: '20', exchange: '7946' },
  { country: 'GB', name: 'Manchester', state: 'Greater Manchester', stateName: 'Greater Manchester', postalCodes: ['M1 1AE', 'M2 5DB', 'M4 1HN'], areaCode: '161', exchange: '496' },
  { country: 'GB', name: 'Leeds', state: 'West Yorkshire', stateName: 'West Yorkshire', postalCodes: ['LS1 4AP', 'LS2 7EY'], areaCode: '113', exchange: '496' },
  { country: 'GB', name: 'Edinburgh', state: 'City of Edinburgh', stateName: 'City of Edinburgh', postalCodes: ['EH1 1YZ', 'EH2 2ER', 'EH3 9DR'], areaCode: '131', exchange: '496' },
  { country: 'DE', name: 'Berlin', state: 'BE', stateName: 'Berlin', postalCodes: ['10115', '10117', '10178'], areaCode: '30', exchange: '' },
  { country: 'DE', name: 'München', exonym: 'Munich', state: 'BY', stateName: 'Bayern', postalCodes: ['80331', '80333', '80335'], areaCode: '89', exchange: '' },
  { country: 'DE', name: 'Hamburg', state: 'HH', stateName: 'Hamburg', postalCodes: ['20095', '20354'], areaCode: '40', exchange: '' },
  { country: 'DE', name: 'Köln', exonym: 'Cologne', state: 'NW', stateName: 'Nordrhein-Westfalen', postalCodes: ['50667', '50672'], areaCode: '221', exchange: '' },
  { country: 'DE', name: 'Frankfurt am Main', exonym: 'Frankfurt', state: 'HE', stateName: 'Hessen', postalCodes: ['60311', '60313'], areaCode: '69', exchange: '' },
];

export const COUNTRY = {
  US: { dialCode: '1', trunk: '', names: ['United States', 'USA', 'US'] },
  GB: { dialCode: '44', trunk: '0', names: ['United Kingdom', 'UK', 'GB'] },
  DE: { dialCode: '49', trunk: '0', names: ['Germany', 'Deutschland', 'DE'] },
} as const;

/** Street type → its usual abbreviation. */
export const STREET_TYPES: Record<CountryCode, readonly (readonly [string, string])[]> = {
  US: [['Street', 'St.'], ['Avenue', 'Ave.'], ['Boulevard', 'Blvd.'], ['Road', 'Rd.'], ['Drive', 'Dr.'], ['Lane', 'Ln.'], ['Place', 'Pl.']],
  GB: [['Street', 'St'], ['Road', 'Rd'], ['Lane', 'Ln'], ['Square', 'Sq']],
  // German street names are one word: Hauptstraße ↔ Hauptstr.; some systems spell ß as ss.
  DE: [['straße', 'str.']],
};

export const STREET_NAMES: Record<CountryCode, readonly string[]> = {
  US: ['Market', 'Mission', 'Main', 'Oak', 'Pine', 'Maple', 'Cedar', 'Washington', 'Lincoln', 'Park', 'Lake', 'Harbor', 'Franklin', 'Jefferson', 'Spring', 'Sunset'],
  GB: ['Baker', 'High', 'King', 'Queen', 'Station', 'Church', 'Victoria', 'Albert', 'Mill', 'Castle', 'Bridge'],
  DE: ['Haupt', 'Friedrich', 'Goethe', 'Schiller', 'Bahnhof', 'Linden', 'Garten', 'Kirch', 'Mozart', 'Wilhelm'],
};

/** An industry in both CRMs' vocabularies (Salesforce picklist value, HubSpot enum) and name words that fit it. */
export interface Industry {
  salesforce: string;
  hubspot: string;
  words: readonly string[];
}

// Kept to values both sandboxes' metadata lists (Salesforce's Industry picklist, HubSpot's industry enum), one to one.
export const INDUSTRIES: readonly Industry[] = [
  { salesforce: 'Technology', hubspot: 'COMPUTER_SOFTWARE', words: ['Software', 'Labs', 'Systems', 'Cloud', 'Analytics', ''] },
  { salesforce: 'Finance', hubspot: 'FINANCIAL_SERVICES', words: ['Capital', 'Financial', 'Partners'] },
  { salesforce: 'Banking', hubspot: 'BANKING', words: ['Bank', 'Trust'] },
  { salesforce: 'Healthcare', hubspot: 'HOSPITAL_HEALTH_CARE', words: ['Health', 'Medical', 'Clinics', 'Care'] },
  { salesforce: 'Retail', hubspot: 'RETAIL', words: ['Retail', 'Outfitters', 'Market'] },
  { salesforce: 'Manufacturing', hubspot: 'CONSUMER_GOODS', words: ['Goods', 'Brands', 'Industries', 'Works'] },
  { salesforce: 'Telecommunications', hubspot: 'TELECOMMUNICATIONS', words: ['Telecom', 'Networks', 'Wireless'] },
  { salesforce: 'Consulting', hubspot: 'MANAGEMENT_CONSULTING', words: ['Consulting', 'Advisory', 'Group'] },
  { salesforce: 'Education', hubspot: 'EDUCATION_MANAGEMENT', words: ['Learning', 'Academy', 'Education'] },
  { salesforce: 'Media', hubspot: 'INTERNET', words: ['Media', 'Digital', 'Online'] },
];

export const COMPANY_STEMS: readonly string[] = [
  'Acme', 'Northwind', 'Bluefin', 'Ironbridge', 'Silverline', 'Redwood', 'Brightpath', 'Cobalt', 'Evergreen',
  'Summit', 'Harborview', 'Keystone', 'Lumen', 'Meridian', 'Nimbus', 'Orion', 'Pinnacle', 'Quantum', 'Riverstone',
  'Sterling', 'Tidewater', 'Vertex', 'Willowbrook', 'Zephyr', 'Alder', 'Beacon', 'Crescent', 'Driftwood', 'Ember',
  'Foxglove', 'Granite', 'Helix', 'Juniper', 'Kestrel', 'Lighthouse', 'Monarch', 'Nova', 'Oakridge', 'Polaris',
  'Sable', 'Trellis', 'Upland', 'Vantage', 'Wavecrest', 'Aurora', 'Cascade', 'Falcon', 'Glacier', 'Larkspur',
  'Mosaic', 'Northstar', 'Parallax', 'Quill', 'Saffron', 'Tundra', 'Verdant', 'Windward', 'Atlas', 'Bramble',
];

/** Legal-form suffixes per country; HubSpot often holds the bare name (auto-named from the domain). */
export const LEGAL_SUFFIXES: Record<CountryCode, readonly string[]> = {
  US: ['Inc.', 'Inc.', 'LLC', 'Corp.', 'Co.'],
  GB: ['Ltd', 'Ltd', 'plc'],
  DE: ['GmbH', 'GmbH', 'AG'],
};

export const COMPANY_TLD: Record<CountryCode, string> = { US: '.com', GB: '.co.uk', DE: '.de' };
